package harness

import (
	"fmt"
	"os"
	"slices"
	"time"
)

// DepthError is Build's error for a pipeline whose elements pass more
// than MaxDepth flatmap and concat levels before they reach a stage, an
// ordered term or the output. pipegen rejects such a pipeline with this
// error's message, at that term; Draw keeps the pipelines it draws that
// way in Spec.Rejected, and the tester requires that rejection. (pipegen
// once accepted such pipelines at the output and at ordered, and silently
// dropped the deepest index position: BUGS.md, 5.)
type DepthError struct {
	// Where names the term as pipegen's message does: the stage's name
	// ("s3#2"), "ordered", or "the output of P".
	Where string
}

func (e *DepthError) Error() string {
	return fmt.Sprintf("elements reaching %s have passed more than %d flatmap and concat levels; element indices cannot hold more", e.Where, MaxDepth)
}

// MaxDepth is pipegen.MaxIndexDepth, which the generator enforces: a
// pipeline whose elements pass more flatmap and concat levels is an error.
const MaxDepth = 7

// NodeKind is the kind of a node of a pipeline's graph.
type NodeKind int

// The node kinds.
const (
	NInput NodeKind = iota
	NStage
	NOrdered
)

// Node is one input, stage use or ordered term of a pipeline, as pipegen
// builds it: a pipeline named twice with the same upstream is built once,
// and a function named twice gives two stage uses, "s3" and "s3#2".
type Node struct {
	Kind NodeKind
	// Name is the input's name, or the stage's name in options and errors.
	Name string
	// Func is the stage's function; Input the input's position.
	Func  *Func
	Input int
	// Workers, MaxSize, Timeout and Fail are the stage's settings from its
	// directive and the pipeline's overrides (not run-time options).
	Workers int
	MaxSize int
	Timeout time.Duration
	Fail    bool
	// In are what the node reads; Targets counts its consumers.
	In      []Part
	Targets int
	Depth   int
	// MayBeFused: pipegen may run the stage in the workers of the stage
	// before it (a conservative guess), so run-time options must not name
	// it.
	MayBeFused bool
	// FusedHead: some stage may be fused into this one.
	FusedHead bool
}

// Part is one producer of a stream, with the concat branches its elements
// take on the way.
type Part struct {
	N        *Node
	Branches []int
}

// Graph is a pipeline built as pipegen builds it, ready to be evaluated.
type Graph struct {
	P     *Pipeline
	Nodes []*Node // in build order, which is topological
	// Out is the pipeline's output stream; Each its final each stage, if
	// any.
	Out  []Part
	Each *Node
	// Uses maps a function ID to its stage uses.
	Uses map[int][]*Node
}

// stream is what a term yields, as in pipegen's builder: its identity
// matters, because reuse is recognised by the upstream stream.
type stream struct {
	parts []Part
	each  *Node
}

type sharedKey struct {
	name string
	cur  *stream
}

type builder struct {
	spec   *Spec
	g      *Graph
	shared map[sharedKey]*stream
	uses   map[string]int
	orders int
	noFuse bool
}

// Build builds the graph of pipeline p of spec, or returns an error for a
// pipeline that pipegen would reject for its depth (a *DepthError) or for
// an ordered term right after another.
func Build(spec *Spec, p *Pipeline) (*Graph, error) {
	b := &builder{spec: spec, g: &Graph{P: p, Uses: map[int][]*Node{}}, shared: map[sharedKey]*stream{}, uses: map[string]int{}, noFuse: spec.NoFuse}
	env := map[string]*stream{}
	for i, name := range p.Inputs {
		n := &Node{Kind: NInput, Name: name, Input: i}
		b.g.Nodes = append(b.g.Nodes, n)
		env[name] = &stream{parts: []Part{{N: n}}}
	}
	var up *stream
	if len(p.Inputs) == 1 && !mentions(p.Expr, p.Inputs[0]) {
		up = env[p.Inputs[0]]
	}
	out, err := b.expr(p.Expr, up, env)
	if err != nil {
		return nil, err
	}
	for _, pt := range out.parts {
		if pt.N.Depth+len(pt.Branches) > MaxDepth {
			return nil, &DepthError{Where: "the output of " + p.Name}
		}
	}
	if out.each != nil {
		b.g.Each = out.each
	} else {
		b.g.Out = out.parts
		for _, pt := range out.parts {
			pt.N.Targets++
		}
	}
	b.guessFusion()
	return b.g, nil
}

// mentions reports whether e names name anywhere.
func mentions(e Expr, name string) bool {
	for _, t := range e {
		if (t.Op == OpInput || t.Op == OpPipe) && t.Name == name {
			return true
		}
		for _, br := range t.Branches {
			if mentions(br, name) {
				return true
			}
		}
	}
	return false
}

func (b *builder) expr(e Expr, up *stream, env map[string]*stream) (*stream, error) {
	cur := up
	for _, t := range e {
		var err error
		switch t.Op {
		case OpInput:
			s, ok := env[t.Name]
			if !ok || cur != nil {
				return nil, fmt.Errorf("bad input term %s", t.Name)
			}
			cur = s
		case OpStage:
			cur, err = b.stage(b.spec.Func(t.Func), t, cur)
		case OpPipe:
			cur, err = b.inline(t, cur, env)
		case OpOrdered:
			if len(cur.parts) == 1 && len(cur.parts[0].Branches) == 0 && cur.parts[0].N.Kind == NOrdered {
				return nil, fmt.Errorf("ordered right after another ordered")
			}
			cur, err = b.ordered(cur)
		case OpConcat:
			cur, err = b.concat(t, cur, env)
		}
		if err != nil {
			return nil, err
		}
	}
	return cur, nil
}

func (b *builder) stage(f *Func, t *Term, cur *stream) (*stream, error) {
	b.uses[f.Name()]++
	name := f.Name()
	if k := b.uses[f.Name()]; k > 1 {
		name = fmt.Sprintf("%s#%d", name, k)
	}
	n := &Node{Kind: NStage, Name: name, Func: f, Workers: max(f.Workers, 1), MaxSize: f.MaxSize, Timeout: f.Timeout(), Fail: f.TimeoutFail}
	if n.MaxSize < 0 {
		n.MaxSize = 64
	}
	if o := t.Over; o != nil {
		if o.Workers > 0 {
			n.Workers = o.Workers
		}
		if o.MaxSize >= 0 {
			n.MaxSize = o.MaxSize
		}
		if o.TimeoutMS > 0 {
			n.Timeout = time.Duration(o.TimeoutMS) * time.Millisecond
		}
		if o.OnTimeout != "" {
			n.Fail = o.OnTimeout == "fail"
		}
	}
	b.connect(n, cur)
	if f.Kind == KFlatMap {
		n.Depth++
	}
	if n.Depth > MaxDepth {
		return nil, &DepthError{Where: name}
	}
	b.g.Nodes = append(b.g.Nodes, n)
	b.g.Uses[f.ID] = append(b.g.Uses[f.ID], n)
	if f.Kind == KEach {
		return &stream{parts: []Part{{N: n}}, each: n}, nil
	}
	return &stream{parts: []Part{{N: n}}}, nil
}

// connect makes n read cur.
func (b *builder) connect(n *Node, cur *stream) {
	n.In = slices.Clone(cur.parts)
	for _, pt := range cur.parts {
		pt.N.Targets++
		n.Depth = max(n.Depth, pt.N.Depth+len(pt.Branches))
	}
}

func (b *builder) ordered(cur *stream) (*stream, error) {
	b.orders++
	n := &Node{Kind: NOrdered, Name: fmt.Sprintf("ordered#%d", b.orders)}
	b.connect(n, cur)
	if n.Depth > MaxDepth {
		return nil, &DepthError{Where: "ordered"}
	}
	b.g.Nodes = append(b.g.Nodes, n)
	return &stream{parts: []Part{{N: n}}}, nil
}

func (b *builder) concat(t *Term, cur *stream, env map[string]*stream) (*stream, error) {
	out := &stream{}
	for i, br := range t.Branches {
		s, err := b.expr(br, cur, env)
		if err != nil {
			return nil, err
		}
		for _, pt := range s.parts {
			out.parts = append(out.parts, Part{N: pt.N, Branches: append(slices.Clip(pt.Branches), i)})
		}
	}
	return out, nil
}

func (b *builder) inline(t *Term, cur *stream, env map[string]*stream) (*stream, error) {
	sub := b.spec.Pipeline(t.Name)
	key := sharedKey{t.Name, cur}
	if s, ok := b.shared[key]; ok {
		return s, nil
	}
	subEnv := map[string]*stream{}
	if cur == nil {
		for _, in := range sub.Inputs {
			subEnv[in] = env[in]
		}
	} else {
		subEnv[sub.Inputs[0]] = cur
	}
	var up *stream
	if len(sub.Inputs) == 1 && !mentions(sub.Expr, sub.Inputs[0]) {
		up = subEnv[sub.Inputs[0]]
	}
	s, err := b.expr(sub.Expr, up, subEnv)
	if err != nil {
		return nil, err
	}
	b.shared[key] = s
	return s, nil
}

// simple reports whether fusion may touch n (without looking at ordered
// terms, which also keep stages apart: the guess errs towards fusion).
func simple(n *Node) bool {
	return n.Kind == NStage && n.Func.Hooks == nil && n.Timeout == 0
}

// guessFusion marks the stages that pipegen may fuse into the stage
// before them: adjacent stages with the same workers, the first sending
// only to the second.
func (b *builder) guessFusion() {
	if b.noFuse {
		return
	}
	for _, n := range b.g.Nodes {
		if !simple(n) || len(n.In) != 1 || len(n.In[0].Branches) > 0 {
			continue
		}
		a := n.In[0].N
		if simple(a) && a.Targets == 1 && a.Workers == n.Workers {
			n.MayBeFused = true
			a.FusedHead = true
		}
	}
}

// mutation, set from the environment variable DIFFTEST_MUTATE, breaks
// the reference interpreter on purpose, to show that the checks catch a
// wrong reference: "value" (a map yields one more for some elements),
// "order" (what must come in order comes reversed) or "drop" (the first element of
// every input is lost).
var mutation = os.Getenv("DIFFTEST_MUTATE")

// Elem is an element of the reference evaluation.
type Elem struct {
	Idx Idx
	V   int
	// Opt: the element may or may not be there (it descends from an
	// element a flatmap with a timeout dropped after it had sent some
	// children on).
	Opt bool
}

// Faults is what the reference interpreter must know of a run's faults:
// the elements that hang, and the drops pipegen reported.
type Faults struct {
	// Hang holds the (function, value) pairs that hang, with the number
	// of children a flatmap yields first.
	Hang map[FV]int
	// Dropped holds the stage uses and indices that OnTimeout reported.
	Dropped map[string]bool
}

// FV names the elements of value V reaching function Func.
type FV struct{ Func, V int }

// Eval is the reference evaluation of a graph on some inputs.
type Eval struct {
	G *Graph
	// Arrivals are the elements that reach each stage use, by node.
	Arrivals map[*Node][]Elem
	// Out is what the pipeline yields (for an each pipeline: what reaches
	// the each stage), sorted by index.
	Out []Elem
	// Sorted: the pipeline yields its elements in index order (it ends
	// in ordered, or every stage on the way has one worker and no concat
	// merges).
	Sorted bool
	// HangDrops are the elements dropped by a timeout because they hang.
	HangDrops []string
}

// DropKey is how a drop is recorded: the stage use and the index.
func DropKey(stage string, idx string) string { return stage + "@" + idx }

// Evaluate runs the graph sequentially on inputs. workers gives the
// effective number of workers of each stage use (with run-time options),
// for the order property.
func Evaluate(g *Graph, inputs [][]int, faults Faults, workers func(*Node) int) *Eval {
	ev := &Eval{G: g, Arrivals: map[*Node][]Elem{}}
	outs := map[*Node][]Elem{}
	sorted := map[*Node]bool{}
	gather := func(parts []Part) []Elem {
		var all []Elem
		for _, pt := range parts {
			for _, e := range outs[pt.N] {
				idx := e.Idx
				for _, br := range pt.Branches {
					idx = idx.Branch(br)
				}
				all = append(all, Elem{Idx: idx, V: e.V, Opt: e.Opt})
			}
		}
		slices.SortFunc(all, func(a, b Elem) int { return CompareIdx(a.Idx, b.Idx) })
		return all
	}
	isSorted := func(parts []Part) bool {
		return len(parts) == 1 && len(parts[0].Branches) == 0 && sorted[parts[0].N]
	}
	for _, n := range g.Nodes {
		switch n.Kind {
		case NInput:
			for i, v := range inputs[n.Input] {
				if mutation == "drop" && i == 0 {
					continue
				}
				outs[n] = append(outs[n], Elem{Idx: Idx{Src: i}, V: v})
			}
			sorted[n] = true
		case NOrdered:
			outs[n] = gather(n.In)
			sorted[n] = true
		case NStage:
			in := gather(n.In)
			ev.Arrivals[n] = in
			sorted[n] = isSorted(n.In) && workers(n) == 1
			f := n.Func
			var out []Elem
			for _, e := range in {
				ys := f.Apply(e.V)
				if mutation == "value" && f.Kind == KMap && e.V%7 == 0 {
					ys[0]++
				}
				k, hangs := faults.Hang[FV{f.ID, e.V}]
				dropped := faults.Dropped[DropKey(n.Name, e.Idx.String())]
				if hangs && n.Timeout > 0 && !n.Fail {
					// It hangs until its deadline, after sending k
					// children (a streaming flatmap), and is dropped.
					ev.HangDrops = append(ev.HangDrops, DropKey(n.Name, e.Idx.String()))
					if f.Kind != KFlatMap || f.Flat == FlatSliceForm {
						k = 0
					}
					ys = ys[:min(k, len(ys))]
				} else if dropped {
					if f.Kind == KFlatMap && f.Flat != FlatSliceForm {
						// Sent on as made, before the deadline passed:
						// any of the children may be there.
						for i, y := range ys {
							out = append(out, Elem{Idx: e.Idx.Child(i), V: y, Opt: true})
						}
					}
					continue
				}
				for i, y := range ys {
					idx := e.Idx
					if f.Kind == KFlatMap {
						idx = idx.Child(i)
					}
					out = append(out, Elem{Idx: idx, V: y, Opt: e.Opt})
				}
			}
			outs[n] = out
		}
	}
	if g.Each != nil {
		ev.Out = ev.Arrivals[g.Each]
		ev.Sorted = sorted[g.Each]
	} else {
		ev.Out = gather(g.Out)
		ev.Sorted = isSorted(g.Out)
	}
	if mutation == "order" && ev.Sorted {
		ev.Out = slices.Clone(ev.Out)
		slices.Reverse(ev.Out)
	}
	return ev
}

// Lookup returns the value of the element at idx reaching stage use name,
// and whether there is one.
func (ev *Eval) Lookup(name string, idx string) (int, bool) {
	for n, arr := range ev.Arrivals {
		if n.Name != name {
			continue
		}
		for _, e := range arr {
			if e.Idx.String() == idx {
				return e.V, true
			}
		}
	}
	return 0, false
}

// Use returns the stage use named name, or nil.
func (g *Graph) Use(name string) *Node {
	for _, n := range g.Nodes {
		if n.Kind == NStage && n.Name == name {
			return n
		}
	}
	return nil
}
