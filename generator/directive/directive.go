package directive

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"strings"
	"time"
)

// Error is one problem in a directive, positioned at the exact spot.
type Error struct {
	Pos token.Pos
	Msg string
}

// Error returns just the message: the caller formats the position, as it
// knows how it wants to print file names.
func (e *Error) Error() string { return e.Msg }

// Kind is the kind of a stage directive.
type Kind string

// The stage kinds, spelled as in the directive.
const (
	Map     Kind = "map"
	Filter  Kind = "filter"
	FlatMap Kind = "flatmap"
	Each    Kind = "each"
)

// Key is one key=value setting, of a stage directive or of a pipeline
// override. Only valid keys are ever returned: Name is a known key and
// Value is valid for it.
type Key struct {
	Name     string
	NamePos  token.Pos
	Value    string        // as written
	ValuePos token.Pos     // position of the first character of Value
	Int      int           // parsed, for workers and maxsize
	Duration time.Duration // parsed, for timeout
}

// Stage is one stage directive and the function it annotates.
type Stage struct {
	Kind    Kind
	Pos     token.Pos // position of the "//" of the directive
	KindPos token.Pos // position of the kind word
	Func    *ast.FuncDecl
	Keys    []Key // in source order, validated
	// Rejected are the known keys that the directive sets to a bad value:
	// they are reported, and left out of Keys.
	Rejected []string
}

// Key returns the setting called name, if the directive has it.
func (s *Stage) Key(name string) (Key, bool) {
	for _, k := range s.Keys {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}

// Pipeline is one pipeline directive.
type Pipeline struct {
	Pos          token.Pos // the "//" of the first line
	Name         Ident
	Inputs       []Ident // declared inputs; nil when the header has no parentheses
	HasInputList bool    // true when "Name(...)" was written, even "Name()"
	Expr         *Expr
}

// Ident is a name and where it is written.
type Ident struct {
	Name string
	Pos  token.Pos
}

// File holds the directives of one file, each list in source order.
type File struct {
	Stages      []*Stage
	Pipelines   []*Pipeline
	Distributes []*Distribute // see distribute.go
}

// prefix starts every directive. Without a space: "// pipegen:" is prose.
const prefix = "//pipegen:"

// Parse extracts every directive of f. It never panics and reports every
// problem it finds, sorted by position. It keeps going after an error:
//
//   - a directive that cannot be understood (unknown kind, misplaced stage
//     directive, second stage directive on a function, pipeline syntax
//     error) is dropped, and the others are still returned;
//   - a directive whose only problems are bad settings is still returned,
//     without those settings, so that later passes know the stage or
//     pipeline exists and do not report it as missing.
//
// Callers must therefore not generate code when any error is returned.
func Parse(fset *token.FileSet, f *ast.File) (*File, []*Error) {
	p := &fileParser{
		fset:    fset,
		file:    &File{},
		docs:    make(map[*ast.CommentGroup]*ast.FuncDecl),
		stageOf: make(map[*ast.FuncDecl]*Stage),
	}
	if f == nil {
		return p.file, nil
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Doc != nil {
			p.docs[fd.Doc] = fd
		}
	}
	for _, g := range commentGroups(f, p.docs) {
		p.group(g)
	}
	// Directives are visited in source order, but an error about a stage's
	// settings may come before one about its placement; sort for a stable,
	// readable report.
	slices.SortStableFunc(p.errs, func(a, b *Error) int { return cmp.Compare(a.Pos, b.Pos) })
	return p.file, p.errs
}

// commentGroups returns the comment groups of f in source order. The parser
// lists doc comments in f.Comments too, but an AST built or edited by hand
// may not, and a stage directive there must not be silently ignored.
func commentGroups(f *ast.File, docs map[*ast.CommentGroup]*ast.FuncDecl) []*ast.CommentGroup {
	seen := make(map[*ast.CommentGroup]bool, len(f.Comments))
	var groups []*ast.CommentGroup
	for _, g := range f.Comments {
		if g != nil && !seen[g] {
			seen[g] = true
			groups = append(groups, g)
		}
	}
	for g := range docs {
		if !seen[g] {
			seen[g] = true
			groups = append(groups, g)
		}
	}
	slices.SortStableFunc(groups, func(a, b *ast.CommentGroup) int { return cmp.Compare(a.Pos(), b.Pos()) })
	return groups
}

// fileParser holds the state of one Parse call.
type fileParser struct {
	fset    *token.FileSet
	file    *File
	errs    []*Error
	docs    map[*ast.CommentGroup]*ast.FuncDecl // doc comment -> its function
	stageOf map[*ast.FuncDecl]*Stage            // first stage directive of each function
}

func (p *fileParser) errorf(pos token.Pos, format string, args ...any) {
	p.errs = append(p.errs, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// lineCol formats pos as "line:col", for messages that refer to another
// place than the one they are reported at.
func (p *fileParser) lineCol(pos token.Pos) string {
	if p.fset == nil {
		return "?:?"
	}
	position := p.fset.Position(pos)
	return fmt.Sprintf("%d:%d", position.Line, position.Column)
}

// group parses the directives of one comment group.
func (p *fileParser) group(g *ast.CommentGroup) {
	for i := 0; i < len(g.List); i++ {
		c := g.List[i]
		if c == nil || !strings.HasPrefix(c.Text, prefix) {
			continue
		}
		kindEnd := len(prefix) + strings.IndexAny(c.Text[len(prefix):]+" ", " \t")
		kind := c.Text[len(prefix):kindEnd]
		switch k := Kind(kind); k {
		case Map, Filter, FlatMap, Each:
			p.stage(g, c, k, kindEnd)
		case "pipeline":
			// A pipeline may swallow the following lines of the group;
			// skip them so that they are not looked at twice.
			i += p.pipeline(g.List[i:], kindEnd)
		case "distribute":
			p.distribute(c, kindEnd)
		default:
			p.errorf(c.Slash+token.Pos(len(prefix)),
				"unknown directive %q; want map, filter, flatmap, each, pipeline or distribute", prefix+kind)
		}
	}
}

// stage parses the stage directive c of group g; its kind word ends at byte
// kindEnd of c.Text.
func (p *fileParser) stage(g *ast.CommentGroup, c *ast.Comment, kind Kind, kindEnd int) {
	fn := p.docs[g]
	if fn == nil {
		p.errorf(c.Slash, "%s%s must be in the doc comment directly above a function declaration", prefix, kind)
		return
	}
	s := &Stage{
		Kind:    kind,
		Pos:     c.Slash,
		KindPos: c.Slash + token.Pos(len(prefix)),
		Func:    fn,
	}
	// Settings are runs of anything but blanks; their syntax is checked by
	// keys, shared with pipeline overrides.
	var items []item
	text := c.Text
	for off := kindEnd; off < len(text); {
		if isBlank(text[off]) {
			off++
			continue
		}
		start := off
		if strings.HasPrefix(text[start:], "//") {
			// Go directives take no trailing comment: the rest of the
			// line would be read as settings, one error per word.
			p.errorf(c.Slash+token.Pos(start), "want key=value, got a comment: a directive line cannot hold a comment; put it on a line of its own")
			break
		}
		for off < len(text) && !isBlank(text[off]) {
			off++
		}
		items = append(items, item{text: text[start:off], pos: c.Slash + token.Pos(start)})
	}
	s.Keys, s.Rejected = p.keys(items, false)

	if first := p.stageOf[fn]; first != nil {
		p.errorf(c.Slash, "%s has more than one stage directive (first at %s)", funcName(fn), p.lineCol(first.Pos))
		return
	}
	p.stageOf[fn] = s
	p.file.Stages = append(p.file.Stages, s)
}

// funcName describes fn for messages: "function F" or "method T.M".
func funcName(fn *ast.FuncDecl) string {
	name := "?"
	if fn.Name != nil {
		name = fn.Name.Name
	}
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return "function " + name
	}
	if recv := recvTypeName(fn.Recv.List[0].Type); recv != "" {
		return "method " + recv + "." + name
	}
	return "method " + name
}

// recvTypeName returns the name of the base type of a receiver type
// expression such as T, *T or *T[P], or "" if it has an unexpected shape.
func recvTypeName(x ast.Expr) string {
	for {
		switch t := x.(type) {
		case *ast.Ident:
			return t.Name
		case *ast.StarExpr:
			x = t.X
		case *ast.ParenExpr:
			x = t.X
		case *ast.IndexExpr:
			x = t.X
		case *ast.IndexListExpr:
			x = t.X
		default:
			return ""
		}
	}
}

// isBlank reports whether b separates words in a directive. Only spaces and
// tabs do: anything else is part of a word, so that it shows up in an error
// rather than being silently skipped.
func isBlank(b byte) bool { return b == ' ' || b == '\t' }
