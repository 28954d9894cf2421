package generator

import (
	"fmt"
	"go/token"
	"go/types"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/pipegen/pipegen/generator/directive"
	pipegen "github.com/pipegen/pipegen/runtime"
	"github.com/pipegen/pipegen/templates"
)

// A pipeline expression describes a graph: inputs and stages are its nodes,
// and every node that consumes elements has one input queue, which any
// number of nodes may feed (concat). A node whose output feeds several
// queues broadcasts every element to all of them (a reused pipeline, an
// input named twice, a concat after a stage). This file builds that graph
// from a pipeline directive and checks it.

// pipelineDef is a checked pipeline: its graph.
type pipelineDef struct {
	dir    *directive.Pipeline
	inputs []*node
	// nodes are the stages, in the order the expression introduced them.
	nodes []*node
	// out is the queue the caller reads, nil when the pipeline ends in an
	// each stage.
	out *queue
}

type nodeKind int

const (
	inputNode nodeKind = iota
	stageNode
	orderedNode
)

// node is an input or a stage of a pipeline.
type node struct {
	kind nodeKind
	// name is the input's name, or the stage's name in options and errors
	// (its function's name, with #N for a repeated stage).
	name string
	pos  token.Pos
	// fn and the settings are those of a stage.
	fn          *stageFunc
	workers     int
	maxsize     int
	timeout     time.Duration
	timeoutFail bool
	// in is a stage's input queue.
	in *queue
	// out is the type of what the node yields: an input's element type
	// (nil until inferred), a stage's result element type (for a filter,
	// its input queue's type), nil for an each stage.
	out types.Type
	// targets are the queues the node sends its elements to.
	targets []target
	// depth is how many index levels the node's elements carry below
	// their source position (flatmaps and concats passed).
	depth int
	used  bool // for inputs: referenced
	// fused are the stages fused into this one, in order (see fuse).
	fused []*node
	// sources is the number of sources of an ordered term.
	sources int
	// orders are the ordered terms this node takes part in: as one of
	// their sources, or as a node between those sources and the term.
	orders []orderUse
}

// orderUse is a node's part in the bookkeeping of one ordered term.
type orderUse struct {
	o *node
	// copies is how many queues leading to o each element the node sends
	// goes to.
	copies int
	// source is the node's number among o's sources, -1 if it is not one.
	source int
}

// queue is the input queue of a stage, or the pipeline's output.
type queue struct {
	consumer  *node // nil for the output
	elem      types.Type
	producers []*node
}

// target is a queue a node sends to, with the concat branches each element
// passes on its way (innermost first): they become index levels.
type target struct {
	q        *queue
	branches []int
}

// stream is what a (sub-)expression yields: the nodes whose output it is,
// each with the concat branches on the way.
type stream struct {
	parts []part
	// elem is the element type, nil while it is made of inputs whose
	// type is not yet inferred.
	elem types.Type
	// each is the each stage that ended the stream: nothing flows on.
	each *node
}

type part struct {
	n        *node
	branches []int
}

// sharedKey identifies a built pipeline: its name and its upstream (nil
// when it reads inputs of the enclosing pipeline by name).
type sharedKey struct {
	name     string
	upstream *stream
}

// builder builds the graph of one pipeline.
type builder struct {
	a   *analyzer
	p   *directive.Pipeline
	def *pipelineDef
	ok  bool
	// shared maps a pipeline, with what flows into it, to the stream it
	// was built as: naming it again with the same input broadcasts that
	// stream instead of building it again.
	shared map[sharedKey]*stream
	// uses counts the stages built per function, to name repeats.
	uses map[string]int
	// path is the pipelines being expanded, to report cycles.
	path []string
	// reported are the positions errors were reported at.
	reported map[token.Pos]bool
	// orders counts the ordered terms, to name them.
	orders int
}

// pipeline builds and checks the graph of one pipeline directive; it
// returns nil after reporting errors.
func (a *analyzer) pipeline(p *directive.Pipeline) *pipelineDef {
	b := &builder{a: a, p: p, def: &pipelineDef{dir: p}, ok: true, shared: map[sharedKey]*stream{}, uses: map[string]int{}, path: []string{p.Name.Name}, reported: map[token.Pos]bool{}}
	if obj := a.pkg.Scope().Lookup(p.Name.Name); obj != nil {
		b.errorf(p.Name.Pos, "pipeline %s conflicts with %s declared at %s", p.Name.Name, objectKind(obj), a.where(obj.Pos()))
	}
	for _, suffix := range []string{"WithIndex", "Stages"} {
		if obj := a.pkg.Scope().Lookup(p.Name.Name + suffix); obj != nil {
			b.errorf(p.Name.Pos, "pipeline %s also generates %s%s, which conflicts with %s declared at %s", p.Name.Name, p.Name.Name, suffix, objectKind(obj), a.where(obj.Pos()))
		}
	}

	// The inputs: declared, or the one implicit input "in".
	env := map[string]*stream{}
	declared := p.Inputs
	if !p.HasInputList {
		declared = []directive.Ident{{Name: "in", Pos: p.Name.Pos}}
	}
	for _, in := range declared {
		if templates.Reserved(in.Name) {
			b.errorf(in.Pos, "input name %q is used by the generated code; choose another", in.Name)
		}
		if a.stages[in.Name] != nil || a.pipelines[in.Name] != nil {
			b.errorf(in.Pos, "input %s has the name of a stage or pipeline of the package; choose another", in.Name)
		}
		n := &node{kind: inputNode, name: in.Name, pos: in.Pos}
		b.def.inputs = append(b.def.inputs, n)
		env[in.Name] = &stream{parts: []part{{n: n}}}
	}
	if !b.ok {
		return nil
	}

	// A single input that the expression does not name feeds its first
	// term.
	var upstream *stream
	if len(b.def.inputs) == 1 && !mentions(p.Expr, b.def.inputs[0].name) {
		upstream = env[b.def.inputs[0].name]
		b.def.inputs[0].used = true
	}
	out := b.expr(p.Expr, upstream, env)
	if out == nil || !b.ok {
		return nil // an input may look unused only because building stopped
	}
	for _, in := range b.def.inputs {
		if !in.used {
			b.errorf(in.pos, "input %s is not used in the pipeline", in.name)
		}
	}
	if !b.ok {
		return nil
	}
	if out.each == nil {
		if out.elem == nil {
			b.errorf(p.Expr.Pos, "cannot infer the element type of pipeline %s: its inputs reach the output without passing a stage", p.Name.Name)
			return nil
		}
		b.def.out = &queue{}
		b.consume(out, b.def.out, p.Expr.Pos)
		depth := 0
		for _, part := range out.parts {
			depth = max(depth, part.n.depth+len(part.branches))
		}
		if depth > pipegen.MaxIndexDepth {
			b.errorf(p.Expr.Pos, "elements reaching the output of %s have passed more than %d flatmap and concat levels; element indices cannot hold more", p.Name.Name, pipegen.MaxIndexDepth)
			return nil
		}
	}
	for _, in := range b.def.inputs {
		if in.out == nil && b.ok {
			b.errorf(in.pos, "cannot infer the element type of input %s", in.name)
		}
	}
	if !b.ok {
		return nil
	}
	return b.def
}

func (b *builder) errorf(pos token.Pos, format string, args ...any) {
	b.a.errorf(pos, format, args...)
	b.reported[pos] = true
	b.ok = false
}

// mentions reports whether e names name anywhere (concat branches included).
func mentions(e *directive.Expr, name string) bool {
	for _, t := range e.Terms {
		switch t := t.(type) {
		case *directive.Ref:
			if t.Name == name {
				return true
			}
		case *directive.Concat:
			for _, br := range t.Branches {
				if mentions(br, name) {
					return true
				}
			}
		}
	}
	return false
}

// expr builds the terms of e, the first fed by upstream (nil when e must
// start with an input or a pipeline). env maps input names to their
// streams. It returns nil after reporting an error.
func (b *builder) expr(e *directive.Expr, upstream *stream, env map[string]*stream) *stream {
	cur := upstream
	for _, t := range e.Terms {
		if cur != nil && cur.each != nil {
			b.errorf(t.Position(), "%s follows each stage %s, which yields no elements: each must be the last stage", t, cur.each.name)
			return nil
		}
		var next *stream
		switch t := t.(type) {
		case *directive.Ordered:
			next = b.ordered(t, cur)
		case *directive.Concat:
			next = b.concat(t, cur, env)
		case *directive.Ref:
			next = b.ref(t, cur, env)
		}
		if next == nil {
			b.reportUnknown(e.Terms, upstream == nil, env)
			return nil
		}
		cur = next
	}
	return cur
}

// reportUnknown reports the names in terms that are nothing at all, once
// building stopped at an error: typos are best fixed all at once. head
// says the first term has nothing flowing in; env maps the names of the
// inputs in scope to their streams.
func (b *builder) reportUnknown(terms []directive.Term, head bool, env map[string]*stream) {
	for i, t := range terms {
		switch t := t.(type) {
		case *directive.Ref:
			if b.a.stages[t.Name] == nil && b.a.pipelines[t.Name] == nil && !b.a.badStages[t.Name] &&
				!b.reported[t.Pos] && env[t.Name] == nil {
				b.errorf(t.Pos, "%s", b.unknown(t.Name, head && i == 0, env))
			}
		case *directive.Concat:
			for _, br := range t.Branches {
				b.reportUnknown(br.Terms, head && i == 0, env)
			}
		}
	}
}

// unknown is the message for a name that is no stage, pipeline or input in
// scope (env). head says the name starts a branch with nothing flowing in,
// where an input goes: the message then says how to declare it as one, in
// the directive of the pipeline being built (the inlined one, inside an
// inlined pipeline).
func (b *builder) unknown(name string, head bool, env map[string]*stream) string {
	declare := ""
	if head {
		d := b.p
		if len(b.path) > 1 {
			d = b.a.pipelines[b.path[len(b.path)-1]]
		}
		var inputs []string
		for _, in := range d.Inputs {
			inputs = append(inputs, in.Name)
		}
		if !d.HasInputList {
			inputs = []string{"in"}
		}
		declare = fmt.Sprintf("to read another input, declare it: %s(%s)", d.Name.Name, strings.Join(append(inputs, name), ", "))
	}
	return b.a.unknownName(name, slices.Sorted(maps.Keys(env)), declare)
}

// ref builds a term that names an input, a stage or a pipeline.
func (b *builder) ref(t *directive.Ref, cur *stream, env map[string]*stream) *stream {
	if in, isInput := env[t.Name]; isInput {
		if cur != nil {
			b.errorf(t.Pos, "input %s can only start a branch: it cannot follow other terms", t.Name)
			return nil
		}
		if t.Lparen.IsValid() {
			b.errorf(t.Lparen, "input %s takes no settings; set them on the stage it feeds", t.Name)
			return nil
		}
		for _, p := range in.parts {
			p.n.used = true
		}
		return in
	}
	if fn := b.a.stages[t.Name]; fn != nil {
		if cur == nil {
			b.errorf(t.Pos, "stage %s has nothing to read: start with an input (or a pipeline) before it", t.Name)
			return nil
		}
		return b.stage(fn, t, cur)
	}
	if sub := b.a.pipelines[t.Name]; sub != nil {
		return b.inline(sub, t, cur, env)
	}
	if !b.a.badStages[t.Name] {
		b.errorf(t.Pos, "%s", b.unknown(t.Name, cur == nil, env))
	} else {
		b.ok = false
	}
	return nil
}

// stage builds a stage node fed by cur.
func (b *builder) stage(fn *stageFunc, t *directive.Ref, cur *stream) *stream {
	b.uses[fn.name]++
	name := fn.name
	if k := b.uses[fn.name]; k > 1 {
		name = fmt.Sprintf("%s#%d", fn.name, k)
	}
	n := &node{kind: stageNode, name: name, pos: t.Pos, fn: fn, workers: fn.workers, maxsize: fn.maxsize,
		timeout: fn.timeout, timeoutFail: fn.timeoutFail}
	for _, k := range t.Args {
		switch k.Name {
		case "workers":
			n.workers = k.Int
		case "maxsize":
			n.maxsize = k.Int
		case "timeout":
			if !fn.ctx {
				b.errorf(k.NamePos, "timeout needs a context: %s must take a leading context.Context, which carries the deadline", fn.name)
			}
			n.timeout = k.Duration
		case "ontimeout":
			n.timeoutFail = k.Value == "fail"
		default:
			b.errorf(k.NamePos, "key %q cannot be set in a pipeline", k.Name)
		}
	}
	if n.timeoutFail && n.timeout == 0 {
		b.errorf(t.Pos, "ontimeout without timeout: set timeout=D too")
	}
	n.in = &queue{consumer: n}
	if !b.consume(cur, n.in, t.Pos) {
		return nil
	}
	for _, p := range cur.parts {
		n.depth = max(n.depth, p.n.depth+len(p.branches))
	}
	if fn.kind == directive.FlatMap {
		n.depth++
	}
	if n.depth > pipegen.MaxIndexDepth {
		b.errorf(t.Pos, "elements reaching %s have passed more than %d flatmap and concat levels; element indices cannot hold more", name, pipegen.MaxIndexDepth)
		return nil
	}
	b.def.nodes = append(b.def.nodes, n)
	switch fn.kind {
	case directive.Each:
		return &stream{parts: []part{{n: n}}, each: n}
	case directive.Filter:
		n.out = n.in.elem
	default:
		n.out = fn.out
	}
	return &stream{parts: []part{{n: n}}, elem: n.out}
}

// ordered builds an ordered term fed by cur: it restores the order of the
// elements by index, from the nearest inputs or ordered terms upstream.
func (b *builder) ordered(t *directive.Ordered, cur *stream) *stream {
	if cur == nil {
		b.errorf(t.Pos, "ordered has nothing to order: put it after an input or a stage")
		return nil
	}
	if len(cur.parts) == 1 && len(cur.parts[0].branches) == 0 && cur.parts[0].n.kind == orderedNode {
		b.errorf(t.Pos, "ordered right after another ordered (at %s) does nothing: the elements are in source order already; remove one", b.a.where(cur.parts[0].n.pos))
		return nil
	}
	b.orders++
	n := &node{kind: orderedNode, name: fmt.Sprintf("ordered#%d", b.orders), pos: t.Pos}
	if cur.elem == nil {
		b.errorf(t.Pos, "cannot infer the element type of the inputs before ordered: an input takes its type from the stage it feeds, so put a stage before ordered (inputs are read in order anyway)")
		return nil
	}
	n.in = &queue{consumer: n}
	b.consume(cur, n.in, t.Pos)
	for _, p := range cur.parts {
		n.depth = max(n.depth, p.n.depth+len(p.branches))
	}
	if n.depth > pipegen.MaxIndexDepth {
		b.errorf(t.Pos, "elements reaching ordered have passed more than %d flatmap and concat levels; element indices cannot hold more", pipegen.MaxIndexDepth)
		return nil
	}
	n.out = cur.elem
	b.def.nodes = append(b.def.nodes, n)

	// The region of the term: every node upstream of it, up to its
	// sources, the inputs and ordered terms it meets.
	region := map[*node]bool{}
	var sources []*node
	var walk func(q *queue)
	walk = func(q *queue) {
		for _, p := range q.producers {
			if region[p] || slices.Contains(sources, p) {
				continue
			}
			if p.kind == inputNode || p.kind == orderedNode {
				sources = append(sources, p)
				continue
			}
			region[p] = true
			walk(p.in)
		}
	}
	walk(n.in)
	copies := func(m *node) int {
		c := 0
		for _, t := range m.targets {
			if t.q.consumer == n || region[t.q.consumer] {
				c++
			}
		}
		return c
	}
	for k, src := range sources {
		src.orders = append(src.orders, orderUse{o: n, copies: copies(src), source: k})
	}
	for _, m := range b.def.nodes {
		if region[m] {
			m.orders = append(m.orders, orderUse{o: n, copies: copies(m), source: -1})
		}
	}
	n.sources = len(sources)
	return &stream{parts: []part{{n: n}}, elem: n.out}
}

// consume connects the nodes of s to q, checking that q's consumer takes
// what s yields and inferring the types of inputs from it.
func (b *builder) consume(s *stream, q *queue, pos token.Pos) bool {
	if s.elem == nil && q.consumer != nil && q.consumer.fn != nil {
		b.setInputTypes(s, q.consumer.fn.in)
	}
	if q.consumer != nil && q.consumer.fn != nil && !types.AssignableTo(s.elem, q.consumer.fn.in) {
		b.errorf(pos, "type mismatch: %s yields %s but %s takes %s", describe(s), b.a.typeString(s.elem), q.consumer.fn.name, b.a.typeString(q.consumer.fn.in))
		return false
	}
	q.elem = s.elem
	for _, p := range s.parts {
		p.n.targets = append(p.n.targets, target{q: q, branches: p.branches})
		if !slices.Contains(q.producers, p.n) {
			q.producers = append(q.producers, p.n)
		}
	}
	return true
}

// setInputTypes gives the inputs of s whose type is not yet known the type
// t, and makes t the stream's type.
func (b *builder) setInputTypes(s *stream, t types.Type) {
	for _, p := range s.parts {
		if p.n.kind == inputNode && p.n.out == nil {
			p.n.out = t
		}
	}
	s.elem = t
}

// describe names what a stream is made of, for messages.
func describe(s *stream) string {
	var names []string
	for _, p := range s.parts {
		if !slices.Contains(names, p.n.displayName()) {
			names = append(names, p.n.displayName())
		}
	}
	return strings.Join(names, " and ")
}

func (n *node) displayName() string {
	if n.kind == inputNode {
		return "input " + n.name
	}
	return n.name
}

// concat builds concat(branch, ...): every branch starts from cur (if
// any), and their outputs are merged, each element's index recording its
// branch.
func (b *builder) concat(t *directive.Concat, cur *stream, env map[string]*stream) *stream {
	out := &stream{}
	var branches []*stream
	for i, br := range t.Branches {
		s := b.expr(br, cur, env)
		if s == nil {
			return nil
		}
		if s.each != nil {
			b.errorf(br.Pos, "concat branch %d ends in each stage %s, which yields no elements: each must be the last stage of the pipeline, after the concat", i+1, s.each.name)
			return nil
		}
		branches = append(branches, s)
		for _, p := range s.parts {
			out.parts = append(out.parts, part{n: p.n, branches: append(slices.Clip(p.branches), i)})
		}
	}
	// Branch types must agree exactly: the merged queue has one type.
	for i, s := range branches {
		if s.elem == nil {
			continue
		}
		if out.elem == nil {
			out.elem = s.elem
		} else if !types.Identical(out.elem, s.elem) {
			b.errorf(t.Branches[i].Pos, "concat branch %d yields %s but branch 1 yields %s: all branches must yield the same type",
				i+1, b.a.typeString(s.elem), b.a.typeString(out.elem))
			return nil
		}
	}
	if out.elem != nil {
		for _, s := range branches {
			if s.elem == nil {
				b.setInputTypes(s, out.elem)
			}
		}
	}
	return out
}

// inline builds another pipeline in place. Named first (no upstream), it
// reads the inputs of the same names; named after other terms, it reads
// what flows in (it must have one input). Named again with the same
// input, it is not built again: its output is broadcast.
func (b *builder) inline(sub *directive.Pipeline, t *directive.Ref, cur *stream, env map[string]*stream) *stream {
	if slices.Contains(b.path, t.Name) {
		b.errorf(t.Pos, "pipeline cycle: %s", strings.Join(append(slices.Clip(b.path), t.Name), " → "))
		return nil
	}
	if t.Lparen.IsValid() {
		b.errorf(t.Lparen, "pipeline %s takes no settings; override the settings of its stages in its own directive", t.Name)
		return nil
	}
	subInputs := sub.Inputs
	if !sub.HasInputList {
		subInputs = []directive.Ident{{Name: "in", Pos: sub.Name.Pos}}
	}
	key := sharedKey{t.Name, cur}
	if s, built := b.shared[key]; built {
		return s
	}
	subEnv := map[string]*stream{}
	if cur == nil {
		for _, in := range subInputs {
			s, ok := env[in.Name]
			if !ok {
				b.errorf(t.Pos, "pipeline %s reads input %s, which is not an input here: name it after other terms, or declare the input", t.Name, in.Name)
				return nil
			}
			subEnv[in.Name] = s
		}
	} else {
		if len(subInputs) != 1 {
			b.errorf(t.Pos, "pipeline %s has %d inputs and cannot follow other terms", t.Name, len(subInputs))
			return nil
		}
		subEnv[subInputs[0].Name] = cur
	}
	var upstream *stream
	if len(subInputs) == 1 && !mentions(sub.Expr, subInputs[0].Name) {
		upstream = subEnv[subInputs[0].Name]
		for _, p := range upstream.parts {
			p.n.used = true
		}
	}
	b.path = append(b.path, t.Name)
	s := b.expr(sub.Expr, upstream, subEnv)
	b.path = b.path[:len(b.path)-1]
	if s != nil {
		b.shared[key] = s
	}
	return s
}
