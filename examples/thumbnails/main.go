// Command thumbnails makes PNG thumbnails of the PNG images in a
// directory with a pipegen pipeline of CPU-bound stages.
//
//	go run ./examples/thumbnails [-in dir] [-out dir] [-size N] [-workers N] [-n N]
//
// With no -in it first generates -n sample images (36 by default) in a
// temporary directory, with a second pipeline, and removes them at the end;
// with no -out it writes the thumbnails to a new temporary directory and
// prints its name. The pipelines are
//
//	Thumbnails(jobs) = Decode | Resize | Encode | Write
//	Samples(paths)   = Synthesize | Encode | Write
//
// Decode, Resize and Encode only compute, so they should run as many
// workers as there are CPUs to run them. A directive's workers= is a
// constant (workers=2, this project's machines have two cores); the
// program sets the number at run time, to runtime.GOMAXPROCS(0) or -workers,
// with the option pipegen.Workers. The three stages have the same workers
// and nothing between them, so pipegen fuses them: one loop runs the three
// on each image, with no queue between them, and the option names the
// first of the group, Decode. Write waits on the file system, and has its
// own workers.
//
// Any failure stops the run: an image that does not decode, or a
// thumbnail that cannot be written, fails the pipeline with a
// *pipegen.StageError that names the stage and, in its error, the file.
//
// Regenerate the pipeline code after changing a directive with
//
//	go generate ./examples/thumbnails
package main

//go:generate go run github.com/pipegen/pipegen/cmd/pipegen

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// Job is one thumbnail to make.
type Job struct {
	Src, Dst string // the image's and the thumbnail's paths
	// Size is the most pixels the thumbnail has on its longer side.
	Size int
}

// Picture is a decoded image on its way through the pipeline.
type Picture struct {
	Job Job
	Img image.Image
}

// Encoded is a picture encoded as PNG.
type Encoded struct {
	Job Job
	PNG []byte
}

// Decode reads and decodes the PNG image of a job.
//
//pipegen:map workers=2
func Decode(j Job) (Picture, error) {
	f, err := os.Open(j.Src)
	if err != nil {
		return Picture{}, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return Picture{}, fmt.Errorf("decode %s: %w", j.Src, err)
	}
	return Picture{j, img}, nil
}

// Resize scales the picture down to fit its job's Size (see Thumbnail).
//
//pipegen:map workers=2
func Resize(p Picture) Picture {
	return Picture{p.Job, Thumbnail(p.Img, p.Job.Size)}
}

// Encode encodes the picture as PNG.
//
//pipegen:map workers=2
func Encode(p Picture) (Encoded, error) {
	var b bytes.Buffer
	if err := png.Encode(&b, p.Img); err != nil {
		return Encoded{}, fmt.Errorf("encode %s: %w", p.Job.Dst, err)
	}
	return Encoded{p.Job, b.Bytes()}, nil
}

// Write writes the encoded picture to its job's Dst. It waits on the file
// system rather than the CPU, so it has more workers than the CPU-bound
// stages (which pipegen then does not fuse it with).
//
//pipegen:each workers=4
func Write(e Encoded) error {
	return os.WriteFile(e.Job.Dst, e.PNG, 0o644)
}

// Synthesize draws the sample image for dst; the element's index makes
// every sample different.
//
//pipegen:map workers=2
func Synthesize(i pipegen.Index, dst string) Picture {
	return Picture{Job{Dst: dst}, sample(int(i.Source()))}
}

// Thumbnails makes the thumbnail of each job.
//
//pipegen:pipeline Thumbnails(jobs) = Decode | Resize | Encode | Write

// Samples writes a sample PNG image to each path.
//
//pipegen:pipeline Samples(paths) = Synthesize | Encode | Write

// Thumbnail returns img scaled down so that its longer side has size
// pixels, keeping its aspect ratio; an image that fits already is copied
// unchanged.
//
// It is a box filter: each pixel of the thumbnail is the average of the
// block of source pixels it covers. That is the right filter for scaling
// down by large factors, where bilinear sampling would skip most pixels.
func Thumbnail(img image.Image, size int) *image.RGBA {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	dw, dh := sw, sh
	if long := max(sw, sh); long > size {
		// Round to nearest, never to nothing.
		dw = max(1, (sw*size+long/2)/long)
		dh = max(1, (sh*size+long/2)/long)
	}
	// RGBA64At reads a pixel without boxing it in an interface: the
	// image types png.Decode returns all have it.
	at := func(x, y int) color.RGBA64 {
		return color.RGBA64Model.Convert(img.At(x, y)).(color.RGBA64)
	}
	if fast, ok := img.(image.RGBA64Image); ok {
		at = fast.RGBA64At
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for dy := range dh {
		// The block of source rows [y0, y1) that thumbnail row dy covers:
		// at least one row, and together they cover every row once.
		y0, y1 := b.Min.Y+dy*sh/dh, b.Min.Y+(dy+1)*sh/dh
		for dx := range dw {
			x0, x1 := b.Min.X+dx*sw/dw, b.Min.X+(dx+1)*sw/dw
			var r, g, bl, a uint64
			for y := y0; y < y1; y++ {
				for x := x0; x < x1; x++ {
					c := at(x, y)
					r, g, bl, a = r+uint64(c.R), g+uint64(c.G), bl+uint64(c.B), a+uint64(c.A)
				}
			}
			// Premultiplied colours average correctly, transparency
			// included; round to nearest.
			n := uint64((x1 - x0) * (y1 - y0))
			dst.SetRGBA64(dx, dy, color.RGBA64{
				R: uint16((r + n/2) / n), G: uint16((g + n/2) / n),
				B: uint16((bl + n/2) / n), A: uint16((a + n/2) / n),
			})
		}
	}
	return dst
}

// sample draws the i-th sample image: a colour gradient with a disc and
// stripes, of one of a few sizes and both orientations, all opaque.
func sample(i int) *image.RGBA {
	sizes := [][2]int{{320, 240}, {240, 320}, {400, 200}, {256, 256}, {300, 225}}
	w, h := sizes[i%len(sizes)][0], sizes[i%len(sizes)][1]
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cx, cy, rad := w/2+(i*37)%(w/4), h/2-(i*23)%(h/4), min(w, h)/3
	for y := range h {
		for x := range w {
			c := color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8(i * 47), 255}
			if dx, dy := x-cx, y-cy; dx*dx+dy*dy < rad*rad {
				c = color.RGBA{255 - c.R, 255 - c.G, 255 - c.B, 255}
			}
			if (x+y+i)/8%6 == 0 {
				c.R, c.G, c.B = c.R/2, c.G/2, c.B/2
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// MakeSamples writes n sample images, sample-00.png and so on, to dir,
// with workers workers drawing and encoding them.
func MakeSamples(ctx context.Context, dir string, n, workers int) error {
	paths := make([]string, n)
	for i := range paths {
		paths[i] = filepath.Join(dir, fmt.Sprintf("sample-%02d.png", i))
	}
	return Samples(ctx, slices.Values(paths), pipegen.Workers("Synthesize", workers))
}

// MakeThumbnails writes a thumbnail of each .png file of dir in, at most
// size pixels on its longer side, to a file of the same name in dir out,
// with workers workers in each CPU-bound stage; opts go to the pipeline.
// It returns how many it wrote.
func MakeThumbnails(ctx context.Context, in, out string, size, workers int, opts ...pipegen.Option) (int, error) {
	if size < 1 {
		return 0, fmt.Errorf("thumbnail size %d: want at least 1 pixel", size)
	}
	if same, err := sameDir(in, out); err != nil {
		return 0, err
	} else if same {
		return 0, fmt.Errorf("input and output are the same directory, %s: the thumbnails would replace the images", in)
	}
	entries, err := os.ReadDir(in)
	if err != nil {
		return 0, err
	}
	var jobs []Job
	for _, e := range entries {
		if name := e.Name(); e.Type().IsRegular() && strings.EqualFold(filepath.Ext(name), ".png") {
			jobs = append(jobs, Job{Src: filepath.Join(in, name), Dst: filepath.Join(out, name), Size: size})
		}
	}
	// Decode, Resize and Encode are fused into one group of workers, which
	// the option addresses through its first stage.
	err = Thumbnails(ctx, slices.Values(jobs), append(opts, pipegen.Workers("Decode", workers))...)
	if err != nil {
		return 0, err
	}
	return len(jobs), nil
}

// sameDir reports whether a and b are the same directory. b need not exist
// yet.
func sameDir(a, b string) (bool, error) {
	ai, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	bi, err := os.Stat(b)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return err == nil && os.SameFile(ai, bi), err
}

// statsOption returns the pipegen.Stats option that drives a progress bar
// on w (if not nil) from the count of images that reached Write, and keeps
// the final snapshot in final. The snapshots come every 100ms and once at
// the end, from a goroutine of the pipeline's.
func statsOption(in string, w io.Writer, final *pipegen.Snapshot) pipegen.Option {
	var bar *progressbar.ProgressBar
	if w != nil {
		total := -1 // unknown: a spinner
		if entries, err := os.ReadDir(in); err == nil {
			total = 0
			for _, e := range entries {
				if strings.EqualFold(filepath.Ext(e.Name()), ".png") {
					total++
				}
			}
		}
		bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription("thumbnails"),
			progressbar.OptionShowCount(), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(50*time.Millisecond))
	}
	return pipegen.Stats(100*time.Millisecond, func(s pipegen.Snapshot) {
		if bar != nil {
			for _, st := range s.Stages {
				if st.Name == "Write" {
					// Taken by a worker of Write; all written once final.
					bar.Set64(st.In - int64(st.Busy))
				}
			}
			if s.Final {
				bar.Finish()
				fmt.Fprintln(w)
			}
		}
		if s.Final {
			*final = s
		}
	})
}

func main() {
	in := flag.String("in", "", "directory of PNG images (default: generate sample images in a temporary directory)")
	out := flag.String("out", "", "directory for the thumbnails (default: a new temporary directory)")
	n := flag.Int("n", 36, "how many sample images to generate without -in")
	size := flag.Int("size", 64, "the longer side of a thumbnail, in pixels")
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "workers of the CPU-bound stages")
	progress := flag.Bool("progress", false, "show a progress bar, driven by the pipeline's statistics")
	stats := flag.Bool("stats", false, "print the pipeline's statistics and its bottleneck at the end")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: thumbnails [-in dir] [-out dir] [-size N] [-workers N] [-n N] [-progress] [-stats]\n\nWrites PNG thumbnails of the PNG images of a directory.")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	var bar io.Writer
	if *progress {
		bar = os.Stderr
	}
	if err := run(os.Stdout, *in, *out, *n, *size, *workers, bar, *stats); err != nil {
		fmt.Fprintln(os.Stderr, "thumbnails:", err)
		os.Exit(1)
	}
}

// run does what main says, reporting to w, and returns what went wrong.
// If bar is not nil, a progress bar is drawn on it; with stats, the
// pipeline's final statistics are printed to w.
func run(w io.Writer, in, out string, n, size, workers int, bar io.Writer, stats bool) error {
	ctx := context.Background()
	if in == "" {
		dir, err := os.MkdirTemp("", "thumbnails-samples-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		start := time.Now()
		if err := MakeSamples(ctx, dir, n, workers); err != nil {
			return err
		}
		fmt.Fprintf(w, "generated %d sample images in %v\n", n, time.Since(start).Round(time.Millisecond))
		in = dir
	}
	if out == "" {
		dir, err := os.MkdirTemp("", "thumbnails-")
		if err != nil {
			return err
		}
		out = dir
	} else if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var opts []pipegen.Option
	var final pipegen.Snapshot
	if bar != nil || stats {
		opts = append(opts, statsOption(in, bar, &final))
	}
	start := time.Now()
	made, err := MakeThumbnails(ctx, in, out, size, workers, opts...)
	if err != nil {
		return err
	}
	if stats {
		fmt.Fprintln(w, final)
	}
	fmt.Fprintf(w, "wrote %d thumbnails of at most %dx%[2]d pixels to %s in %v, with %d workers for Decode, Resize and Encode\n",
		made, size, out, time.Since(start).Round(time.Millisecond), workers)
	return nil
}
