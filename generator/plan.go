package generator

import (
	"fmt"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
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

	// One item type per element type and what travels with it, shared by
	// all pipelines.
	itemFor := func(t types.Type, depth int, shares int, mark bool) *templates.Item {
		indexed := depth < 0
		for _, it := range out.Items {
			if types.Identical(it.Type, t) && it.Indexed == indexed && it.Depth == depth && it.Shares == shares && it.Mark == mark {
				return it
			}
		}
		suffix := ""
		switch {
		case indexed:
			suffix += "Indexed"
		case depth > 0:
			suffix += fmt.Sprintf("Depth%d", depth)
		}
		switch {
		case mark:
			suffix += "Term"
		case shares > 0:
			suffix += "Ordered"
		}
		if shares > 1 {
			suffix += fmt.Sprint(shares)
		}
		it := &templates.Item{Type: t, Name: n.get(templates.Ident(t) + suffix + "Item"), Indexed: indexed, Depth: max(depth, 0), Shares: shares, Mark: mark}
		out.Items = append(out.Items, it)
		return it
	}

	for _, def := range res.pipelines {
		if res.inlinedOnly[def] {
			continue
		}
		out.Pipelines = append(out.Pipelines, planPipeline(fset, n, def, itemFor))
	}
	planDistributions(fset, n, res, out)
	return out
}

// planPipeline names the parts of one pipeline and turns its graph into
// the model.
func planPipeline(fset *token.FileSet, n *names, def *pipelineDef, itemFor func(t types.Type, depth int, shares int, mark bool) *templates.Item) *templates.Pipeline {
	name := def.dir.Name.Name
	base := lowerFirst(name)
	p := &templates.Pipeline{
		Name:      name,
		Expr:      def.dir.Expr.String(),
		Where:     where(fset, def.dir.Pos),
		RunType:   n.get(base + "Run"),
		StartFunc: n.get("start" + upperFirst(name)),
		StagesVar: n.get(base + "StageSettings"),
		NamesVar:  name + "Stages", // checked to be free by analyze
	}
	// Members of the run struct only need to be unique within it; the
	// promoted methods of pipegenimpl.Run are all exported, ours are not.
	members := &names{taken: map[string]bool{"out": true}}

	// The ordered terms, first, so that edges can name them.
	terms := map[*node]*templates.Stage{}
	for _, nd := range def.nodes {
		if nd.kind == orderedNode {
			terms[nd] = &templates.Stage{
				Name:       nd.name,
				Kind:       templates.Ordered,
				Where:      where(fset, nd.pos),
				Worker:     members.get("orderedWorker"),
				OrderField: members.get("order"),
				Sources:    nd.sources,
				Workers:    1,
				TermNo:     len(terms) + 1,
			}
		}
	}
	// termsOf lists the ordered terms whose shares the items of q carry:
	// the terms q leads to without passing another source of theirs.
	termsOf := func(q *queue) []*templates.Stage {
		var list []*templates.Stage
		if q.consumer == nil {
			return nil
		}
		if q.consumer.kind == orderedNode {
			return []*templates.Stage{terms[q.consumer]}
		}
		for _, u := range q.consumer.orders {
			if u.source < 0 {
				list = append(list, terms[u.o])
			}
		}
		return list
	}
	// depthOf is the number of index levels below the source position
	// that every element of q has, or -1 when that varies (a concat of
	// branches of different depths, and everything downstream of one).
	depths := map[*queue]int{}
	var depthOf func(q *queue) int
	depthOf = func(q *queue) int {
		if d, ok := depths[q]; ok {
			return d
		}
		depth := -2
		for _, p := range q.producers {
			out := p.depth
			if p.kind != inputNode && depthOf(p.in) < 0 {
				out = -1
			}
			for _, t := range p.targets {
				if t.q != q {
					continue
				}
				d := out + len(t.branches)
				if out < 0 {
					d = -1
				}
				switch {
				case depth == -2:
					depth = d
				case depth != d:
					depth = -1
				}
			}
		}
		depths[q] = max(depth, -1)
		return depths[q]
	}
	edges := map[*queue]*templates.Edge{}
	edgeFor := func(q *queue) *templates.Edge {
		if e := edges[q]; e != nil {
			return e
		}
		// Items carry their source position and the levels below it when
		// every element of the queue has as many (flatmap children,
		// concat branches); a full pipegen.Index when that varies.
		depth := depthOf(q)
		ts := termsOf(q)
		mark := q.consumer != nil && q.consumer.kind == orderedNode
		e := &templates.Edge{Item: itemFor(q.elem, depth, len(ts), mark), Terms: ts}
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
		edges[q] = e
		return e
	}
	orders := func(nd *node) []*templates.OrderUse {
		var list []*templates.OrderUse
		for _, u := range nd.orders {
			list = append(list, &templates.OrderUse{Term: terms[u.o], Copies: u.copies, Source: u.source})
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
	// extra lists the inputs of the ordered terms a node sends tombstones
	// or the end of a source to.
	extra := func(nd *node) []*templates.Edge {
		var list []*templates.Edge
		for _, u := range nd.orders {
			list = append(list, edgeFor(u.o.in))
		}
		return list
	}
	// producer counts the goroutines of a node as producers of every
	// queue it sends to.
	producer := func(nd *node, ts []*templates.Target, ex []*templates.Edge) {
		var seen []*templates.Edge
		for _, t := range ts {
			seen = append(seen, t.Edge)
		}
		seen = append(seen, ex...)
		var done []*templates.Edge
		for _, e := range seen {
			if slices.Contains(done, e) {
				continue
			}
			done = append(done, e)
			if nd.kind == stageNode {
				e.ProducerStages = append(e.ProducerStages, nd.name)
			} else {
				e.ProducerSingles++
			}
		}
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
			st := terms[nd]
			st.In = edgeFor(nd.in)
			p.Stages = append(p.Stages, st)
			continue
		}
		st := stageModel(fset, nd, members)
		st.In = edgeFor(nd.in)
		for _, f := range nd.fused {
			st.Fused = append(st.Fused, stageModel(fset, f, nil))
		}
		p.Stages = append(p.Stages, st)
	}
	// The fields of the typed stage names: the stage's name, capitalized,
	// without the # of a repeated stage (Square#2 is Square2).
	fields := map[string]bool{}
	for _, st := range p.Stages {
		if st.Kind == templates.Ordered {
			continue
		}
		for _, s := range append([]*templates.Stage{st}, st.Fused...) {
			base := upperFirst(strings.ReplaceAll(s.Name, "#", ""))
			f := base
			for i := 2; fields[f]; i++ {
				f = fmt.Sprintf("%s_%d", base, i)
			}
			fields[f] = true
			p.StageFields = append(p.StageFields, f)
		}
	}
	// Targets after every input edge exists, so that fields are named in
	// stage order.
	for i, in := range def.inputs {
		p.Inputs[i].Targets = targets(in)
		p.Inputs[i].Orders = orders(in)
		p.Inputs[i].Extra = extra(in)
		producer(in, p.Inputs[i].Targets, p.Inputs[i].Extra)
	}
	for i, nd := range def.nodes {
		p.Stages[i].Targets = targets(nd)
		p.Stages[i].Orders = orders(nd)
		p.Stages[i].Extra = extra(nd)
		producer(nd, p.Stages[i].Targets, p.Stages[i].Extra)
	}
	if def.out != nil {
		p.Out = edgeFor(def.out)
		last := def.out.producers
		p.Ordered = len(last) == 1 && last[0].kind == orderedNode
		if t := terms[last[0]]; p.Ordered && len(t.Orders) == 0 && len(t.Targets) == 1 && len(t.Targets[0].Branches) == 0 {
			// The term sends only to the caller: let the caller order.
			p.CallerTerm = t
			p.Out.ProducerSingles = 0
		}
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
