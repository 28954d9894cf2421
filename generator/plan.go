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
	// user are the package-level names of the user's package.
	user map[string]bool
}

func newNames(pkg *types.Package, pending map[string]bool) *names {
	n := &names{taken: map[string]bool{}, user: map[string]bool{}}
	for _, name := range pkg.Scope().Names() {
		n.taken[name] = true
		n.user[name] = true
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

// local returns base, or base2, base3… when the user's package declares
// base: for identifiers of function scope, such as type parameters, that
// must not hide a package-level name the function may refer to.
func (n *names) local(base string) string {
	name := base
	for i := 2; n.user[name]; i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
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
		q := &templates.Queue{Type: t, Name: name, New: n.get("new" + upperFirst(name)),
			Writer: n.get(base + "Writer"), Reader: n.get(base + "Reader")}
		out.Queues = append(out.Queues, q)
		return q
	}

	for _, def := range res.pipelines {
		out.Pipelines = append(out.Pipelines, planPipeline(fset, n, def, queueFor))
	}
	planDistributions(fset, n, res, out)
	return out
}

// planPipeline names the parts of one pipeline and turns its graph into
// the model.
func planPipeline(fset *token.FileSet, n *names, def *pipelineDef, queueFor func(types.Type) *templates.Queue) *templates.Pipeline {
	name := def.dir.Name.Name
	base := lowerFirst(name)
	p := &templates.Pipeline{
		Name:      name,
		Expr:      def.dir.Expr.String(),
		Where:     where(fset, def.dir.Pos),
		RunType:   n.get(base + "Run"),
		StartFunc: n.get("start" + upperFirst(name)),
		StagesVar: n.get(base + "Stages"),
	}
	// Members of the run struct only need to be unique within it; the
	// promoted methods of pipegen.Run are all exported, ours are not.
	members := &names{taken: map[string]bool{"out": true}}

	edges := map[*queue]*templates.Edge{}
	edgeFor := func(q *queue) *templates.Edge {
		if e := edges[q]; e != nil {
			return e
		}
		e := &templates.Edge{Queue: queueFor(q.elem)}
		switch {
		case q.consumer == nil:
			e.Field = "out"
		case q.consumer.kind == orderedNode:
			e.Consumer = q.consumer.name
			e.Ordered = true
			e.Field = members.get("orderedIn")
		default:
			e.Consumer = q.consumer.name
			e.Field = members.get(lowerFirst(q.consumer.fn.name) + "In")
		}
		for _, prod := range q.producers {
			if prod.kind == stageNode {
				e.ProducerStages = append(e.ProducerStages, prod.name)
			} else {
				e.ProducerSingles++
			}
		}
		edges[q] = e
		return e
	}
	orderFields := map[*node]string{}
	orders := func(nd *node) []*templates.OrderUse {
		var list []*templates.OrderUse
		for _, u := range nd.orders {
			list = append(list, &templates.OrderUse{Field: orderFields[u.o], Copies: u.copies, Source: u.source})
		}
		return list
	}
	targets := func(nd *node) []*templates.Target {
		var ts []*templates.Target
		for _, t := range nd.targets {
			ts = append(ts, &templates.Target{Edge: edgeFor(t.q), Branches: t.branches})
		}
		return ts
	}

	for _, in := range def.inputs {
		typeParam, feed := "In", "feed"
		if len(def.inputs) > 1 {
			typeParam, feed = "In"+upperFirst(in.name), "feed"+upperFirst(in.name)
		}
		p.Inputs = append(p.Inputs, &templates.Input{
			Name:      in.name,
			Type:      in.out,
			TypeParam: n.local(typeParam),
			Feed:      members.get(feed),
		})
	}
	for _, nd := range def.nodes {
		if nd.kind == orderedNode {
			orderFields[nd] = members.get("order")
			p.Stages = append(p.Stages, &templates.Stage{
				Name:       nd.name,
				Kind:       templates.Ordered,
				Where:      where(fset, nd.pos),
				Worker:     members.get("orderedWorker"),
				In:         edgeFor(nd.in),
				OrderField: orderFields[nd],
				Sources:    nd.sources,
				Workers:    1,
			})
			continue
		}
		st := stageModel(fset, nd, members)
		st.In = edgeFor(nd.in)
		for _, f := range nd.fused {
			st.Fused = append(st.Fused, stageModel(fset, f, nil))
		}
		p.Stages = append(p.Stages, st)
	}
	// Targets after every input edge exists, so that fields are named in
	// stage order.
	for i, in := range def.inputs {
		p.Inputs[i].Targets = targets(in)
		p.Inputs[i].Orders = orders(in)
	}
	for i, nd := range def.nodes {
		p.Stages[i].Targets = targets(nd)
		p.Stages[i].Orders = orders(nd)
	}
	if def.out != nil {
		p.Out = edgeFor(def.out)
		last := def.out.producers
		p.Ordered = len(last) == 1 && last[0].kind == orderedNode
	}
	return p
}

// stageModel is the model of a stage node, without its queues. members
// names its worker method; nil for a stage fused into another, which has
// none.
func stageModel(fset *token.FileSet, nd *node, members *names) *templates.Stage {
	fn := nd.fn
	st := &templates.Stage{
		Name:        nd.name,
		Func:        fn.name,
		Kind:        templates.Kind(fn.kind),
		Where:       where(fset, fn.dir.Pos),
		Ctx:         fn.ctx,
		Err:         fn.err,
		Flat:        fn.flat,
		Index:       fn.index,
		Start:       fn.start,
		Done:        fn.done,
		Timeout:     nd.timeout,
		TimeoutFail: nd.timeoutFail,
		Workers:     nd.workers,
		MaxSize:     nd.maxsize,
	}
	if members != nil {
		st.Worker = members.get(lowerFirst(fn.name) + "Worker")
	}
	return st
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
