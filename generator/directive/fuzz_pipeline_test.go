package directive

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// FuzzPipeline feeds arbitrary text to the pipeline expression parser, as
// the body of a //pipegen:pipeline directive; newlines in the text start
// new comment lines (continuation lines), written in one of a few layouts.
// Beyond what FuzzParse checks, it checks that
//
//   - every error is positioned inside the directive's own text: after the
//     "//pipegen:pipeline" of its first line, or on one of the following
//     lines that the text makes, at most just past the end of the line;
//     and its message is one line;
//   - every position of a parsed pipeline points at what it names: the
//     pipeline and input names, each term's word, each "(", each key and
//     value;
//   - parsing is deterministic, and what parses cleanly prints to a
//     canonical text that parses back to the same structure, also when
//     that text is broken over continuation lines after every "|", ","
//     and "(".
func FuzzPipeline(f *testing.F) {
	for _, seed := range []string{
		"P = A",
		"P = A | B | C",
		"P(a, b) = concat(a, b | F, concat(a | G, b)) | ordered | Save(workers=2)",
		"P = A(workers=8, maxsize=0, timeout=1m30s, ontimeout=fail) | B() | C(ontimeout=drop)",
		"P() = A",
		"P =\n\tconcat(\n\t\ta,\n\t\tb | F\n\t)\n\t| G(workers=2,\n\t    maxsize=4)\n\t| ordered",
		"P = A\n| B\n| ordered",
		"P = A |\n\tB(\n\t\tworkers=3)",
		"P = A |",
		"P = concat(a, b",
		"P = concat()",
		"P = concat | A",
		"P = concat(a,, b)",
		"P = A(workers = 8)",
		"P = A(workers= 8)",
		"P = A(start=f, done=g, color=red, workers=1, workers=2)",
		"P = A(workers=0, maxsize=-1, timeout=0s, ontimeout=maybe)",
		"P = A(timeout=1.5h, maxsize=16777216, workers=65536)",
		"P(a, a) = ordered(x)",
		"P(ordered) = a",
		"concat = A",
		"P = A) | B",
		"P = ordered | ordered",
		"P = A B",
		"P(a b) = a",
		"P(a,",
		"P",
		"P =",
		"Größe = 变换 | _x",
		"P = A\n//pipegen:pipeline Q = B",
		"P = A | 9x | foo.bar",
		"",
		"=",
		"(",
		")",
		"|",
	} {
		for layout := range uint8(3) {
			f.Add(seed, layout)
		}
	}
	f.Fuzz(func(t *testing.T, text string, layout uint8) {
		if strings.Contains(text, "\r") {
			// The scanner drops '\r' from comments: the comment text
			// would not be the source text.
			t.Skip()
		}
		checkPipelineFuzz(t, text, layout)
	})
}

// pipelineLayouts are the ways FuzzPipeline writes continuation lines: the
// prefix of each line, and whether prose comes first in the group.
var pipelineLayouts = []struct {
	cont  string
	prose bool
}{
	{"//", false},
	{"//\t", true},
	{"// ", false},
}

func checkPipelineFuzz(t *testing.T, text string, layout uint8) {
	lay := pipelineLayouts[int(layout)%len(pipelineLayouts)]
	var src strings.Builder
	src.WriteString("package p\n\n")
	if lay.prose {
		src.WriteString("// Prose before the directive.\n")
	}
	const kindText = "//pipegen:pipeline"
	directiveStart := src.Len()
	src.WriteString(kindText + " " + strings.ReplaceAll(text, "\n", "\n"+lay.cont) + "\n")
	directiveEnd := src.Len() - 1 // the final newline
	source := src.String()

	fset := token.NewFileSet()
	f, _ := parser.ParseFile(fset, "x.go", source, parser.ParseComments)
	if f == nil || len(f.Comments) == 0 {
		return // the scanner gave up (a NUL byte, say)
	}
	file, errs := Parse(fset, f)

	// The comments that hold the fuzzed text.
	var lines []*ast.Comment
	for _, g := range f.Comments {
		for _, c := range g.List {
			off := fset.Position(c.Slash).Offset
			if off >= directiveStart && off < directiveEnd {
				lines = append(lines, c)
			}
		}
	}
	if len(lines) == 0 {
		return
	}
	inText := func(what string, pos token.Pos) {
		t.Helper()
		if !pos.IsValid() {
			t.Errorf("%s has no position in\n%s", what, source)
			return
		}
		for _, c := range lines {
			// A continuation line, or a directive of its own that the
			// text started (misplaced, say): anywhere on the line.
			lo := c.Slash
			if c == lines[0] {
				lo = c.Slash + token.Pos(len(kindText))
			}
			if lo <= pos && pos <= c.End() {
				off := fset.Position(pos).Offset
				if off < directiveStart || off > directiveEnd {
					t.Errorf("%s at offset %d is outside the directive text [%d, %d] in\n%s", what, off, directiveStart, directiveEnd, source)
				}
				return
			}
		}
		t.Errorf("%s at %v (offset %d) is outside the directive's text in\n%s",
			what, fset.Position(pos), fset.Position(pos).Offset, source)
	}
	for _, e := range errs {
		inText("error "+e.Msg, e.Pos)
		if e.Msg == "" || strings.ContainsAny(e.Msg, "\n\r") {
			t.Errorf("error message %q is empty or not one line", e.Msg)
		}
	}

	// Every position points at what it names.
	at := func(what string, pos token.Pos, want string) {
		t.Helper()
		inText(what, pos)
		off := fset.Position(pos).Offset
		if off < 0 || off > len(source) || !strings.HasPrefix(source[off:], want) {
			t.Errorf("%s at offset %d does not start with %q in\n%s", what, off, want, source)
		}
	}
	for _, pl := range file.Pipelines {
		at("pipeline name", pl.Name.Pos, pl.Name.Name)
		for _, in := range pl.Inputs {
			at("input", in.Pos, in.Name)
		}
		var expr func(e *Expr)
		expr = func(e *Expr) {
			for _, term := range e.Terms {
				switch term := term.(type) {
				case *Ref:
					at("name", term.Pos, term.Name)
					if term.Lparen.IsValid() {
						at("override (", term.Lparen, "(")
					}
					for _, k := range term.Args {
						at("key", k.NamePos, k.Name+"=")
						at("value", k.ValuePos, k.Value)
					}
				case *Ordered:
					at("ordered", term.Pos, "ordered")
				case *Concat:
					at("concat", term.Pos, "concat")
					for _, br := range term.Branches {
						expr(br)
					}
				}
			}
		}
		expr(pl.Expr)
	}

	// Deterministic.
	again, errsAgain := Parse(fset, f)
	if summary(again) != summary(file) || len(errsAgain) != len(errs) {
		t.Fatalf("second parse differs:\n%s\n%s", summary(file), summary(again))
	}
	for i := range errs {
		if *errs[i] != *errsAgain[i] {
			t.Fatalf("second parse reports %v, first %v", errsAgain[i], errs[i])
		}
	}
	if len(errs) > 0 {
		return
	}

	// Round trips: the canonical text, on one line and broken over
	// continuation lines.
	for _, pl := range file.Pipelines {
		canonical := header(pl) + " = " + pl.Expr.String()
		broken := strings.NewReplacer(" | ", " |\n//\t", ", ", ",\n//\t", "(", "(\n//\t").Replace(pl.Expr.String())
		for _, body := range []string{canonical, header(pl) + " =\n//\t" + broken} {
			back := reparse(t, "// Prose.\n//pipegen:pipeline "+body+"\n")
			if len(back.Pipelines) != 1 {
				t.Fatalf("%q does not reparse to one pipeline: %s", body, summary(back))
			}
			if got := header(back.Pipelines[0]) + " = " + back.Pipelines[0].Expr.String(); got != canonical {
				t.Errorf("reparse of %q gives %q, want %q", body, got, canonical)
			}
			if got, want := dump(back.Pipelines[0].Expr), dump(pl.Expr); got != want {
				t.Errorf("reparse of %q changes the structure:\ngot  %s\nwant %s", body, got, want)
			}
		}
	}
}
