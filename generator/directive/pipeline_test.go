package directive

import (
	"strings"
	"testing"
)

func TestPipelines(t *testing.T) {
	cases := []struct {
		name   string
		src    string
		header string // canonical header of each pipeline, ";"-separated
		dump   string // dump of each expression, ";;"-separated
		str    string // String of each expression, ";;"-separated
	}{
		{
			name:   "single stage",
			src:    "//pipegen:pipeline P = A\n",
			header: "P",
			dump:   "ref A",
			str:    "A",
		},
		{
			name:   "chain",
			src:    "//pipegen:pipeline Thumbnails = Decode | Large | Sizes | Scale | Save\n",
			header: "Thumbnails",
			dump:   "ref Decode | ref Large | ref Sizes | ref Scale | ref Save",
			str:    "Decode | Large | Sizes | Scale | Save",
		},
		{
			name:   "overrides",
			src:    "//pipegen:pipeline P = A(workers=8, maxsize=0, timeout=1m30s, ontimeout=fail) | B() | C\n",
			header: "P",
			dump:   "ref A(workers=8:8, maxsize=0:0, timeout=1m30s:1m30s, ontimeout=fail) | ref B() | ref C",
			str:    "A(workers=8, maxsize=0, timeout=1m30s, ontimeout=fail) | B() | C",
		},
		{
			name:   "ordered",
			src:    "//pipegen:pipeline P = A(workers=4) | ordered | B\n",
			header: "P",
			dump:   "ref A(workers=4:4) | ordered | ref B",
			str:    "A(workers=4) | ordered | B",
		},
		{
			name:   "inputs and nested concat",
			src:    "//pipegen:pipeline P(a, b) = concat(a, b | F, concat(a | G, b)) | ordered | Save\n",
			header: "P(a, b)",
			dump:   "concat[ref a; ref b | ref F; concat[ref a | ref G; ref b]] | ordered | ref Save",
			str:    "concat(a, b | F, concat(a | G, b)) | ordered | Save",
		},
		{
			name:   "one-branch concat",
			src:    "//pipegen:pipeline P = concat(A(workers=2)) | B\n",
			header: "P",
			dump:   "concat[ref A(workers=2:2)] | ref B",
			str:    "concat(A(workers=2)) | B",
		},
		{
			name:   "empty input list",
			src:    "//pipegen:pipeline P() = A\n",
			header: "P()",
			dump:   "ref A",
			str:    "A",
		},
		{
			name:   "blanks anywhere but around key=value",
			src:    "//pipegen:pipeline\tP ( a ,b )\t=\tconcat ( a ,b|F ) |A (workers=2 , maxsize=3 )|ordered  \t\n",
			header: "P(a, b)",
			dump:   "concat[ref a; ref b | ref F] | ref A(workers=2:2, maxsize=3:3) | ordered",
			str:    "concat(a, b | F) | A(workers=2, maxsize=3) | ordered",
		},
		{
			name:   "unicode names",
			src:    "//pipegen:pipeline Größe = größe | 变换 | _x1\n",
			header: "Größe",
			dump:   "ref größe | ref 变换 | ref _x1",
			str:    "größe | 变换 | _x1",
		},
		{
			name: "continuation lines",
			src: "// Prose first.\n//pipegen:pipeline P(a, b) =\n//\tconcat(\n//\t\ta,\n//\t\tb | F\n//\t)\n" +
				"//\t| G(workers=2,\n//\t    maxsize=4)\n//\t| ordered\n// Prose after, not continued.\n",
			header: "P(a, b)",
			dump:   "concat[ref a; ref b | ref F] | ref G(workers=2:2, maxsize=4:4) | ordered",
			str:    "concat(a, b | F) | G(workers=2, maxsize=4) | ordered",
		},
		{
			name:   "empty continuation lines",
			src:    "//pipegen:pipeline P = A |\n//\n//   \n// B\n",
			header: "P",
			dump:   "ref A | ref B",
			str:    "A | B",
		},
		{
			name: "continuation stops at directives and prose",
			src: "//pipegen:pipeline P = A\n// B is prose.\n//pipegen:pipeline Q = B\n//go:generate pipegen\n" +
				"//pipegen:pipeline R = C\n//pipegen:pipeline S = D\n",
			header: "P;Q;R;S",
			dump:   "ref A;;ref B;;ref C;;ref D",
			str:    "A;;B;;C;;D",
		},
		{
			name: "anywhere in the file",
			src: "// F is a stage.\n//pipegen:map\n//pipegen:pipeline P = F\nfunc F() {\n\t//pipegen:pipeline Q = P | P\n}\n" +
				"var x = 1 //pipegen:pipeline R = Q\n",
			header: "P;Q;R",
			dump:   "ref F;;ref P | ref P;;ref Q",
			str:    "F;;P | P;;Q",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := parseMarked(t, tc.src)
			if len(p.errs) > 0 {
				t.Fatalf("unexpected errors:\n%s", p.errorList())
			}
			var headers, dumps, strs []string
			for _, pl := range p.dir.Pipelines {
				headers = append(headers, header(pl))
				dumps = append(dumps, dump(pl.Expr))
				strs = append(strs, pl.Expr.String())
				if pl.HasInputList != (pl.Inputs != nil) {
					t.Errorf("%s: HasInputList %v but Inputs %#v", pl.Name.Name, pl.HasInputList, pl.Inputs)
				}
			}
			if got := strings.Join(headers, ";"); got != tc.header {
				t.Errorf("headers:\ngot  %s\nwant %s", got, tc.header)
			}
			if got := strings.Join(dumps, ";;"); got != tc.dump {
				t.Errorf("structure:\ngot  %s\nwant %s", got, tc.dump)
			}
			if got := strings.Join(strs, ";;"); got != tc.str {
				t.Errorf("String:\ngot  %s\nwant %s", got, tc.str)
			}
		})
	}
}

// TestPipelinePositions checks every position of a pipeline against marks
// in the source: the "//", the name, the inputs, and for each term its
// start, its "(" and the name and value of each override.
func TestPipelinePositions(t *testing.T) {
	for _, src := range []string{
		"‸//pipegen:pipeline ‸P = ‸A\n",
		"‸//pipegen:pipeline ‸P(‸a, ‸b) = ‸A‸(‸workers=‸8, ‸timeout=‸2s) | ‸concat(‸a, ‸b | ‸F) | ‸ordered\n",
		"‸//pipegen:pipeline\t‸Größe(‸ä)=‸ä|‸Ü ‸(‸maxsize=‸1)\n",
		"// Prose.\n‸//pipegen:pipeline ‸P =\n//\t‸A\n//\t| ‸B‸(\n//\t\t‸maxsize=‸4,\n//\t\t‸ontimeout=‸drop)\n//\t| ‸concat(‸x,\n//\t‸y)\n",
	} {
		p := parseMarked(t, src)
		if len(p.errs) > 0 || len(p.dir.Pipelines) != 1 {
			t.Errorf("%q: got %q, errors:\n%s", src, summary(p.dir), p.errorList())
			continue
		}
		var got []string
		for _, pos := range positions(t, p.dir.Pipelines[0]) {
			got = append(got, p.lc(pos))
		}
		if strings.Join(got, " ") != strings.Join(p.marks, " ") {
			t.Errorf("%q:\ngot  %v\nwant %v", src, got, p.marks)
		}
	}
}

func TestPipelineErrors(t *testing.T) {
	runErrorCases(t, []errorCase{
		// The header.
		{
			name: "no name",
			src:  "//pipegen:pipeline‸\n",
			want: []string{"missing pipeline name: want //pipegen:pipeline Name = stages"},
		},
		{
			name: "only blanks",
			src:  "//pipegen:pipeline  \t ‸\n",
			want: []string{"missing pipeline name: want //pipegen:pipeline Name = stages"},
		},
		{
			name: "name starts with a digit",
			src:  "//pipegen:pipeline ‸9x = A\n",
			want: []string{`want a pipeline name, got "9x"`},
		},
		{
			name: "name missing before =",
			src:  "//pipegen:pipeline ‸= A\n",
			want: []string{`want a pipeline name, got "="`},
		},
		{
			name: "qualified name",
			src:  "//pipegen:pipeline ‸a.b = A\n",
			want: []string{`want a pipeline name, got "a.b"`},
		},
		{
			name: "keyword as name",
			src:  "//pipegen:pipeline ‸func = A\n",
			want: []string{`want a pipeline name, got "func"`},
		},
		{
			name: "reserved name",
			src:  "//pipegen:pipeline ‸ordered = A\n",
			want: []string{`"ordered" is reserved in pipeline expressions and cannot name a pipeline`},
		},
		{
			name: "no =",
			src:  "//pipegen:pipeline P‸\n",
			want: []string{`missing "=" after pipeline name P: want P = stages`},
		},
		{
			name: "no = before stages",
			src:  "//pipegen:pipeline P ‸A | B\n",
			want: []string{`want "=" after pipeline name P, got "A"`},
		},
		{
			name: "colon for =",
			src:  "//pipegen:pipeline P(a) ‸: A\n",
			want: []string{`want "=" after pipeline name P, got ":"`},
		},
		{
			name: "empty pipeline",
			src:  "//pipegen:pipeline P =‸\n",
			want: []string{`empty pipeline: want stages after "="`},
		},
		{
			name: "empty pipeline with blanks",
			src:  "//pipegen:pipeline P(a) =‸ \t \n",
			want: []string{`empty pipeline: want stages after "="`},
		},
		{
			name: "empty pipeline continued",
			src:  "//pipegen:pipeline P =‸\n//\n",
			want: []string{`empty pipeline: want stages after "="`},
		},
		{
			name: "empty pipeline before a block comment",
			src:  "//pipegen:pipeline P =‸\n/* A */\n",
			want: []string{`empty pipeline: want stages after "="`},
		},

		// Inputs.
		{
			name: "duplicate input",
			src:  "//pipegen:pipeline P(†a, b, ‸a) = A\n",
			want: []string{`duplicate input "a" (first at $1)`},
		},
		{
			name: "inputs without comma",
			src:  "//pipegen:pipeline P(a ‸b) = A\n",
			want: []string{`unexpected "b"; want "," or ")" in the input list`},
		},
		{
			name: "trailing comma in inputs",
			src:  "//pipegen:pipeline P(a, ‸) = A\n",
			want: []string{`want an input name, got ")"`},
		},
		{
			name: "bad input name",
			src:  "//pipegen:pipeline P(‸1a) = A\n",
			want: []string{`want an input name, got "1a"`},
		},
		{
			name: "reserved input",
			src:  "//pipegen:pipeline P(a, ‸concat) = A\n",
			want: []string{`"concat" is reserved in pipeline expressions and cannot name an input`},
		},
		{
			name: "unclosed inputs",
			src:  "//pipegen:pipeline P†(a, b‸\n",
			want: []string{`missing ")" to close the input list opened at $1`},
		},
		{
			name: "unclosed inputs before =",
			src:  "//pipegen:pipeline P(a ‸= A\n",
			want: []string{`unexpected "="; want "," or ")" in the input list`},
		},

		// The expression.
		{
			name: "two names",
			src:  "//pipegen:pipeline P = A ‸B\n",
			want: []string{`unexpected "B"; want "|" or end of pipeline`},
		},
		{
			name: "extra )",
			src:  "//pipegen:pipeline P = concat(a)‸)\n",
			want: []string{`unexpected ")" without a matching "("`},
		},
		{
			name: "second =",
			src:  "//pipegen:pipeline P = A ‸= B\n",
			want: []string{`unexpected "="; want "|" or end of pipeline`},
		},
		{
			name: "starts with |",
			src:  "//pipegen:pipeline P = ‸| A\n",
			want: []string{`want a stage, input or pipeline name, got "|"`},
		},
		{
			name: "trailing |",
			src:  "//pipegen:pipeline P = A |‸\n",
			want: []string{`want a stage, input or pipeline name after "|", got end of directive`},
		},
		{
			name: "double |",
			src:  "//pipegen:pipeline P = A | ‸| B\n",
			want: []string{`want a stage, input or pipeline name, got "|"`},
		},
		{
			name: "bad names",
			src:  "//pipegen:pipeline P = ‸9A\n//pipegen:pipeline Q = A | ‸a.b\n//pipegen:pipeline R = ‸-\n",
			want: []string{
				`want a stage, input or pipeline name, got "9A"`,
				`want a stage, input or pipeline name, got "a.b": a stage must be a function of this package with a stage directive; wrap a.b in one (//pipegen:map above func B(x T) U { return a.b(x) }) and name that`,
				`want a stage, input or pipeline name, got "-"`,
			},
		},
		{
			name: "unclosed concat",
			src:  "//pipegen:pipeline P = concat†(a, b‸\n",
			want: []string{`missing ")" to close the "(" at $1`},
		},
		{
			name: "empty concat",
			src:  "//pipegen:pipeline P = A | concat( ‸) | B\n",
			want: []string{"empty concat: want at least one branch, as in concat(a, b)"},
		},
		{
			name: "concat without parentheses",
			src:  "//pipegen:pipeline P = concat ‸| A\n",
			want: []string{`concat needs parentheses: want concat(a, b | F, ...), got "|"`},
		},
		{
			name: "concat at the end",
			src:  "//pipegen:pipeline P = A | concat‸\n",
			want: []string{`concat needs parentheses: want concat(a, b | F, ...), got end of directive`},
		},
		{
			name: "branches without comma",
			src:  "//pipegen:pipeline P = concat(a ‸b)\n",
			want: []string{`unexpected "b"; want "|", "," or ")"`},
		},
		{
			name: "trailing | in a branch",
			src:  "//pipegen:pipeline P = concat(a |‸)\n",
			want: []string{`want a stage, input or pipeline name after "|", got ")"`},
		},
		{
			name: "trailing comma in concat",
			src:  "//pipegen:pipeline P = concat(a, ‸)\n",
			want: []string{`want a stage, input or pipeline name, got ")"`},
		},
		{
			name: "empty branch",
			src:  "//pipegen:pipeline P = concat(a, ‸, b)\n",
			want: []string{`want a stage, input or pipeline name, got ","`},
		},
		{
			name: "ordered with arguments",
			src:  "//pipegen:pipeline P = A | ordered ‸(x) | B\n",
			want: []string{`"ordered" takes no arguments; write it alone, as in "A | ordered | B"`},
		},

		// Overrides.
		{
			name: "unclosed overrides",
			src:  "//pipegen:pipeline P = A†(workers=1‸\n",
			want: []string{`missing ")" to close the "(" at $1`},
		},
		{
			name: "spaces around =",
			src:  "//pipegen:pipeline P = A(workers ‸= 8)\n//pipegen:pipeline Q = A(workers= ‸8)\n",
			want: []string{`want key=value without spaces around "="`, `want key=value without spaces around "="`},
		},
		{
			name: "empty setting",
			src:  "//pipegen:pipeline P = A(‸,)\n//pipegen:pipeline Q = A(workers=1, ‸)\n",
			want: []string{`want key=value, got ","`, `want key=value, got ")"`},
		},
		{
			name: "settings without comma",
			src:  "//pipegen:pipeline P = A(workers=1 ‸maxsize=2)\n",
			want: []string{`unexpected "maxsize"; want "," or ")"`},
		},
		{
			name: "nested parentheses",
			src:  "//pipegen:pipeline P = A(workers=1‸(x))\n",
			want: []string{`unexpected "("; want "," or ")"`},
		},
		{
			name: "setting without =",
			src:  "//pipegen:pipeline P = A(‸workers) | B\n",
			want: []string{`want key=value, got "workers"`},
			keep: "pipeline P = A() | B",
		},
		{
			name: "start and done",
			src:  "//pipegen:pipeline P = A(‸start=newS, ‸done=Close, workers=2)\n",
			want: []string{
				`key "start" cannot be overridden in a pipeline; set it on the stage directive (a pipeline may override workers, maxsize, timeout or ontimeout)`,
				`key "done" cannot be overridden in a pipeline; set it on the stage directive (a pipeline may override workers, maxsize, timeout or ontimeout)`,
			},
			keep: "pipeline P = A(workers=2)",
		},
		{
			name: "bad settings",
			src:  "//pipegen:pipeline P = A(‸wrokers=2) | B(†workers=1, ‸workers=2, maxsize=‸-1, timeout=‸2x, ontimeout=‸x)\n",
			want: []string{
				`unknown key "wrokers"; want workers, maxsize, timeout or ontimeout`,
				`duplicate key "workers" (first at $1)`,
				`bad value "-1" for maxsize: want an integer from 0 to 16777216`,
				`bad value "2x" for timeout: want a Go duration such as 500ms or 2s`,
				`bad value "x" for ontimeout: want drop or fail`,
			},
			keep: "pipeline P = A() | B(workers=1)",
		},
		{
			name: "values may hold =",
			src:  "//pipegen:pipeline P = A(timeout=‸1s=2s)\n",
			want: []string{`bad value "1s=2s" for timeout: want a Go duration such as 500ms or 2s`},
			keep: "pipeline P = A()",
		},
		{
			name: "bad setting and syntax error",
			src:  "//pipegen:pipeline P = A(workers=‸0) ‸B\n",
			want: []string{`bad value "0" for workers: want an integer from 1 to 65536`, `unexpected "B"; want "|" or end of pipeline`},
		},

		// Continuation lines.
		{
			name: "error on a continuation line",
			src:  "//pipegen:pipeline P = A |\n//\tB ‸C\n",
			want: []string{`unexpected "C"; want "|" or end of pipeline`},
		},
		{
			name: "missing ) at the end of the last line",
			src:  "//pipegen:pipeline P = concat†(a,\n//  b   ‸\n// Prose.\n",
			want: []string{`missing ")" to close the "(" at $1`},
		},
		{
			name: "a directive does not continue",
			src:  "//pipegen:pipeline P = A |‸\n//pipegen:pipeline Q = B\n",
			want: []string{`want a stage, input or pipeline name after "|", got end of directive`},
			keep: "pipeline Q = B",
		},
		{
			name: "an unknown directive does not continue",
			src:  "//pipegen:pipeline P = A |‸\n//pipegen:‸mapp\n",
			want: []string{
				`want a stage, input or pipeline name after "|", got end of directive`,
				`unknown directive "//pipegen:mapp"; want map, filter, flatmap, each, pipeline or distribute`,
			},
		},
		{
			name: "go directives do not continue",
			src:  "//pipegen:pipeline P = A‸,\n//go:generate pipegen\n",
			want: []string{`unexpected ","; want "|" or end of pipeline`},
		},
		{
			name: "another comment block does not continue",
			src:  "//pipegen:pipeline P = A |‸\n\n// B\n",
			want: []string{`want a stage, input or pipeline name after "|", got end of directive`},
		},
	})
}

func TestExprStringRoundTrip(t *testing.T) {
	for _, text := range []string{
		"A",
		"A() | B(workers=1)",
		"concat(concat(a), concat(b | C(maxsize=0), c)) | ordered | D(timeout=1h2m3s, ontimeout=drop)",
	} {
		p := parseMarked(t, "//pipegen:pipeline P = "+text+"\n")
		if len(p.errs) > 0 || len(p.dir.Pipelines) != 1 {
			t.Fatalf("%q: errors:\n%s", text, p.errorList())
		}
		if got := p.dir.Pipelines[0].Expr.String(); got != text {
			t.Errorf("String() = %q, want %q", got, text)
		}
	}
	var nilExpr *Expr
	if s := nilExpr.String(); s != "" {
		t.Errorf("nil Expr: %q", s)
	}
}
