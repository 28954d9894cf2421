package directive

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// errorCase is a source whose errors are marked with errMark, in order, and
// listed in want (with $N for the Nth refMark); keep is the summary of the
// directives Parse must still return.
type errorCase struct {
	name string
	src  string
	want []string
	keep string
}

func runErrorCases(t *testing.T, cases []errorCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := parseMarked(t, tc.src)
			if len(p.marks) != len(tc.want) {
				t.Fatalf("bad test: %d error marks for %d messages", len(p.marks), len(tc.want))
			}
			if len(p.errs) != len(tc.want) {
				t.Fatalf("got %d errors, want %d:\n%s", len(p.errs), len(tc.want), p.errorList())
			}
			for i, e := range p.errs {
				if got, want := p.lc(e.Pos), p.marks[i]; got != want {
					t.Errorf("error %d at %s, want %s: %s", i, got, want, e.Msg)
				}
				if want := p.expand(t, tc.want[i]); e.Msg != want {
					t.Errorf("error %d:\ngot  %s\nwant %s", i, e.Msg, want)
				}
				if e.Error() != e.Msg {
					t.Errorf("Error() = %q, want the message", e.Error())
				}
			}
			if got := summary(p.dir); got != tc.keep {
				t.Errorf("kept %q, want %q", got, tc.keep)
			}
		})
	}
}

// stageDump describes a stage with its parsed values.
func stageDump(s *Stage) string {
	var keys []string
	for _, k := range s.Keys {
		keys = append(keys, keyDump(k))
	}
	return string(s.Kind) + " " + s.Func.Name.Name + "{" + strings.Join(keys, " ") + "}"
}

func TestStages(t *testing.T) {
	// Every position of each stage (the "//", the kind, each key name and
	// value) is marked, in order.
	cases := []struct {
		name string
		src  string
		want []string // stageDump of each stage
	}{
		{
			name: "all keys",
			src:  "‸//pipegen:‸map ‸workers=‸4 ‸maxsize=‸0 ‸timeout=‸1m30s ‸ontimeout=‸drop ‸start=‸newScaler ‸done=‸Close\nfunc F() {}\n",
			want: []string{"map F{workers=4:4 maxsize=0:0 timeout=1m30s:1m30s ontimeout=drop start=newScaler done=Close}"},
		},
		{
			name: "no keys",
			src:  "‸//pipegen:‸filter\nfunc Large(x int) bool { return x > 1 }\n",
			want: []string{"filter Large{}"},
		},
		{
			name: "tabs and trailing blanks",
			src:  "‸//pipegen:‸flatmap\t‸workers=‸2 \t ‸maxsize=‸064\t \nfunc Sizes() {}\n",
			want: []string{"flatmap Sizes{workers=2:2 maxsize=064:64}"},
		},
		{
			name: "method among doc lines",
			src:  "// Scale scales.\n//\n‸//pipegen:‸map ‸workers=‸8 ‸ontimeout=‸fail ‸timeout=‸500ms\n// More prose.\n//go:noinline\nfunc (s *scaler[T]) Scale() {}\n",
			want: []string{"map Scale{workers=8:8 ontimeout=fail timeout=500ms:500ms}"},
		},
		{
			name: "several functions",
			src: "‸//pipegen:‸each\nfunc Save() {}\n\n" +
				"// Größe is unicode.\n‸//pipegen:‸map ‸start=‸größe ‸done=‸_done\nfunc Größe() {}\n\n" +
				"func plain() {}\n",
			want: []string{"each Save{}", "map Größe{start=größe done=_done}"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := parseMarked(t, tc.src)
			if len(p.errs) > 0 {
				t.Fatalf("unexpected errors:\n%s", p.errorList())
			}
			if len(p.dir.Stages) != len(tc.want) {
				t.Fatalf("got %d stages (%s), want %d", len(p.dir.Stages), summary(p.dir), len(tc.want))
			}
			var got []string
			for i, s := range p.dir.Stages {
				if d := stageDump(s); d != tc.want[i] {
					t.Errorf("stage %d:\ngot  %s\nwant %s", i, d, tc.want[i])
				}
				got = append(got, p.lc(s.Pos), p.lc(s.KindPos))
				for _, k := range s.Keys {
					got = append(got, p.lc(k.NamePos), p.lc(k.ValuePos))
				}
			}
			if strings.Join(got, " ") != strings.Join(p.marks, " ") {
				t.Errorf("positions:\ngot  %v\nwant %v", got, p.marks)
			}
		})
	}
}

func TestStageFunc(t *testing.T) {
	p := parseMarked(t, "//pipegen:map workers=3\nfunc (T) M() {}\n//pipegen:each\nfunc G() {}\n")
	if len(p.errs) > 0 || len(p.dir.Stages) != 2 {
		t.Fatalf("got %s, errors:\n%s", summary(p.dir), p.errorList())
	}
	for i, s := range p.dir.Stages {
		if s.Func != p.file.Decls[i] {
			t.Errorf("stage %d annotates %v, want declaration %d", i, s.Func.Name, i)
		}
	}
	s := p.dir.Stages[0]
	if k, ok := s.Key("workers"); !ok || k.Int != 3 || k.Value != "3" {
		t.Errorf(`Key("workers") = %+v, %v`, k, ok)
	}
	if k, ok := s.Key("timeout"); ok {
		t.Errorf(`Key("timeout") = %+v, true; want false`, k)
	}
}

func TestStageErrors(t *testing.T) {
	runErrorCases(t, []errorCase{
		{
			name: "unknown kind",
			src:  "//pipegen:‸mapp workers=1\nfunc F() {}\n",
			want: []string{`unknown directive "//pipegen:mapp"; want map, filter, flatmap, each, pipeline or distribute`},
		},
		{
			name: "empty kind",
			src:  "//pipegen:‸\nfunc F() {}\n",
			want: []string{`unknown directive "//pipegen:"; want map, filter, flatmap, each, pipeline or distribute`},
		},
		{
			name: "kind is case sensitive",
			src:  "//pipegen:‸Map\nfunc F() {}\n",
			want: []string{`unknown directive "//pipegen:Map"; want map, filter, flatmap, each, pipeline or distribute`},
		},
		{
			name: "kind ends at a blank only",
			src:  "//pipegen:‸map,workers=2\nfunc F() {}\n",
			want: []string{`unknown directive "//pipegen:map,workers=2"; want map, filter, flatmap, each, pipeline or distribute`},
		},
		{
			name: "above a type",
			src:  "‸//pipegen:map\ntype T int\n",
			want: []string{"//pipegen:map must be in the doc comment directly above a function declaration"},
		},
		{
			name: "separated by a blank line",
			src:  "‸//pipegen:filter\n\nfunc F() {}\n",
			want: []string{"//pipegen:filter must be in the doc comment directly above a function declaration"},
		},
		{
			name: "inside a function",
			src:  "func F() {\n\t‸//pipegen:each\n\tprintln()\n}\n",
			want: []string{"//pipegen:each must be in the doc comment directly above a function declaration"},
		},
		{
			name: "above a function literal",
			src:  "‸//pipegen:flatmap\nvar f = func() {}\n",
			want: []string{"//pipegen:flatmap must be in the doc comment directly above a function declaration"},
		},
		{
			name: "after a function",
			src:  "func F() {} ‸//pipegen:map\n",
			want: []string{"//pipegen:map must be in the doc comment directly above a function declaration"},
		},
		{
			name: "two directives",
			src:  "†//pipegen:map workers=2\n‸//pipegen:filter\nfunc F() {}\n",
			want: []string{"function F has more than one stage directive (first at $1)"},
			keep: "map F{workers=2}",
		},
		{
			name: "two directives on a method",
			src:  "†//pipegen:map\n// Prose.\n‸//pipegen:map workers=‸0\nfunc (t *T[K]) M() {}\n",
			want: []string{
				"method T.M has more than one stage directive (first at $1)",
				`bad value "0" for workers: want an integer from 1 to 65536`,
			},
			keep: "map M{}",
		},
		{
			name: "unknown key",
			src:  "//pipegen:map ‸wrokers=4\nfunc F() {}\n",
			want: []string{`unknown key "wrokers"; want workers, maxsize, timeout, ontimeout, start or done`},
			keep: "map F{}",
		},
		{
			name: "duplicate key",
			src:  "//pipegen:map †workers=4 maxsize=1 ‸workers=5\nfunc F() {}\n",
			want: []string{`duplicate key "workers" (first at $1)`},
			keep: "map F{workers=4 maxsize=1}",
		},
		{
			name: "duplicate of a bad key",
			src:  "//pipegen:map †timeout=‸x ‸timeout=1s\nfunc F() {}\n",
			want: []string{
				`bad value "x" for timeout: want a Go duration such as 500ms or 2s`,
				`duplicate key "timeout" (first at $1)`,
			},
			keep: "map F{}",
		},
		{
			name: "bad integers",
			src: "//pipegen:map workers=‸0\nfunc A() {}\n//pipegen:map workers=‸x\nfunc B() {}\n" +
				"//pipegen:map workers=‸-1\nfunc C() {}\n//pipegen:map workers=‸+4\nfunc D() {}\n" +
				"//pipegen:map workers=‸\nfunc E() {}\n//pipegen:map maxsize=‸-1\nfunc F() {}\n" +
				"//pipegen:map maxsize=‸99999999999999999999999\nfunc G() {}\n//pipegen:map maxsize=‸0x10\nfunc H() {}\n",
			want: []string{
				`bad value "0" for workers: want an integer from 1 to 65536`,
				`bad value "x" for workers: want an integer from 1 to 65536`,
				`bad value "-1" for workers: want an integer from 1 to 65536`,
				`bad value "+4" for workers: want an integer from 1 to 65536`,
				`bad value "" for workers: want an integer from 1 to 65536`,
				`bad value "-1" for maxsize: want an integer from 0 to 16777216`,
				`bad value "99999999999999999999999" for maxsize: want an integer from 0 to 16777216`,
				`bad value "0x10" for maxsize: want an integer from 0 to 16777216`,
			},
			keep: "map A{}; map B{}; map C{}; map D{}; map E{}; map F{}; map G{}; map H{}",
		},
		{
			name: "bad durations and words",
			src: "//pipegen:map timeout=‸2x ontimeout=‸retry\nfunc A() {}\n" +
				"//pipegen:map timeout=‸0s\nfunc B() {}\n//pipegen:map timeout=‸-1s\nfunc C() {}\n" +
				"//pipegen:map timeout=‸0\nfunc D() {}\n" +
				"//pipegen:map start=‸1x done=‸a.b\nfunc E() {}\n//pipegen:map start=‸func done=‸\nfunc F() {}\n",
			want: []string{
				`bad value "2x" for timeout: want a Go duration such as 500ms or 2s`,
				`bad value "retry" for ontimeout: want drop or fail`,
				`bad value "0s" for timeout: want a duration > 0 such as 500ms or 2s`,
				`bad value "-1s" for timeout: want a duration > 0 such as 500ms or 2s`,
				`bad value "0" for timeout: want a duration > 0 such as 500ms or 2s`,
				`bad value "1x" for start: want a Go identifier`,
				`bad value "a.b" for done: want a Go identifier`,
				`bad value "func" for start: want a Go identifier`,
				`bad value "" for done: want a Go identifier`,
			},
			keep: "map A{}; map B{}; map C{}; map D{}; map E{}; map F{}",
		},
		{
			name: "missing =",
			src:  "//pipegen:map ‸workers ‸=4 ‸maxsize ‸= ‸2\nfunc F() {}\n",
			want: []string{
				`want key=value, got "workers"`,
				`want key=value, got "=4"`,
				`want key=value, got "maxsize"`,
				`want key=value, got "="`,
				`want key=value, got "2"`,
			},
			keep: "map F{}",
		},
		{
			name: "trailing comment",
			src:  "//pipegen:map workers=4 ‸// four workers=8\nfunc F() {}\n",
			want: []string{"want key=value, got a comment: a directive line cannot hold a comment; put it on a line of its own"},
			keep: "map F{workers=4}",
		},
		{
			name: "commas",
			src:  "//pipegen:map workers=‸2,maxsize=3\nfunc F() {}\n",
			want: []string{`bad value "2,maxsize=3" for workers: want an integer from 1 to 65536; separate the settings of a stage directive with spaces, not commas`},
			keep: "map F{}",
		},
		{
			name: "every problem of a directive",
			src:  "//pipegen:map ‸wrokers=4 maxsize=2 timeout=‸2x ‸start\nfunc F() {}\n",
			want: []string{
				`unknown key "wrokers"; want workers, maxsize, timeout, ontimeout, start or done`,
				`bad value "2x" for timeout: want a Go duration such as 500ms or 2s`,
				`want key=value, got "start"`,
			},
			keep: "map F{maxsize=2}",
		},
		{
			name: "errors of several directives, sorted",
			src: "//pipegen:‸mapp\nfunc A() {}\n\n//pipegen:map workers=‸0\nfunc B() {}\n\n" +
				"‸//pipegen:each\n\n//pipegen:filter\nfunc C() {}\n//pipegen:pipeline P = B | C ‸D\n",
			want: []string{
				`unknown directive "//pipegen:mapp"; want map, filter, flatmap, each, pipeline or distribute`,
				`bad value "0" for workers: want an integer from 1 to 65536`,
				"//pipegen:each must be in the doc comment directly above a function declaration",
				`unexpected "D"; want "|" or end of pipeline`,
			},
			keep: "map B{}; filter C{}",
		},
	})
}

func TestIgnored(t *testing.T) {
	p := parseMarked(t, "// pipegen:map\n/*pipegen:mapp*/\n/*\n//pipegen:mapp\n*/\n//pipegenmap\n//Pipegen:map\n"+
		"//\tpipegen:pipeline\nfunc F() {}\n")
	if len(p.errs) > 0 || summary(p.dir) != "" {
		t.Errorf("got %q, errors:\n%s", summary(p.dir), p.errorList())
	}
}

func TestNilInputs(t *testing.T) {
	if f, errs := Parse(token.NewFileSet(), nil); f == nil || len(f.Stages)+len(f.Pipelines)+len(errs) != 0 {
		t.Errorf("Parse(nil file) = %+v, %v", f, errs)
	}
	// Without a FileSet, messages referring to other positions cannot say
	// where; Parse must still not panic.
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", "package p\n//pipegen:map\n//pipegen:map\nfunc F() {}\n", parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	if _, errs := Parse(nil, f); len(errs) != 1 || errs[0].Msg != "function F has more than one stage directive (first at ?:?)" {
		t.Errorf("Parse(nil FileSet): %v", errs)
	}
}

// TestDocOutsideComments checks that a doc comment missing from
// ast.File.Comments, as in an AST built or edited by hand, is still read.
func TestDocOutsideComments(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", "package p\n\n//pipegen:map workers=2\nfunc F() {}\n\n//pipegen:pipeline P = F\n", parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	f.Comments = f.Comments[1:] // drop F's doc comment from the list
	file, errs := Parse(fset, f)
	if got := summary(file); len(errs) > 0 || got != "map F{workers=2}; pipeline P = F" {
		t.Errorf("got %q, %v", got, errs)
	}
}
