package directive

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary text to Parse as the body of a pipeline
// directive and, separately, of a stage directive. Newlines in the text
// become new comment lines, which exercises continuation lines. It checks
// that Parse does not panic, that every position it returns lies within the
// text of the comment block holding the directive, and that whatever parses
// cleanly prints back (Expr.String, key=value) to text that parses to the
// same thing.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"P = A",
		"Thumbnails = Decode | Large | Sizes | Scale | Save",
		"P(a, b) = concat(a, b | F, concat(a | G, b)) | ordered | Save(workers=2)",
		"P = A(workers=8, maxsize=0, timeout=1m30s, ontimeout=fail) | B()",
		"P() = A",
		"P =\n\tconcat(\n\t\ta,\n\t\tb | F\n\t)\n\t| G(workers=2,\n\t    maxsize=4)\n\t| ordered",
		"P = A |\n",
		"P = concat(a, b",
		"P = A(workers = 8)",
		"P(a, a) = ordered(x)",
		"workers=4 maxsize=64 timeout=2s ontimeout=drop start=newS done=Close",
		"workers=0 wrokers=1 timeout=2x start",
		"Größe = 变换 | _x",
		"P = A\n//pipegen:mapp\n//pipegen:pipeline Q = B",
		"",
		"=",
		"(",
		")",
		"P = concat()",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if strings.Contains(text, "\r") {
			// The scanner drops '\r' from comments, which would make the
			// round trip below compare different texts.
			t.Skip()
		}
		lines := strings.ReplaceAll(text, "\n", "\n//")
		checkFuzz(t, "package p\n\n//pipegen:pipeline "+lines+"\n")
		checkFuzz(t, "package p\n\n//pipegen:map "+lines+"\nfunc F() {}\n")
	})
}

func checkFuzz(t *testing.T, src string) {
	fset := token.NewFileSet()
	f, _ := parser.ParseFile(fset, "x.go", src, parser.ParseComments)
	if f == nil || len(f.Comments) == 0 {
		// Text such as a NUL byte can make the scanner give up; there is
		// nothing to parse then.
		return
	}
	file, errs := Parse(fset, f)

	// The comment lines of the directive: the first comment group (the
	// fuzzed text cannot start a second one, but check rather than assume).
	group := f.Comments[0]
	inside := func(what string, pos token.Pos) {
		t.Helper()
		for _, c := range group.List {
			if c.Slash <= pos && pos <= c.End() {
				return
			}
		}
		t.Errorf("%s at %v (offset %d) is outside the directive's comments in\n%s",
			what, fset.Position(pos), fset.Position(pos).Offset, src)
	}
	for _, e := range errs {
		inside("error "+e.Msg, e.Pos)
	}
	for _, s := range file.Stages {
		inside("stage", s.Pos)
		inside("stage kind", s.KindPos)
		for _, k := range s.Keys {
			inside("key name", k.NamePos)
			inside("key value", k.ValuePos)
		}
	}
	for _, pl := range file.Pipelines {
		for _, pos := range positions(t, pl) {
			inside("pipeline element", pos)
		}
	}
	if len(errs) > 0 {
		return
	}

	// Round trip of what parsed cleanly.
	for _, pl := range file.Pipelines {
		text := header(pl) + " = " + pl.Expr.String()
		again := reparse(t, "//pipegen:pipeline "+text+"\n")
		if len(again.Pipelines) != 1 {
			t.Fatalf("%q does not reparse to one pipeline", text)
		}
		if got := header(again.Pipelines[0]) + " = " + again.Pipelines[0].Expr.String(); got != text {
			t.Errorf("reparse of %q gives %q", text, got)
		}
		if got, want := dump(again.Pipelines[0].Expr), dump(pl.Expr); got != want {
			t.Errorf("reparse of %q changes the structure:\ngot  %s\nwant %s", text, got, want)
		}
	}
	for _, s := range file.Stages {
		text := stageDump(s)
		var keys []string
		for _, k := range s.Keys {
			keys = append(keys, k.Name+"="+k.Value)
		}
		again := reparse(t, "//pipegen:"+string(s.Kind)+" "+strings.Join(keys, " ")+"\nfunc "+s.Func.Name.Name+"() {}\n")
		if len(again.Stages) != 1 || stageDump(again.Stages[0]) != text {
			t.Errorf("reparse of %q gives %q", text, summary(again))
		}
	}
}

// reparse parses a canonical directive, which must have no errors.
func reparse(t *testing.T, body string) *File {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", "package p\n\n"+body, parser.ParseComments)
	if err != nil {
		t.Fatalf("canonical text does not parse as Go: %v\n%s", err, body)
	}
	file, errs := Parse(fset, f)
	for _, e := range errs {
		t.Errorf("canonical text %q: %v: %s", body, fset.Position(e.Pos), e.Msg)
	}
	return file
}
