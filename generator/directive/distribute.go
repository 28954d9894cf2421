package directive

import (
	"go/ast"
	"go/token"
	"strings"
)

// Distribute is a distribute directive, //pipegen:distribute Name: the
// pipeline Name also runs on worker processes (see pipegen.Transport).
type Distribute struct {
	Pos  token.Pos // the "//" of the directive
	Name Ident     // the pipeline
}

// distribute parses the distribute directive c, whose kind word ends at
// byte kindEnd of its text.
func (p *fileParser) distribute(c *ast.Comment, kindEnd int) {
	text := c.Text
	off := kindEnd
	for off < len(text) && isBlank(text[off]) {
		off++
	}
	if off == len(text) {
		p.errorf(c.Slash+token.Pos(len(prefix)), "%sdistribute needs the name of a pipeline: //pipegen:distribute Name", prefix)
		return
	}
	start := off
	for off < len(text) && !isBlank(text[off]) {
		off++
	}
	name := text[start:off]
	if !token.IsIdentifier(name) {
		p.errorf(c.Slash+token.Pos(start), "want a pipeline name after %sdistribute, got %q", prefix, name)
		return
	}
	if rest := strings.TrimLeft(text[off:], " \t"); rest != "" {
		p.errorf(c.Slash+token.Pos(len(text)-len(rest)), "unexpected %q after the pipeline name: //pipegen:distribute takes one pipeline and no settings", rest)
		return
	}
	p.file.Distributes = append(p.file.Distributes, &Distribute{Pos: c.Slash, Name: Ident{Name: name, Pos: c.Slash + token.Pos(start)}})
}
