package generator_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipegen/pipegen/generator"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/ with what the generator produces now")

// The golden cases live in testdata/<case>/, one package each:
//
//   - a success case is a main package whose generated file is checked in
//     next to it as pipegen_gen.go (the golden file, compiled with it), and
//     whose program output is want/output.txt;
//   - an error case has want/errors.txt: the generator's errors, positions
//     relative to the case directory.
//
// go test ./generator -update rewrites both kinds of golden file.

// repoRoot is the module root, where the tests load the cases from.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

type goldenCase struct {
	name string
	dir  string
	// errorCase is set when the case expects errors.
	errorCase bool
}

func goldenCases(t *testing.T) []goldenCase {
	t.Helper()
	root := repoRoot(t)
	entries, err := os.ReadDir(filepath.Join(root, "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(root, "testdata", e.Name())
		_, err := os.Stat(filepath.Join(dir, "want", "errors.txt"))
		cases = append(cases, goldenCase{name: e.Name(), dir: dir, errorCase: err == nil})
	}
	return cases
}

// generate runs the generator on one case as pipegen would from the module
// root.
func generate(t *testing.T, c goldenCase) ([]*generator.Output, error) {
	t.Helper()
	return generator.Generate(context.Background(), generator.Config{Dir: repoRoot(t)}, "./testdata/"+c.name)
}

func TestGolden(t *testing.T) {
	cases := goldenCases(t)
	var nSuccess, nError int
	for _, c := range cases {
		if c.errorCase {
			nError++
		} else {
			nSuccess++
		}
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			outs, err := generate(t, c)
			if c.errorCase {
				checkErrors(t, c, outs, err)
				return
			}
			if err != nil {
				t.Fatalf("generation failed:\n%v", err)
			}
			if len(outs) != 1 {
				t.Fatalf("got %d outputs, want 1", len(outs))
			}
			checkGraph(t, c, outs[0])
			got := outs[0].Content
			goldenPath := filepath.Join(c.dir, generator.OutputName)
			if *update {
				if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatalf("%v (run go test ./generator -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("generated code differs from %s (run go test ./generator -update to accept):\n%s", goldenPath, lineDiff(string(want), string(got)))
			}

			// Output must be a function of the input alone.
			again, err := generate(t, c)
			if err != nil || len(again) != 1 || !bytes.Equal(again[0].Content, got) {
				t.Errorf("second generation differs from the first (err %v)", err)
			}
		})
	}
	if nSuccess < 12 || nError < 34 {
		t.Errorf("testdata has %d success and %d error cases; want at least 12 and 34", nSuccess, nError)
	}
}

// checkGraph compares the pipegen graph rendering of the case with
// want/graph.md.
func checkGraph(t *testing.T, c goldenCase, out *generator.Output) {
	t.Helper()
	got := generator.Mermaid(out.Model)
	path := filepath.Join(c.dir, "want", "graph.md")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./generator -update)", err)
	}
	if got != string(want) {
		t.Errorf("graph differs from want/graph.md:\n%s", lineDiff(string(want), got))
	}
}

func checkErrors(t *testing.T, c goldenCase, outs []*generator.Output, err error) {
	t.Helper()
	var errs generator.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("got outputs %v and error %v; want positioned errors", outs, err)
	}
	if outs != nil {
		t.Errorf("errors came with outputs")
	}
	got := errs.Format(c.dir) + "\n"
	wantPath := filepath.Join(c.dir, "want", "errors.txt")
	if *update {
		if err := os.WriteFile(wantPath, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(wantPath)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("errors differ from want/errors.txt (run go test ./generator -update to accept):\n%s", lineDiff(string(want), got))
	}
	for _, e := range errs {
		checkPosition(t, c.dir, e)
	}
}

// checkPosition checks that e is at an existing line and column of a Go
// file of the case, with a one-line message: file:line:col: message.
func checkPosition(t *testing.T, dir string, e *generator.Error) {
	t.Helper()
	if strings.ContainsAny(e.Msg, "\n\r") || e.Msg == "" {
		t.Errorf("error %v: empty message or more than one line", e)
	}
	if filepath.Dir(e.Pos.Filename) != dir || filepath.Ext(e.Pos.Filename) != ".go" {
		t.Errorf("error %v: not in a Go file of %s", e, dir)
		return
	}
	src, err := os.ReadFile(e.Pos.Filename)
	if err != nil {
		t.Errorf("error %v: %v", e, err)
		return
	}
	lines := strings.Split(string(src), "\n")
	if e.Pos.Line < 1 || e.Pos.Line > len(lines) {
		t.Errorf("error %v: no line %d in the file", e, e.Pos.Line)
		return
	}
	if n := len(lines[e.Pos.Line-1]); e.Pos.Column < 1 || e.Pos.Column > n+1 {
		t.Errorf("error %v: no column %d on line %d (%d bytes)", e, e.Pos.Column, e.Pos.Line, n)
	}
}

// TestGoldenPrograms builds every success case, with its checked-in
// generated file, and runs it: the generated code must compile and do
// what want/output.txt says.
func TestGoldenPrograms(t *testing.T) {
	if testing.Short() {
		t.Skip("builds programs")
	}
	root := repoRoot(t)
	bin := t.TempDir()
	args := []string{"build", "-o", bin + string(filepath.Separator)}
	if raceEnabled {
		args = append(args, "-race")
	}
	var cases []goldenCase
	for _, c := range goldenCases(t) {
		if !c.errorCase {
			cases = append(cases, c)
			args = append(args, "./testdata/"+c.name)
		}
	}
	build := exec.Command("go", args...)
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(filepath.Join(bin, c.name))
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			got, err := cmd.Output()
			if err != nil {
				t.Fatalf("running %s: %v\n%s", c.name, err, stderr.Bytes())
			}
			wantPath := filepath.Join(c.dir, "want", "output.txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(wantPath), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(wantPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(wantPath)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from want/output.txt:\n%s", lineDiff(string(want), string(got)))
			}
		})
	}
}

// lineDiff shows the lines of want and got from the first that differs,
// a few of each: enough to see what changed.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "first difference at line %d:\n", i+1)
	for j := i; j < min(i+6, len(w)); j++ {
		b.WriteString("- " + w[j] + "\n")
	}
	for j := i; j < min(i+6, len(g)); j++ {
		b.WriteString("+ " + g[j] + "\n")
	}
	return b.String()
}
