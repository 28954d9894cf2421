package generator_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/pipegen/pipegen/generator"
)

// fuzzStages is the package FuzzGenerate generates code for: a stage of
// each kind and form, and a pipeline. Each %s is the text after
// "//pipegen:" of one directive, from the fuzz input.
const fuzzStages = `package p

import (
	"context"
	"iter"
	"strconv"

	pipegen "github.com/pipegen/pipegen/runtime"
)

//pipegen:%s
func Parse(ctx context.Context, s string) (int, error) { return strconv.Atoi(s) }

//pipegen:%s
func Even(i pipegen.Index, x int) bool { return x%%2 == 0 }

//pipegen:%s
func Digits(x int) iter.Seq[int] {
	return func(yield func(int) bool) { _ = yield(x %% 10) && yield(x/10) }
}

//pipegen:%s
func Show(x int) string { return strconv.Itoa(x) }

//pipegen:%s
func Save(ctx context.Context, s string) error { return nil }

//pipegen:%s
func Check(x int) (int, error) { return x, nil }

//pipegen:%s
func Store(ctx context.Context, x int) error { return nil }

type state struct{}

func newState(ctx context.Context, w pipegen.Worker) (*state, error) { return &state{}, nil }

func (s *state) Close(st pipegen.StageStatus) error { return nil }

//pipegen:%s
func (s *state) Scale(x int) int { return 2 * x }

//pipegen:pipeline %s
`

// fuzzDefaults are the directives of the stages of fuzzStages that the
// fuzz input does not give.
var fuzzDefaults = []string{"map workers=2", "filter", "flatmap", "map", "each", "map", "each workers=2", "map start=newState done=Close"}

// FuzzGenerate runs the whole generator on a small package made from the
// fuzz input: stages holds the directives of the stages of fuzzStages, one
// a line (missing lines keep their default); pipeline is the pipeline
// directive (its newlines start continuation lines); extra, when not
// empty, is a second file of the package, verbatim. Generate must not
// panic; its errors must all be positioned at an existing line and column
// of one of the package's files, one line each; a success must give
// gofmt-clean Go that parses, the same bytes on a second run, and a
// package that type-checks with it (no error inside the generated file).
//
// Each run loads packages with the go command several times: expect a few
// runs a second.
func FuzzGenerate(f *testing.F) {
	seeds := []struct{ stages, pipeline, extra string }{
		{"", "P = Parse | Even | Digits | Scale | Show", ""},
		{"", "P = Parse | Even | Show | Save", ""},
		{"", "P = Parse | Check | Store | ordered", ""},
		{"map workers=4 maxsize=0 timeout=2s ontimeout=fail\nfilter workers=2 maxsize=16\nflatmap timeout=1ms\nmap workers=3\neach workers=2 maxsize=1",
			"P = Parse(workers=1, maxsize=3) | ordered | Even | Digits(workers=2) | Show", ""},
		{"", "P(a, b) =\n\tconcat(a | Parse, b | Parse | Digits)\n\t| ordered\n\t| Scale(workers=2)\n\t| Show", ""},
		{"", "Q = Parse | Even\n//pipegen:pipeline R = Q | Show\n//pipegen:pipeline S = Q | Scale | ordered\n//pipegen:pipeline T = concat(Q, Q | Digits)", ""},
		{"", "P = Parse | Even", "package p\n\n//pipegen:map\nfunc More(x int) int { return x }\n\n//pipegen:pipeline Z = Parse | More | ordered\n"},
		// Errors of every kind.
		{"map workers=0\nfilter maxsize=-1\nflatmap timeout=soon ontimeout=maybe\nmapp\neach start=newState\nmap", "P = Parse | Even | Nope", ""},
		{"map workers=2 workers=3 color=red\n", "P = Parse | Save | Show", ""},
		{"each\nmap\nfilter\nflatmap\nmap\nmap\neach\nmap start=nothing done=Missing", "P = Scale | ordered(x) | concat()", ""},
		{"", "P = Parse | Even |", "package p\n\nfunc broken( {\n"},
		{"", "P = P | Parse", "package p\n\nimport \"example.com/nope\"\n\nvar _ = nope.X\n"},
		{"", "P = Parse", "//go:build ignore\n\npackage p\n\n//pipegen:map\nfunc Hidden(x int) int { return x }\n"},
		{"", "P = Parse | Show", "package p\n\nvar Q int = \"x\"\n"},
	}
	for _, s := range seeds {
		f.Add(s.stages, s.pipeline, s.extra)
	}
	f.Fuzz(func(t *testing.T, stages, pipeline, extra string) {
		checkGenerate(t, stages, pipeline, extra)
	})
}

var fuzzGoSum = sync.OnceValues(func() ([]byte, error) {
	return os.ReadFile(filepath.Join("..", "go.sum"))
})

func checkGenerate(t *testing.T, stages, pipeline, extra string) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := fuzzGoSum()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(stages, "\n")
	args := make([]any, 0, len(fuzzDefaults)+1)
	for i, def := range fuzzDefaults {
		if i < len(lines) && lines[i] != "" {
			def = lines[i]
		}
		args = append(args, def)
	}
	args = append(args, strings.ReplaceAll(pipeline, "\n", "\n//\t"))
	files := map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.26.0\n\nrequire github.com/pipegen/pipegen v0.0.0\n\nreplace github.com/pipegen/pipegen => " + root + "\n",
		"go.sum": string(sum),
		"p/a.go": fmt.Sprintf(fuzzStages, args...),
	}
	if extra != "" {
		files["p/b.go"] = extra
	}
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := generator.Config{Dir: dir}
	outs, err := generator.Generate(context.Background(), cfg, "./p")
	if err != nil {
		var errs generator.Errors
		if !errors.As(err, &errs) {
			t.Fatalf("Generate failed without positioned errors: %v\nfiles: %q", err, files)
		}
		if len(errs) == 0 {
			t.Fatalf("Generate returned an empty error list")
		}
		for _, e := range errs {
			checkErrorPosition(t, dir, files, e)
		}
		return
	}
	if len(outs) != 1 || outs[0].Content == nil {
		t.Fatalf("got %d outputs, want one with content (every stage has a directive)\nfiles: %q", len(outs), files)
	}
	out := outs[0]
	if !bytes.HasPrefix(out.Content, []byte(generator.Header+"\n")) {
		t.Errorf("generated file lacks the header")
	}
	if _, err := parser.ParseFile(token.NewFileSet(), out.Path, out.Content, parser.ParseComments); err != nil {
		t.Fatalf("generated code does not parse: %v\n%s", err, out.Content)
	}
	if formatted, err := format.Source(out.Content); err != nil || !bytes.Equal(formatted, out.Content) {
		t.Errorf("generated code is not gofmt-clean (%v)\nfiles: %q", err, files)
	}
	again, err := generator.Generate(context.Background(), cfg, "./p")
	if err != nil || len(again) != 1 || !bytes.Equal(again[0].Content, out.Content) {
		t.Fatalf("second generation differs from the first (error %v)\nfiles: %q", err, files)
	}

	// The package, generated file included, type-checks: at least no
	// error is in the generated file (the extra file may use the
	// pipelines wrongly, which only compiling with them shows).
	if err := out.Commit(); err != nil {
		t.Fatal(err)
	}
	pkgs, err := packages.Load(&packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo,
		Dir:  dir,
	}, "./p")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		for _, e := range p.Errors {
			if strings.Contains(e.Pos, generator.OutputName) || extra == "" {
				t.Errorf("package with the generated file does not compile: %s: %s\nfiles: %q\ngenerated:\n%s", e.Pos, e.Msg, files, out.Content)
			}
		}
	}
}

// checkErrorPosition checks that e is at an existing line and column of
// one of the package's files, and says what it says in one line.
func checkErrorPosition(t *testing.T, dir string, files map[string]string, e *generator.Error) {
	t.Helper()
	if e.Msg == "" || strings.ContainsAny(e.Msg, "\n\r") {
		t.Errorf("error %v: message empty or not one line", e)
	}
	rel, err := filepath.Rel(dir, e.Pos.Filename)
	if !filepath.IsAbs(e.Pos.Filename) || err != nil {
		t.Errorf("error %q: file name %q is not an absolute path in the module", e.Msg, e.Pos.Filename)
		return
	}
	content, ok := files[filepath.ToSlash(rel)]
	if !ok || !strings.HasSuffix(rel, ".go") {
		t.Errorf("error %q is in %q, not in a file of the package\nfiles: %q", e.Msg, rel, files)
		return
	}
	lines := strings.Split(content, "\n")
	if e.Pos.Line < 1 || e.Pos.Line > len(lines) {
		t.Errorf("error %v: line %d outside %s, which has %d lines\nfiles: %q", e, e.Pos.Line, rel, len(lines), files)
		return
	}
	// Columns count bytes from 1; one past the end of the line is where
	// a missing token goes.
	if line := lines[e.Pos.Line-1]; e.Pos.Column < 1 || e.Pos.Column > len(line)+1 {
		t.Errorf("error %v: column %d outside line %d of %s (%d bytes)\nfiles: %q", e, e.Pos.Column, e.Pos.Line, rel, len(line), files)
	}
}
