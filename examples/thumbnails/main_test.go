package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pipegen/pipegen/generator"
	pipegen "github.com/pipegen/pipegen/runtime"
)

// decodeFile decodes the PNG file at path.
func decodeFile(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// sampleCount is how many sample images the tests share: one of each of
// the sample sizes.
const sampleCount = 5

// shared is the directory of the sample images, made once: drawing and
// encoding them is most of the tests' time under the race detector.
var shared struct {
	once sync.Once
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// samples returns a new directory with copies of the first n shared
// sample images (n ≤ sampleCount), which the test may change.
func samples(t *testing.T, n int) string {
	t.Helper()
	shared.once.Do(func() {
		if shared.dir, shared.err = os.MkdirTemp("", "thumbnails-test-"); shared.err == nil {
			shared.err = MakeSamples(context.Background(), shared.dir, sampleCount, 2)
		}
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	dir := t.TempDir()
	for i := range n {
		name := fmt.Sprintf("sample-%02d.png", i)
		data, err := os.ReadFile(filepath.Join(shared.dir, name))
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, name), data, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// sameImage reports where a and b differ, if they do.
func sameImage(a, b image.Image) error {
	if a.Bounds() != b.Bounds() {
		return fmt.Errorf("bounds %v and %v", a.Bounds(), b.Bounds())
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ca, cb := rgba64At(a, x, y), rgba64At(b, x, y)
			if ca != cb {
				return fmt.Errorf("pixel (%d, %d): %v and %v", x, y, ca, cb)
			}
		}
	}
	return nil
}

// rgba64At is the colour of img at (x, y).
func rgba64At(img image.Image, x, y int) color.RGBA64 {
	if fast, ok := img.(image.RGBA64Image); ok {
		return fast.RGBA64At(x, y)
	}
	return color.RGBA64Model.Convert(img.At(x, y)).(color.RGBA64)
}

func TestThumbnailsMatchSequential(t *testing.T) {
	const n, size = sampleCount, 48
	in := samples(t, n)
	// The reference: each image decoded and scaled on its own.
	want := map[string]*image.RGBA{}
	for i := range n {
		name := fmt.Sprintf("sample-%02d.png", i)
		want[name] = Thumbnail(decodeFile(t, filepath.Join(in, name)), size)
	}
	// Workers from GOMAXPROCS, as main does, and more workers than CPUs:
	// the same thumbnails.
	for _, workers := range []int{runtime.GOMAXPROCS(0), 5} {
		out := t.TempDir()
		made, err := MakeThumbnails(context.Background(), in, out, size, workers)
		if err != nil || made != n {
			t.Fatalf("MakeThumbnails(workers %d) = %d, %v; want %d", workers, made, err, n)
		}
		entries, err := os.ReadDir(out)
		if err != nil || len(entries) != n {
			t.Fatalf("%d files in the output, %v; want %d", len(entries), err, n)
		}
		for name, w := range want {
			if err := sameImage(decodeFile(t, filepath.Join(out, name)), w); err != nil {
				t.Fatalf("%s differs from a sequential thumbnail: %v", name, err)
			}
		}
	}
	// The sizes: the longer side is size, the aspect ratio is kept.
	for i, wantSize := range []image.Point{{48, 36}, {36, 48}, {48, 24}, {48, 48}, {48, 36}} {
		if got := want[fmt.Sprintf("sample-%02d.png", i)].Bounds().Size(); got != wantSize {
			t.Errorf("sample %d: thumbnail %v, want %v", i, got, wantSize)
		}
	}
}

func TestThumbnail(t *testing.T) {
	red, blue := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}
	// Left half red, right half blue, 4×2 to 2×1: one of each.
	img := image.NewRGBA(image.Rect(10, 20, 14, 22)) // not at the origin
	for y := 20; y < 22; y++ {
		for x := 10; x < 14; x++ {
			img.SetRGBA(x, y, map[bool]color.RGBA{true: red, false: blue}[x < 12])
		}
	}
	th := Thumbnail(img, 2)
	if th.Bounds() != image.Rect(0, 0, 2, 1) || th.RGBAAt(0, 0) != red || th.RGBAAt(1, 0) != blue {
		t.Errorf("4×2 to 2: %v, %v %v", th.Bounds(), th.RGBAAt(0, 0), th.RGBAAt(1, 0))
	}
	// To one pixel: the average, transparency included (premultiplied).
	th = Thumbnail(img, 1)
	if got := th.RGBAAt(0, 0); th.Bounds().Dx() != 1 || th.Bounds().Dy() != 1 || got != (color.RGBA{128, 0, 128, 255}) {
		t.Errorf("4×2 to 1: %v %v", th.Bounds(), got)
	}
	half := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	half.SetNRGBA(0, 0, color.NRGBA{255, 255, 255, 255})
	if got := Thumbnail(half, 1).RGBAAt(0, 0); got != (color.RGBA{128, 128, 128, 128}) {
		t.Errorf("white and transparent to 1 pixel: %v, want half-transparent white", got)
	}
	// Small enough already: copied unchanged, through the slow path for
	// an image type without RGBA64At.
	gray := image.NewGray(image.Rect(0, 0, 3, 2))
	gray.Pix = []uint8{0, 50, 100, 150, 200, 250}
	if err := sameImage(Thumbnail(gray, 3), gray); err != nil {
		t.Errorf("3×2 in 3: %v", err)
	}
	if err := sameImage(Thumbnail(onlyAt{gray}, 64), gray); err != nil {
		t.Errorf("3×2 in 64, through At: %v", err)
	}
	// Thin images keep at least one pixel.
	if b := Thumbnail(image.NewGray(image.Rect(0, 0, 1000, 3)), 10).Bounds(); b != image.Rect(0, 0, 10, 1) {
		t.Errorf("1000×3 to 10: %v", b)
	}
}

// onlyAt hides every method of an image but those of image.Image.
type onlyAt struct{ image.Image }

func TestCorruptImageFailsTheRun(t *testing.T) {
	in := samples(t, sampleCount)
	bad := filepath.Join(in, "sample-03.png")
	if err := os.WriteFile(bad, []byte("GIF89a, not a PNG"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := MakeThumbnails(context.Background(), in, t.TempDir(), 32, 2)
	var se *pipegen.StageError
	var fe png.FormatError
	if !errors.As(err, &se) || se.Pipeline != "Thumbnails" || se.Stage != "Decode" || se.Index.Source() != 3 {
		t.Fatalf("err = %v, want Decode failing on element 3", err)
	}
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), bad) {
		t.Errorf("err = %v, want a png.FormatError naming %s", err, bad)
	}
}

func TestUnwritableOutputFailsTheRun(t *testing.T) {
	in := samples(t, 3)
	out := filepath.Join(t.TempDir(), "missing")
	_, err := MakeThumbnails(context.Background(), in, out, 32, 2)
	var se *pipegen.StageError
	if !errors.As(err, &se) || se.Stage != "Write" || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want Write failing: no such directory", err)
	}
}

func TestBadArguments(t *testing.T) {
	ctx := context.Background()
	in := samples(t, 1)
	if _, err := MakeThumbnails(ctx, in, in, 32, 2); err == nil || !strings.Contains(err.Error(), "same directory") {
		t.Errorf("in = out: %v", err)
	}
	if _, err := MakeThumbnails(ctx, in, t.TempDir(), 0, 2); err == nil {
		t.Error("size 0: no error")
	}
	if _, err := MakeThumbnails(ctx, filepath.Join(in, "nope"), t.TempDir(), 32, 2); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing input directory: %v", err)
	}
	// pipegen checks the option before it starts anything.
	_, err := MakeThumbnails(ctx, in, t.TempDir(), 32, 0)
	if err == nil || !strings.Contains(err.Error(), `Workers("Decode", 0)`) {
		t.Errorf("0 workers: %v", err)
	}
	// Resize runs in Decode's workers (fused): an option naming it sets
	// the whole group, and is checked like one naming Decode.
	if err := Thumbnails(ctx, slices.Values([]Job{}), pipegen.Workers("Resize", 2)); err != nil {
		t.Errorf("Workers(\"Resize\", 2): %v, want it to apply to the fused group", err)
	}
	err = Thumbnails(ctx, slices.Values([]Job{}), pipegen.Workers("Resize", 0))
	if err == nil || !strings.Contains(err.Error(), `Workers("Resize", 0)`) {
		t.Errorf("Workers(\"Resize\", 0): %v, want a refusal", err)
	}
}

func TestRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "thumbs")
	var b strings.Builder
	if err := run(&b, "", out, 2, 16, 2, nil, false); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "generated 2 sample images") || !strings.HasPrefix(lines[1], "wrote 2 thumbnails of at most 16x16 pixels to "+out) {
		t.Errorf("output:\n%s", b.String())
	}
	if entries, err := os.ReadDir(out); err != nil || len(entries) != 2 {
		t.Errorf("%d thumbnails, %v; want 2", len(entries), err)
	}
}

// TestProgressAndStats runs the program with -progress and -stats: the bar
// reaches the number of images, and the final statistics count every
// image and end with the verdict.
func TestProgressAndStats(t *testing.T) {
	var out, bar bytes.Buffer
	if err := run(&out, "", t.TempDir(), 12, 16, 2, &bar, true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(bar.String(), "(12/12)") {
		t.Errorf("progress bar did not reach 12/12:\n%q", bar.String())
	}
	text := out.String()
	for _, want := range []string{"pipeline Thumbnails, done", "input jobs         read 12", "bottleneck:"} {
		if !strings.Contains(text, want) {
			t.Errorf("statistics lack %q:\n%s", want, text)
		}
	}
	if !strings.Contains(text, "Write                4         12") {
		t.Errorf("Write did not take 12 images:\n%s", text)
	}
}

func TestGeneratedCodeIsFresh(t *testing.T) {
	t.Parallel() // the slowest test: loading the package takes seconds
	stale, err := generator.Check(context.Background(), generator.Config{}, ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Fatalf("stale generated code %v: run go generate ./examples/thumbnails", stale)
	}
}
