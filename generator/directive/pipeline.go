package directive

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"
)

// Expr is a chain of terms joined by "|".
type Expr struct {
	Pos   token.Pos // position of the first term
	Terms []Term
}

// Term is one element of an Expr: a *Ref, an *Ordered or a *Concat.
type Term interface {
	Position() token.Pos // where the term starts
	String() string      // canonical text, as in Expr.String
}

// Ref is a name in an expression: a stage, a declared input or another
// pipeline, which only later passes can tell apart. Args are the overrides
// written in parentheses after it; Lparen is token.NoPos when there are no
// parentheses (and valid for "A()", which has parentheses but no Args).
type Ref struct {
	Ident
	Args   []Key
	Lparen token.Pos
}

// Ordered is the word "ordered": restore source order from here on.
type Ordered struct {
	Pos token.Pos
}

// Concat is "concat(a, b | F, ...)": the merge of its branches.
type Concat struct {
	Pos      token.Pos // position of the word "concat"
	Branches []*Expr
}

// Position returns the position of the name.
func (r *Ref) Position() token.Pos { return r.Pos }

// Position returns the position of the word "ordered".
func (o *Ordered) Position() token.Pos { return o.Pos }

// Position returns the position of the word "concat".
func (c *Concat) Position() token.Pos { return c.Pos }

// String returns the canonical text of the expression, such as
// "A(workers=8) | concat(a, b | F) | ordered": single spaces around "|",
// ", " between arguments and branches. It parses back to the same
// expression.
func (e *Expr) String() string {
	var b strings.Builder
	e.write(&b)
	return b.String()
}

func (e *Expr) write(b *strings.Builder) {
	if e == nil {
		return
	}
	for i, t := range e.Terms {
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(t.String())
	}
}

// String returns the name followed by its overrides, if it has parentheses.
func (r *Ref) String() string {
	if !r.Lparen.IsValid() {
		return r.Name
	}
	var b strings.Builder
	b.WriteString(r.Name)
	b.WriteByte('(')
	for i, k := range r.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k.Name)
		b.WriteByte('=')
		b.WriteString(k.Value)
	}
	b.WriteByte(')')
	return b.String()
}

// String returns "ordered".
func (o *Ordered) String() string { return "ordered" }

// String returns "concat(...)" with the canonical text of each branch.
func (c *Concat) String() string {
	var b strings.Builder
	b.WriteString("concat(")
	for i, br := range c.Branches {
		if i > 0 {
			b.WriteString(", ")
		}
		br.write(&b)
	}
	b.WriteByte(')')
	return b.String()
}

// pipeline parses the pipeline directive starting at list[0], whose kind
// word ends at byte kindEnd of its text, and returns how many of the
// following comments it used as continuation lines.
func (p *fileParser) pipeline(list []*ast.Comment, kindEnd int) (continued int) {
	first := list[0]
	ep := &exprParser{fp: p}
	ep.add(first.Text[kindEnd:], first.Slash+token.Pos(kindEnd))
	for _, c := range list[1:] {
		if c == nil || !continues(ep.src, c.Text) {
			break
		}
		ep.add(c.Text[2:], c.Slash+2)
		continued++
	}
	if pl := ep.parse(first.Slash); pl != nil {
		p.file.Pipelines = append(p.file.Pipelines, pl)
	}
	return continued
}

// continues reports whether the comment line text continues a pipeline
// directive whose text so far is soFar: the line starts with something that
// can only follow a term ("|", "," or ")"), or the directive so far ends with
// something that needs more to follow ("|", ",", "(" or "=": the last lets
// "P =" put all its stages on the following lines). Lines that are
// themselves directives never continue.
func continues(soFar, text string) bool {
	if !strings.HasPrefix(text, "//") || strings.HasPrefix(text, prefix) || strings.HasPrefix(text, "//go:") {
		return false
	}
	if line := strings.TrimLeft(text[2:], " \t"); line != "" && strings.IndexByte("|,)", line[0]) >= 0 {
		return true
	}
	if soFar = strings.TrimRight(soFar, " \t\n"); soFar != "" && strings.IndexByte("|,(=", soFar[len(soFar)-1]) >= 0 {
		return true
	}
	return false
}

// segment maps a part of exprParser.src back to its comment.
type segment struct {
	start int       // offset in src
	base  token.Pos // position of src[start]
}

// exprParser is a recursive-descent parser of one pipeline directive. Its
// source is the text of the directive's lines, each without its "//" (the
// first also without "//pipegen:pipeline"), joined by '\n'. As a line
// comment never contains a newline, '\n' is an unambiguous line break; it is
// a blank between tokens like space and tab.
//
// Syntax errors abort the parse by panicking with bailout, recovered in
// parse, as go/parser does: recovery inside a one-line expression would
// mostly produce noise. Bad settings in overrides are not syntax errors:
// they are reported and parsing goes on.
type exprParser struct {
	fp   *fileParser
	src  string
	segs []segment
	off  int // current offset in src
}

// bailout is the panic value that aborts a broken directive.
type bailout struct{}

// add appends a line of text whose first byte is at pos.
func (p *exprParser) add(text string, pos token.Pos) {
	if len(p.segs) > 0 {
		p.src += "\n"
	}
	p.segs = append(p.segs, segment{start: len(p.src), base: pos})
	p.src += text
}

// pos returns the source position of offset off of p.src. The '\n' after a
// line, and the end of src, map to just after the last character of their
// line, so that every position stays inside the directive's comments.
func (p *exprParser) pos(off int) token.Pos {
	i := len(p.segs) - 1
	for i > 0 && p.segs[i].start > off {
		i--
	}
	return p.segs[i].base + token.Pos(off-p.segs[i].start)
}

// fail reports a syntax error at offset off and abandons the directive.
func (p *exprParser) fail(off int, format string, args ...any) {
	p.fp.errorf(p.pos(off), format, args...)
	panic(bailout{})
}

func (p *exprParser) eof() bool { return p.off >= len(p.src) }

// peek returns the current byte, or 0 at the end.
func (p *exprParser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.src[p.off]
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' }

// isPunct reports whether b is a token of its own in an expression.
func isPunct(b byte) bool { return strings.IndexByte("(),|=", b) >= 0 }

func (p *exprParser) skipSpace() {
	for !p.eof() && isSpace(p.src[p.off]) {
		p.off++
	}
}

// word consumes and returns the run of non-blank, non-punctuation bytes at
// the current offset. A valid identifier is such a run; reading the whole
// run lets errors quote "foo.bar" or "9x" rather than a single character.
func (p *exprParser) word() string {
	start := p.off
	for !p.eof() && !isSpace(p.src[p.off]) && !isPunct(p.src[p.off]) {
		p.off++
	}
	return p.src[start:p.off]
}

// value consumes and returns the run of bytes that may form a key=value
// setting: anything but blanks, ",", "(", ")" and "|". Unlike a word it
// includes "=", so that the whole setting is checked by keys.
func (p *exprParser) value() string {
	start := p.off
	for !p.eof() {
		b := p.src[p.off]
		if isSpace(b) || strings.IndexByte(",()|", b) >= 0 {
			break
		}
		p.off++
	}
	return p.src[start:p.off]
}

// describe returns the token at offset off for a "got ..." message.
func (p *exprParser) describe(off int) string {
	if off >= len(p.src) {
		return "end of directive"
	}
	if isPunct(p.src[off]) {
		return fmt.Sprintf("%q", p.src[off:off+1])
	}
	saved := p.off
	p.off = off
	w := p.word()
	p.off = saved
	return fmt.Sprintf("%q", w)
}

// reserved reports whether name is a word of the expression language, which
// therefore cannot name a pipeline or input.
func reserved(name string) bool { return name == "ordered" || name == "concat" }

// parse parses the whole directive. It returns nil after a syntax error.
func (p *exprParser) parse(slash token.Pos) (pl *Pipeline) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
			pl = nil
		}
	}()
	pl = &Pipeline{Pos: slash}

	p.skipSpace()
	if p.eof() {
		p.fail(p.off, "missing pipeline name: want //pipegen:pipeline Name = stages")
	}
	start := p.off
	pl.Name = p.ident("a pipeline name")
	if reserved(pl.Name.Name) {
		p.fail(start, "%q is reserved in pipeline expressions and cannot name a pipeline", pl.Name.Name)
	}

	p.skipSpace()
	if p.peek() == '(' {
		pl.HasInputList = true
		pl.Inputs = p.inputs()
		p.skipSpace()
	}

	if p.peek() != '=' {
		if p.eof() {
			p.fail(p.off, "missing \"=\" after pipeline name %s: want %s = stages", pl.Name.Name, pl.Name.Name)
		}
		p.fail(p.off, "want \"=\" after pipeline name %s, got %s", pl.Name.Name, p.describe(p.off))
	}
	p.off++
	eq := p.off // just after "="

	p.skipSpace()
	if p.eof() {
		p.fail(eq, `empty pipeline: want stages after "="`)
	}
	pl.Expr = p.expr()

	p.skipSpace()
	switch {
	case p.eof():
	case p.peek() == ')':
		p.fail(p.off, `unexpected ")" without a matching "("`)
	default:
		p.fail(p.off, `unexpected %s; want "|" or end of pipeline`, p.describe(p.off))
	}
	return pl
}

// ident parses an identifier; what says what it names, for errors.
func (p *exprParser) ident(what string) Ident {
	start := p.off
	w := p.word()
	if !token.IsIdentifier(w) {
		p.fail(start, "want %s, got %s", what, p.describe(start))
	}
	return Ident{Name: w, Pos: p.pos(start)}
}

// inputs parses the input list "(a, b, ...)" of a pipeline header, at its
// "(". The result is never nil, so that "Name()" is told from "Name".
func (p *exprParser) inputs() []Ident {
	lparen := p.off
	p.off++
	inputs := []Ident{}
	p.skipSpace()
	if p.peek() == ')' {
		p.off++
		return inputs
	}
	seen := make(map[string]token.Pos)
	for {
		p.skipSpace()
		start := p.off
		in := p.ident("an input name")
		if reserved(in.Name) {
			p.fail(start, "%q is reserved in pipeline expressions and cannot name an input", in.Name)
		}
		if first, dup := seen[in.Name]; dup {
			p.fail(start, "duplicate input %q (first at %s)", in.Name, p.fp.lineCol(first))
		}
		seen[in.Name] = in.Pos
		inputs = append(inputs, in)

		p.skipSpace()
		switch {
		case p.eof():
			p.fail(p.off, `missing ")" to close the input list opened at %s`, p.fp.lineCol(p.pos(lparen)))
		case p.peek() == ',':
			p.off++
		case p.peek() == ')':
			p.off++
			return inputs
		default:
			p.fail(p.off, `unexpected %s; want "," or ")" in the input list`, p.describe(p.off))
		}
	}
}

// expr parses EXPR = TERM { "|" TERM }. It stops before anything that is not
// "|", which its caller checks.
func (p *exprParser) expr() *Expr {
	t := p.term()
	e := &Expr{Pos: t.Position(), Terms: []Term{t}}
	for {
		p.skipSpace()
		if p.peek() != '|' {
			return e
		}
		p.off++
		p.skipSpace()
		if b := p.peek(); p.eof() || b == ')' || b == ',' {
			p.fail(p.off, `want a stage, input or pipeline name after "|", got %s`, p.describe(p.off))
		}
		e.Terms = append(e.Terms, p.term())
	}
}

// term parses one TERM.
func (p *exprParser) term() Term {
	p.skipSpace()
	start := p.off
	w := p.word()
	switch {
	case w == "ordered":
		p.skipSpace()
		if p.peek() == '(' {
			p.fail(p.off, `"ordered" takes no arguments; write it alone, as in "A | ordered | B"`)
		}
		return &Ordered{Pos: p.pos(start)}
	case w == "concat":
		return p.concat(start)
	case token.IsIdentifier(w):
		r := &Ref{Ident: Ident{Name: w, Pos: p.pos(start)}}
		p.skipSpace()
		if p.peek() == '(' {
			r.Lparen = p.pos(p.off)
			r.Args = p.args()
		}
		return r
	case isQualified(w):
		pkg, fn, _ := strings.Cut(w, ".")
		p.fail(start, "want a stage, input or pipeline name, got %q: a stage must be a function of this package with a stage directive; wrap %s in one (//pipegen:map above func %s(x T) U { return %s(x) }) and name that", w, w, upperFirst(fn), pkg+"."+fn)
		return nil // not reached: fail panics
	default:
		p.fail(start, "want a stage, input or pipeline name, got %s", p.describe(start))
		return nil // not reached: fail panics
	}
}

// isQualified reports whether w is a qualified name, pkg.Name.
func isQualified(w string) bool {
	pkg, name, ok := strings.Cut(w, ".")
	return ok && token.IsIdentifier(pkg) && token.IsIdentifier(name)
}

// upperFirst capitalizes the first letter of an ASCII identifier.
func upperFirst(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// concat parses the rest of "concat(EXPR, ...)"; the word "concat" started
// at offset start.
func (p *exprParser) concat(start int) *Concat {
	p.skipSpace()
	if p.peek() != '(' {
		p.fail(p.off, "concat needs parentheses: want concat(a, b | F, ...), got %s", p.describe(p.off))
	}
	lparen := p.off
	p.off++
	p.skipSpace()
	if p.peek() == ')' {
		p.fail(p.off, "empty concat: want at least one branch, as in concat(a, b)")
	}
	c := &Concat{Pos: p.pos(start)}
	for {
		c.Branches = append(c.Branches, p.expr())
		p.skipSpace()
		switch {
		case p.eof():
			p.fail(p.off, `missing ")" to close the "(" at %s`, p.fp.lineCol(p.pos(lparen)))
		case p.peek() == ',':
			p.off++
		case p.peek() == ')':
			p.off++
			return c
		default:
			p.fail(p.off, `unexpected %s; want "|", "," or ")"`, p.describe(p.off))
		}
	}
}

// args parses the overrides "(key=value, ...)" after a name, at the "(".
func (p *exprParser) args() []Key {
	lparen := p.off
	p.off++
	p.skipSpace()
	if p.peek() == ')' {
		p.off++
		return nil
	}
	var items []item
	for {
		p.skipSpace()
		start := p.off
		v := p.value()
		if v == "" {
			p.fail(start, "want key=value, got %s", p.describe(start))
		}
		items = append(items, item{text: v, pos: p.pos(start)})

		p.skipSpace()
		switch {
		case p.eof():
			p.fail(p.off, `missing ")" to close the "(" at %s`, p.fp.lineCol(p.pos(lparen)))
		case p.peek() == ',':
			p.off++
		case p.peek() == ')':
			p.off++
			keys, _ := p.fp.keys(items, true)
			return keys
		case p.peek() == '=' && !strings.Contains(v, "=") || strings.HasSuffix(v, "="):
			// "workers = 8" or "workers= 8": say what is wrong rather
			// than that the "=" or the value is unexpected.
			p.fail(p.off, `want key=value without spaces around "="`)
		default:
			p.fail(p.off, `unexpected %s; want "," or ")"`, p.describe(p.off))
		}
	}
}
