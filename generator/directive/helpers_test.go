package directive

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

// Test sources mark positions with these runes, which parse removes before
// handing the source to go/parser:
//
//   - errMark marks where each expected error (or, in position tests, each
//     expected position) is, in order;
//   - refMark marks positions that expected messages refer to as $1, $2, ...
//
// Positions are thus computed from the source text, never written by hand.
const (
	errMark = "‸"
	refMark = "†"
)

// parsed is a marked test source after parsing.
type parsed struct {
	fset  *token.FileSet
	file  *ast.File
	src   string   // the source without markers
	marks []string // line:col of each errMark
	refs  []string // line:col of each refMark
	dir   *File
	errs  []*Error
}

// parseMarked strips the markers from "package p\n\n"+body, parses it and
// runs Parse on it.
func parseMarked(t *testing.T, body string) *parsed {
	t.Helper()
	src := "package p\n\n" + body
	p := &parsed{fset: token.NewFileSet()}
	var clean strings.Builder
	for i := 0; i < len(src); {
		switch {
		case strings.HasPrefix(src[i:], errMark):
			p.marks = append(p.marks, lineCol(clean.String()))
			i += len(errMark)
		case strings.HasPrefix(src[i:], refMark):
			p.refs = append(p.refs, lineCol(clean.String()))
			i += len(refMark)
		default:
			clean.WriteByte(src[i])
			i++
		}
	}
	p.src = clean.String()
	f, err := parser.ParseFile(p.fset, "x.go", p.src, parser.ParseComments)
	if err != nil {
		t.Fatalf("bad test source: %v\n%s", err, p.src)
	}
	p.file = f
	p.dir, p.errs = Parse(p.fset, f)
	return p
}

// lineCol returns the line:col just after the end of text, as go/token
// counts them (columns in bytes, from 1).
func lineCol(text string) string {
	line := strings.Count(text, "\n") + 1
	col := len(text) - strings.LastIndexByte(text, '\n')
	return fmt.Sprintf("%d:%d", line, col)
}

func (p *parsed) lc(pos token.Pos) string {
	if !pos.IsValid() {
		return "NoPos"
	}
	position := p.fset.Position(pos)
	return fmt.Sprintf("%d:%d", position.Line, position.Column)
}

// expand replaces $1, $2, ... in msg by the positions of the refMarks.
func (p *parsed) expand(t *testing.T, msg string) string {
	t.Helper()
	for i := len(p.refs); i >= 1; i-- { // $10 before $1
		msg = strings.ReplaceAll(msg, "$"+strconv.Itoa(i), p.refs[i-1])
	}
	if strings.Contains(msg, "$") {
		t.Fatalf("unexpanded reference in %q (%d refMarks)", msg, len(p.refs))
	}
	return msg
}

// errorList formats errs one per line as "line:col: msg".
func (p *parsed) errorList() string {
	var b strings.Builder
	for _, e := range p.errs {
		fmt.Fprintf(&b, "\t%s: %s\n", p.lc(e.Pos), e.Msg)
	}
	return b.String()
}

// summary describes the directives Parse kept, to check recovery:
// "map F{workers=4}; pipeline P(a) = A | B".
func summary(f *File) string {
	var parts []string
	for _, s := range f.Stages {
		var keys []string
		for _, k := range s.Keys {
			keys = append(keys, k.Name+"="+k.Value)
		}
		parts = append(parts, fmt.Sprintf("%s %s{%s}", s.Kind, s.Func.Name.Name, strings.Join(keys, " ")))
	}
	for _, pl := range f.Pipelines {
		parts = append(parts, "pipeline "+header(pl)+" = "+pl.Expr.String())
	}
	return strings.Join(parts, "; ")
}

// header returns the canonical text of a pipeline header: "P" or "P(a, b)".
func header(pl *Pipeline) string {
	if !pl.HasInputList {
		return pl.Name.Name
	}
	var names []string
	for _, in := range pl.Inputs {
		names = append(names, in.Name)
	}
	return pl.Name.Name + "(" + strings.Join(names, ", ") + ")"
}

// dump describes the structure of an expression, with term types and parsed
// setting values, which String does not show.
func dump(e *Expr) string {
	var terms []string
	for _, t := range e.Terms {
		switch t := t.(type) {
		case *Ref:
			s := "ref " + t.Name
			if t.Lparen.IsValid() {
				var args []string
				for _, k := range t.Args {
					args = append(args, keyDump(k))
				}
				s += "(" + strings.Join(args, ", ") + ")"
			}
			terms = append(terms, s)
		case *Ordered:
			terms = append(terms, "ordered")
		case *Concat:
			var branches []string
			for _, b := range t.Branches {
				branches = append(branches, dump(b))
			}
			terms = append(terms, "concat["+strings.Join(branches, "; ")+"]")
		default:
			terms = append(terms, fmt.Sprintf("?%T", t))
		}
	}
	return strings.Join(terms, " | ")
}

// keyDump shows a setting with its parsed value: "workers=8:8".
func keyDump(k Key) string {
	s := k.Name + "=" + k.Value
	switch k.Name {
	case "workers", "maxsize":
		s += fmt.Sprintf(":%d", k.Int)
	case "timeout":
		s += ":" + k.Duration.String()
	}
	return s
}

// positions lists, in source order, every position in a pipeline: the
// name, the inputs, and for each term its start, the "(" and the settings
// of its overrides. It also checks that each Expr.Pos is that of its first
// term.
func positions(t *testing.T, pl *Pipeline) []token.Pos {
	t.Helper()
	ps := []token.Pos{pl.Pos, pl.Name.Pos}
	for _, in := range pl.Inputs {
		ps = append(ps, in.Pos)
	}
	var expr func(e *Expr)
	expr = func(e *Expr) {
		if len(e.Terms) == 0 || e.Pos != e.Terms[0].Position() {
			t.Errorf("Expr.Pos %d is not the position of its first term", e.Pos)
		}
		for _, term := range e.Terms {
			ps = append(ps, term.Position())
			switch term := term.(type) {
			case *Ref:
				if term.Lparen.IsValid() {
					ps = append(ps, term.Lparen)
				}
				for _, k := range term.Args {
					ps = append(ps, k.NamePos, k.ValuePos)
				}
			case *Concat:
				for _, b := range term.Branches {
					expr(b)
				}
			}
		}
	}
	expr(pl.Expr)
	return ps
}
