package harness

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
)

// DrawConfig says how large a spec to draw.
type DrawConfig struct {
	// Pipelines is the number of pipelines (helpers, which other
	// pipelines inline, included).
	Pipelines int
	// Runs is the number of runs of each pipeline.
	Runs int
}

// Draw draws a spec from seed: stage functions of every kind and
// signature, and pipelines over them with overrides, ordered terms,
// concats of branches and of several inputs, reuse (broadcast) of inlined
// pipelines and inputs, timeouts and worker hooks.
func Draw(seed int64, cfg DrawConfig) *Spec {
	d := &specDrawer{rng: rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)), spec: &Spec{Seed: seed, Runs: cfg.Runs, Avoided: map[string]int{}}}
	d.spec.NoFuse = d.rng.IntN(5) == 0
	helpers := max(1, cfg.Pipelines/6)
	for i := 0; len(d.spec.Pipelines) < cfg.Pipelines; i++ {
		if i < helpers {
			d.pipeline(fmt.Sprintf("h%d", i), true)
		} else {
			d.pipeline(fmt.Sprintf("P%d", i-helpers), false)
		}
	}
	return d.spec
}

type specDrawer struct {
	rng  *rand.Rand
	spec *Spec
	// inlinable are the pipelines with one input that do not end in each:
	// other pipelines may name them.
	inlinable []*Pipeline
	// cur is the pipeline being drawn.
	cur *Pipeline
}

// KnownFusedEachErr avoids a known bug of pipegen: an each stage that
// returns an error, fused into the worker of a stage that also returns
// one, gives generated code that does not compile ("no new variables on
// left side of :="). When set, Draw gives such an each stage other
// workers than the stage before it, so that it is not fused, and counts it
// in Spec.Avoided.
var KnownFusedEachErr = false

// KnownFusedEach names that avoidance in Spec.Avoided.
const KnownFusedEach = "fused-each-err-compile"

// dstream is the stream a drawn term yields: its type, or "" for inputs
// whose type the next consumer fixes.
type dstream struct {
	typ    Type
	inputs []int // the untyped inputs it carries
}

// setType fixes the type of an untyped stream and of its inputs.
func (d *specDrawer) setType(s *dstream, t Type) {
	if s.typ != "" {
		return
	}
	s.typ = t
	for _, i := range s.inputs {
		d.cur.InTypes[i] = t
	}
}

func (d *specDrawer) chance(pct int) bool { return d.rng.IntN(100) < pct }

// pipeline draws one pipeline and adds it to the spec; it retries when
// pipegen would reject it, keeping a pipeline rejected for its depth in
// Spec.Rejected.
func (d *specDrawer) pipeline(name string, helper bool) {
	nfuncs := len(d.spec.Funcs)
	for attempt := 0; ; attempt++ {
		p := &Pipeline{Name: name, Split: d.chance(15)}
		d.cur = p
		if helper || d.chance(70) {
			d.single(p, helper, attempt)
		} else {
			d.multi(p, attempt)
		}
		d.spec.Pipelines = append(d.spec.Pipelines, p)
		g, err := Build(d.spec, p)
		avoided := false
		if err == nil && KnownFusedEachErr && g.Each != nil && g.Each.Func.Err && g.Each.MayBeFused {
			// Keep the each stage out of the worker before it.
			t := p.Expr[len(p.Expr)-1]
			if t.Over == nil {
				t.Over = &Override{MaxSize: -1}
			}
			t.Over.Workers = g.Each.In[0].N.Workers%16 + 1
			avoided = true
			g, err = Build(d.spec, p)
		}
		if err == nil || attempt > 20 {
			if err != nil {
				panic(fmt.Sprintf("cannot draw pipeline %s: %v", name, err))
			}
			if avoided {
				d.spec.Avoided[KnownFusedEach]++
			}
			// Small pipelines with one input may be named by others.
			if len(p.Inputs) == 1 && !p.Each() && len(g.Nodes) <= 5 {
				d.inlinable = append(d.inlinable, p)
			}
			return
		}
		var deep *DepthError
		if errors.As(err, &deep) {
			// pipegen must reject it: a program of its own checks that.
			d.spec.Rejected = append(d.spec.Rejected, &Rejected{Pipeline: p, Err: deep,
				Funcs: slices.Clone(d.spec.Funcs), Pipelines: slices.Clone(d.spec.Pipelines[:len(d.spec.Pipelines)-1])})
		}
		d.spec.Pipelines = d.spec.Pipelines[:len(d.spec.Pipelines)-1]
		d.spec.Funcs = d.spec.Funcs[:nfuncs]
	}
}

// single draws a pipeline with one input.
func (d *specDrawer) single(p *Pipeline, helper bool, attempt int) {
	p.Inputs, p.InTypes = []string{"in"}, []Type{""}
	if !helper && d.chance(20) {
		p.Inputs, p.InputList = []string{"src"}, true
	}
	budget := max(0, 2-attempt/5)
	in := &dstream{inputs: []int{0}}
	if !helper && d.chance(15) {
		// The input named twice: broadcast to two branches.
		name := &Term{Op: OpInput, Name: p.Inputs[0]}
		br1, t1 := d.chain(in, 1, 2, budget)
		br2, t2 := d.chain(in, 1, 2, budget)
		br1 = append(Expr{name}, br1...)
		br2 = d.unify(append(Expr{name}, br2...), t2, t1)
		p.Expr = Expr{{Op: OpConcat, Branches: []Expr{br1, br2}}}
		rest, out := d.chain(&dstream{typ: t1}, 0, 2, budget)
		p.Expr = append(p.Expr, rest...)
		d.finish(p, out, helper)
		return
	}
	e, out := d.chain(in, 1, 4, budget)
	p.Expr = e
	d.finish(p, out, helper)
}

// multi draws a pipeline with several inputs merged by a concat.
func (d *specDrawer) multi(p *Pipeline, attempt int) {
	k := 2 + d.rng.IntN(2)
	names := []string{"a", "b", "c"}[:k]
	p.Inputs, p.InputList, p.InTypes = names, true, make([]Type, k)
	budget := max(0, 1-attempt/5)
	type branch struct {
		expr Expr
		typ  Type
		bare int // input index, or -1
	}
	// The branches of each input, in the order drawn: the first fixes the
	// input's type, so it must come first in the concat too.
	var groups [][]branch
	for i, name := range names {
		in := &dstream{inputs: []int{i}}
		uses := 1
		if d.chance(20) {
			uses = 2
		}
		if uses == 1 && d.chance(30) {
			groups = append(groups, []branch{{expr: Expr{{Op: OpInput, Name: name}}, bare: i}})
			continue
		}
		var g []branch
		for range uses {
			e, t := d.chain(in, 1, 3, budget)
			g = append(g, branch{expr: append(Expr{{Op: OpInput, Name: name}}, e...), typ: t, bare: -1})
		}
		groups = append(groups, g)
	}
	d.rng.Shuffle(len(groups), func(i, j int) { groups[i], groups[j] = groups[j], groups[i] })
	var branches []branch
	for _, g := range groups {
		branches = append(branches, g...)
	}
	var target Type
	for _, b := range branches {
		if b.bare < 0 {
			target = b.typ
			break
		}
	}
	concat := &Term{Op: OpConcat}
	for _, b := range branches {
		if b.bare < 0 {
			b.expr = d.unify(b.expr, b.typ, target)
		}
		concat.Branches = append(concat.Branches, b.expr)
	}
	p.Expr = Expr{concat}
	cur := &dstream{typ: target}
	if target == "" {
		// Only bare inputs: the next stage gives them its type.
		for _, b := range branches {
			cur.inputs = append(cur.inputs, b.bare)
		}
		f := d.pickFunc("", false)
		d.setType(cur, f.In)
		p.Expr = append(p.Expr, d.stageTerm(f))
		cur = &dstream{typ: outType(f, cur.typ)}
	} else {
		for _, b := range branches {
			if b.bare >= 0 {
				p.InTypes[b.bare] = target
			}
		}
	}
	rest, out := d.chain(cur, 0, 2, budget)
	p.Expr = append(p.Expr, rest...)
	d.finish(p, out, false)
}

// finish ends a top-level pipeline, with an each stage sometimes, and
// records its output type.
func (d *specDrawer) finish(p *Pipeline, out Type, helper bool) {
	if !helper && d.chance(15) {
		f := d.pickFunc(out, true)
		p.Expr = append(p.Expr, d.stageTerm(f))
		p.Out = ""
		return
	}
	p.Out = out
}

// unify appends a converting map stage to a branch yielding t, so that it
// yields target.
func (d *specDrawer) unify(e Expr, t, target Type) Expr {
	if target == "" || Identical(t, target) {
		return e
	}
	f := d.newFunc(KMap, t)
	f.Out = target
	return append(e, d.stageTerm(f))
}

// outType is what f yields when fed elements of type t.
func outType(f *Func, t Type) Type {
	if f.Kind == KFilter {
		return t
	}
	return f.Out
}

// chain draws min to max terms fed by cur and returns them with the type
// they yield. budget bounds the nesting of concats.
func (d *specDrawer) chain(cur *dstream, minLen, maxLen, budget int) (Expr, Type) {
	n := minLen + d.rng.IntN(maxLen-minLen+1)
	var e Expr
	for range n {
		switch r := d.rng.IntN(100); {
		case r < 10 && cur.typ != "" && (len(e) == 0 || e[len(e)-1].Op != OpOrdered):
			e = append(e, &Term{Op: OpOrdered})
		case r < 22 && budget > 0:
			t, out := d.concat(cur, budget-1)
			e = append(e, t)
			cur = &dstream{typ: out}
		case r < 35:
			if q := d.pickInlinable(cur.typ); q != nil {
				d.setType(cur, q.InTypes[0])
				e = append(e, &Term{Op: OpPipe, Name: q.Name})
				cur = &dstream{typ: q.Out}
				continue
			}
			fallthrough
		default:
			f := d.pickFunc(cur.typ, false)
			d.setType(cur, f.In)
			e = append(e, d.stageTerm(f))
			cur = &dstream{typ: outType(f, cur.typ)}
		}
	}
	return e, cur.typ
}

// concat draws a concat of branches fed by cur.
func (d *specDrawer) concat(cur *dstream, budget int) (*Term, Type) {
	k := 2 + d.rng.IntN(2)
	if d.chance(5) {
		k = 1
	}
	t := &Term{Op: OpConcat}
	var shared *Pipeline
	if d.chance(40) {
		shared = d.pickInlinable(cur.typ)
		if shared != nil {
			d.setType(cur, shared.InTypes[0])
		}
	}
	var target Type
	for i := range k {
		var br Expr
		var bt Type
		if shared != nil && (i == 0 || d.chance(70)) {
			// The same pipeline with the same upstream: built once,
			// broadcast.
			rest, rt := d.chain(&dstream{typ: shared.Out}, 0, 2, budget)
			br, bt = append(Expr{{Op: OpPipe, Name: shared.Name}}, rest...), rt
		} else {
			br, bt = d.chain(cur, 1, 3, budget)
		}
		if i == 0 {
			target = bt
		}
		t.Branches = append(t.Branches, d.unify(br, bt, target))
	}
	return t, target
}

// pickInlinable returns a pipeline that may be named after a stream of
// type t ("" for any), or nil. Its input type must be t itself: what a
// pipeline yields depends on what it is fed when filters pass it on.
func (d *specDrawer) pickInlinable(t Type) *Pipeline {
	var cands []*Pipeline
	for _, q := range d.inlinable {
		if t == "" || Identical(t, q.InTypes[0]) {
			cands = append(cands, q)
		}
	}
	if len(cands) == 0 {
		return nil
	}
	return cands[d.rng.IntN(len(cands))]
}

// stageTerm is a term naming f, with overrides sometimes.
func (d *specDrawer) stageTerm(f *Func) *Term {
	t := &Term{Op: OpStage, Name: f.Name(), Func: f.ID}
	if !d.chance(25) {
		return t
	}
	o := &Override{MaxSize: -1}
	if d.chance(50) {
		o.Workers = d.workers()
	}
	if d.chance(40) {
		o.MaxSize = d.maxsize()
	}
	if f.Ctx && f.Kind != KEach && d.chance(20) {
		o.TimeoutMS = 30 + d.rng.IntN(70)
	}
	if (f.TimeoutMS > 0 || o.TimeoutMS > 0) && d.chance(40) {
		o.OnTimeout = []string{"drop", "fail"}[d.rng.IntN(2)]
	}
	if *o == (Override{MaxSize: -1}) {
		o.Workers = d.workers()
	}
	t.Over = o
	return t
}

func (d *specDrawer) workers() int {
	switch r := d.rng.IntN(10); {
	case r < 4:
		return 1
	case r < 8:
		return 2 + d.rng.IntN(3)
	default:
		return 5 + d.rng.IntN(12)
	}
}

func (d *specDrawer) maxsize() int {
	switch r := d.rng.IntN(10); {
	case r < 2:
		return 0
	case r < 6:
		return 1 + d.rng.IntN(4)
	default:
		return 5 + d.rng.IntN(60)
	}
}

// pickFunc returns a function taking elements of type t ("" for any):
// one of the spec's, sometimes, else a new one. each asks for an each
// stage.
func (d *specDrawer) pickFunc(t Type, each bool) *Func {
	if d.chance(35) {
		var cands []*Func
		for _, f := range d.spec.Funcs {
			if (f.Kind == KEach) == each && (t == "" || Assignable(t, f.In)) {
				cands = append(cands, f)
			}
		}
		if len(cands) > 0 {
			return cands[d.rng.IntN(len(cands))]
		}
	}
	kind := KEach
	if !each {
		switch r := d.rng.IntN(100); {
		case r < 45:
			kind = KMap
		case r < 70:
			kind = KFilter
		default:
			kind = KFlatMap
		}
	}
	in := t
	if in == "" {
		in = d.elemType()
	} else if (in == TBox || in == TPBox || in == TRec) && d.chance(25) {
		in = TValuer
	}
	return d.newFunc(kind, in)
}

// elemType draws an element type, int most often.
func (d *specDrawer) elemType() Type {
	if d.chance(55) {
		return TInt
	}
	return AllTypes[d.rng.IntN(len(AllTypes))]
}

// newFunc adds a new function of kind taking in, with random signature,
// settings and constants.
func (d *specDrawer) newFunc(kind Kind, in Type) *Func {
	f := &Func{ID: len(d.spec.Funcs), Kind: kind, In: in, MaxSize: -1,
		Ctx: d.chance(55), Index: d.chance(30), Err: d.chance(55)}
	switch kind {
	case KMap:
		f.Out = d.elemType()
		f.A, f.B, f.M = 1+d.rng.IntN(7), d.rng.IntN(100), 50+d.rng.IntN(4950)
	case KFilter:
		f.A = 2 + d.rng.IntN(4)
		f.B = d.rng.IntN(f.A)
		if d.chance(25) {
			f.A, f.Inv = 2+d.rng.IntN(2), true
			f.B = d.rng.IntN(f.A)
		}
	case KFlatMap:
		f.Out = d.elemType()
		f.Flat = []Flat{FlatSliceForm, FlatSeqForm, FlatSeq2Form}[d.rng.IntN(3)]
		f.A, f.B, f.M = 1+d.rng.IntN(3), 1+d.rng.IntN(7), 50+d.rng.IntN(2950)
		if d.chance(5) {
			f.A = 0
		}
	}
	if d.chance(70) {
		f.Workers = d.workers()
	}
	if d.chance(50) {
		f.MaxSize = d.maxsize()
	}
	if f.Ctx && d.chance(15) {
		f.TimeoutMS = 30 + d.rng.IntN(70)
		f.TimeoutFail = d.chance(30)
	}
	if d.chance(15) {
		h := &Hooks{StartCtx: d.chance(50), StartWorker: d.chance(60), StartErr: d.chance(60), Done: d.chance(80)}
		if h.Done {
			h.DoneCtx, h.DoneStatus, h.DoneErr = d.chance(50), d.chance(60), d.chance(60)
		}
		f.Hooks = h
	}
	d.spec.Funcs = append(d.spec.Funcs, f)
	return f
}
