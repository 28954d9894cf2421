package generator

import (
	"fmt"
	"go/token"
	"go/types"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pipegen/pipegen/templates"
)

// names hands out package-level identifiers that collide neither with the
// user's declarations nor with each other.
type names struct {
	taken map[string]bool
}

func newNames(pkg *types.Package, pending map[string]bool) *names {
	n := &names{taken: map[string]bool{}}
	for _, name := range pkg.Scope().Names() {
		n.taken[name] = true
	}
	for name := range pending {
		n.taken[name] = true
	}
	return n
}

// get returns base, or base2, base3… when base is taken.
func (n *names) get(base string) string {
	name := base
	for i := 2; n.taken[name]; i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	n.taken[name] = true
	return name
}

// plan names everything to generate for the analyzed package and returns
// the model for the emitters.
func plan(fset *token.FileSet, pkg *types.Package, res *analysis) *templates.Package {
	n := newNames(pkg, res.pending)
	out := &templates.Package{Path: pkg.Path(), Name: pkg.Name()}

	// One queue type per element type, shared by all pipelines.
	queueFor := func(t types.Type) *templates.Queue {
		for _, q := range out.Queues {
			if types.Identical(q.Type, t) {
				return q
			}
		}
		base := templates.Ident(t)
		name := n.get(base + "Queue")
		q := &templates.Queue{Type: t, Name: name, New: n.get("new" + upperFirst(name))}
		out.Queues = append(out.Queues, q)
		return q
	}

	for _, def := range res.pipelines {
		base := lowerFirst(def.dir.Name.Name)
		p := &templates.Pipeline{
			Name:      def.dir.Name.Name,
			Expr:      def.dir.Expr.String(),
			Where:     where(fset, def.dir.Pos),
			RunType:   n.get(base + "Run"),
			StartFunc: n.get("start" + upperFirst(def.dir.Name.Name)),
			StagesVar: n.get(base + "Stages"),
		}
		p.Input = &templates.Input{Name: def.input, Type: def.inType, Feed: "feed"}

		// Members of the run struct only need to be unique within it.
		members := &names{taken: map[string]bool{"feed": true, "feedSeq2": true, "out": true, "Run": true}}
		seen := map[string]int{}
		for _, use := range def.stages {
			fn := use.fn
			seen[fn.name]++
			stageName := fn.name
			if k := seen[fn.name]; k > 1 {
				stageName = fmt.Sprintf("%s#%d", fn.name, k)
			}
			member := lowerFirst(fn.name)
			s := &templates.Stage{
				Name:    stageName,
				Func:    fn.name,
				Kind:    templates.Kind(fn.kind),
				Where:   where(fset, fn.dir.Pos),
				Ctx:     fn.ctx,
				Err:     fn.err,
				Flat:    fn.flat,
				Workers: use.workers,
				MaxSize: use.maxsize,
				Worker:  members.get(member + "Worker"),
				In:      &templates.Edge{Field: members.get(member + "In"), Queue: queueFor(use.in)},
			}
			if prev := len(p.Stages); prev > 0 {
				p.Stages[prev-1].Out = s.In
			}
			p.Stages = append(p.Stages, s)
		}
		if def.out != nil {
			p.Out = &templates.Edge{Field: "out", Queue: queueFor(def.out)}
			p.Stages[len(p.Stages)-1].Out = p.Out
		}
		out.Pipelines = append(out.Pipelines, p)
	}
	return out
}

// where formats pos as base-name:line, for doc comments that must not
// depend on where the package lives on disk.
func where(fset *token.FileSet, pos token.Pos) string {
	p := fset.Position(pos)
	return fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)
}

// lowerFirst turns an exported-style name into an unexported one, lowering
// a leading initialism as a whole: HTTPGet → httpGet, URL → url, X → x.
func lowerFirst(s string) string {
	runes := []rune(s)
	i := 0
	for i < len(runes) && unicode.IsUpper(runes[i]) {
		i++
	}
	if i > 1 && i < len(runes) {
		i-- // keep the last capital of a run: it starts the next word
	}
	for j := range i {
		runes[j] = unicode.ToLower(runes[j])
	}
	return string(runes)
}

// upperFirst capitalizes the first letter of s.
func upperFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return strings.ToUpper(string(r)) + s[size:]
}
