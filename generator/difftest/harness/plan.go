package harness

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// FaultKind is a kind of injected fault.
type FaultKind string

// The faults. Element faults act when stage function Func is called on
// value V (every element of that value, at every use of the function).
const (
	FError        FaultKind = "error"          // the function returns an error
	FPanic        FaultKind = "panic"          // the function panics
	FHang         FaultKind = "hang"           // it waits for its ctx (a streaming flatmap: after K children)
	FIterError    FaultKind = "iter-error"     // an iter.Seq2 flatmap yields an error after K children
	FIterPanic    FaultKind = "iter-panic"     // a streaming flatmap panics after K children
	FCancel       FaultKind = "cancel"         // the function cancels the caller's ctx
	FDelay        FaultKind = "delay"          // the function sleeps D (not a failure)
	FStart        FaultKind = "start-fail"     // start hook of worker K (or the K-th start) fails
	FDone         FaultKind = "done-fail"      // done hook of worker K (or the K-th done) fails
	FInputError   FaultKind = "input-error"    // input Input yields an error at position K (iter.Seq2)
	FInputPanic   FaultKind = "input-panic"    // input Input panics at position K
	FPreCancel    FaultKind = "pre-cancel"     // ctx is cancelled before the call
	FTimer        FaultKind = "cancel-timer"   // ctx is cancelled after D
	FBreak        FaultKind = "break"          // the consumer breaks at the K-th element
	FConsumePanic FaultKind = "consumer-panic" // the consumer's loop body panics at the K-th element
	FBadOption    FaultKind = "bad-option"     // an option the pipeline must reject
)

// Fault is one injected fault of a run.
type Fault struct {
	ID    int           `json:"id"`
	Kind  FaultKind     `json:"kind"`
	Func  int           `json:"func,omitempty"`
	V     int           `json:"v,omitempty"`
	K     int           `json:"k,omitempty"`
	Input int           `json:"input,omitempty"`
	D     time.Duration `json:"d,omitempty"`
	// PanicErr: the panic value is a *FaultError rather than a string.
	PanicErr bool `json:"panic_err,omitempty"`
}

// Err is the error the fault injects.
func (f *Fault) Err() *FaultError { return &FaultError{ID: f.ID, Kind: f.Kind} }

// PanicValue is the value the fault panics with.
func (f *Fault) PanicValue() any {
	if f.PanicErr {
		return f.Err()
	}
	return fmt.Sprintf("difftest panic #%d (%s)", f.ID, f.Kind)
}

// FaultError is the error of an injected fault.
type FaultError struct {
	ID   int
	Kind FaultKind
}

func (e *FaultError) Error() string { return fmt.Sprintf("difftest fault #%d (%s)", e.ID, e.Kind) }

// Mode is how the inputs are passed: iter.Seq, iter.Seq2 or plain func
// literals.
type Mode int

// The input modes.
const (
	ModeSeq Mode = iota
	ModeSeq2
	ModeFunc
)

func (m Mode) String() string { return [...]string{"seq", "seq2", "func"}[m] }

// OptSpec is one run-time option.
type OptSpec struct {
	Kind  string `json:"kind"` // "workers" or "maxsize"
	Stage string `json:"stage"`
	N     int    `json:"n"`
}

// Plan is one run of a pipeline: inputs, faults and options.
type Plan struct {
	Inputs    [][]int   `json:"inputs"`
	Mode      Mode      `json:"mode"`
	WithIndex bool      `json:"with_index,omitempty"`
	Faults    []*Fault  `json:"faults,omitempty"`
	Opts      []OptSpec `json:"opts,omitempty"`
	OnTimeout bool      `json:"on_timeout,omitempty"`
}

// workers returns the number of workers of stage use n in a run with
// plan's options.
func (p *Plan) workers(n *Node) int {
	w := n.Workers
	for _, o := range p.Opts {
		if o.Kind == "workers" && o.Stage == n.Name {
			w = o.N
		}
	}
	return w
}

// has reports whether the plan has a fault of kind k.
func (p *Plan) has(k FaultKind) bool {
	return slices.ContainsFunc(p.Faults, func(f *Fault) bool { return f.Kind == k })
}

// maxElements bounds the work of one run: inputs are shortened until the
// reference evaluation has at most this many arrivals.
const maxElements = 4000

// DrawPlan draws a run of the pipeline of g.
func DrawPlan(rng *rand.Rand, g *Graph) *Plan {
	p := g.P
	plan := &Plan{Mode: Mode(rng.IntN(3))}
	if !p.Each() && rng.IntN(5) < 2 {
		plan.WithIndex = true
	}
	for range p.Inputs {
		var n int
		switch r := rng.IntN(100); {
		case r < 5:
			n = 0
		case r < 35:
			n = 1 + rng.IntN(10)
		case r < 85:
			n = 10 + rng.IntN(50)
		default:
			n = 60 + rng.IntN(240)
		}
		in := make([]int, n)
		for i := range in {
			in[i] = rng.IntN(1000)
		}
		plan.Inputs = append(plan.Inputs, in)
	}
	var stages []*Node
	hasTimeout := false
	for _, n := range g.Nodes {
		if n.Kind == NStage {
			stages = append(stages, n)
			hasTimeout = hasTimeout || n.Timeout > 0
		}
	}
	// Options.
	if rng.IntN(4) == 0 {
		for range 1 + rng.IntN(2) {
			n := stages[rng.IntN(len(stages))]
			switch {
			case n.MayBeFused:
			case rng.IntN(2) == 0 && !n.FusedHead:
				plan.Opts = append(plan.Opts, OptSpec{Kind: "workers", Stage: n.Name, N: 1 + rng.IntN(16)})
			default:
				plan.Opts = append(plan.Opts, OptSpec{Kind: "maxsize", Stage: n.Name, N: rng.IntN(65)})
			}
		}
	}
	plan.OnTimeout = hasTimeout || rng.IntN(5) == 0

	ev := plan.shrink(g)
	// Faults.
	nf := 0
	switch r := rng.IntN(100); {
	case r < 30:
	case r < 75:
		nf = 1
	case r < 90:
		nf = 2
	default:
		nf = 3
	}
	d := &drawer{rng: rng, g: g, plan: plan, ev: ev, used: map[FV]bool{}}
	for range nf {
		d.fault()
	}
	if rng.IntN(3) == 0 {
		for range 1 + rng.IntN(6) {
			d.delay()
		}
	}
	return plan
}

// shrink shortens the inputs until the run is small enough, and returns
// the reference evaluation without faults.
func (p *Plan) shrink(g *Graph) *Eval {
	for {
		ev := Evaluate(g, p.Inputs, Faults{}, p.workers)
		total := 0
		for _, a := range ev.Arrivals {
			total += len(a)
		}
		if total <= maxElements {
			return ev
		}
		for i, in := range p.Inputs {
			p.Inputs[i] = in[:len(in)/2]
		}
	}
}

// drawer draws the faults of a plan.
type drawer struct {
	rng  *rand.Rand
	g    *Graph
	plan *Plan
	ev   *Eval
	used map[FV]bool
}

func (d *drawer) add(f *Fault) {
	f.ID = len(d.plan.Faults) + 1
	d.plan.Faults = append(d.plan.Faults, f)
}

// element picks a stage use and an element reaching it whose (function,
// value) has no fault yet, accepted by ok.
func (d *drawer) element(ok func(n *Node, e Elem) bool) (*Node, Elem, bool) {
	var cands []*Node
	for n, arr := range d.ev.Arrivals {
		if len(arr) > 0 {
			cands = append(cands, n)
		}
	}
	slices.SortFunc(cands, func(a, b *Node) int { return slices.Index(d.g.Nodes, a) - slices.Index(d.g.Nodes, b) })
	for range 20 {
		if len(cands) == 0 {
			break
		}
		n := cands[d.rng.IntN(len(cands))]
		arr := d.ev.Arrivals[n]
		e := arr[d.rng.IntN(len(arr))]
		if d.used[FV{n.Func.ID, e.V}] || !ok(n, e) {
			continue
		}
		d.used[FV{n.Func.ID, e.V}] = true
		return n, e, true
	}
	return nil, Elem{}, false
}

// arrivalsOf returns the elements of value v reaching the uses of f.
func (d *drawer) arrivalsOf(f *Func, v int) (n int, untimed bool) {
	for _, u := range d.g.Uses[f.ID] {
		for _, e := range d.ev.Arrivals[u] {
			if e.V == v {
				n++
				if u.Timeout == 0 {
					untimed = true
				}
			}
		}
	}
	return n, untimed
}

func (d *drawer) timer(maxMS int) {
	if !d.plan.has(FTimer) {
		d.add(&Fault{Kind: FTimer, D: time.Duration(2+d.rng.IntN(maxMS)) * time.Millisecond})
	}
}

func streaming(f *Func) bool { return f.Kind == KFlatMap && f.Flat != FlatSliceForm }

// fault draws one fault of a kind that fits the pipeline, if it can.
func (d *drawer) fault() {
	kinds := []FaultKind{FError, FError, FPanic, FPanic, FHang, FHang, FIterError, FIterPanic, FCancel,
		FStart, FDone, FInputError, FInputPanic, FPreCancel, FTimer, FBreak, FBreak, FConsumePanic, FBadOption}
	for range 10 {
		if d.try(kinds[d.rng.IntN(len(kinds))]) {
			return
		}
	}
}

func (d *drawer) try(k FaultKind) bool {
	rng := d.rng
	each := d.g.P.Each()
	switch k {
	case FError, FPanic, FCancel:
		n, e, ok := d.element(func(n *Node, e Elem) bool { return k != FError || n.Func.Err })
		if !ok {
			return false
		}
		d.add(&Fault{Kind: k, Func: n.Func.ID, V: e.V, PanicErr: rng.IntN(2) == 0})
	case FHang:
		n, e, ok := d.element(func(n *Node, e Elem) bool {
			if !n.Func.Ctx {
				return false
			}
			count, _ := d.arrivalsOf(n.Func, e.V)
			return count <= 3
		})
		if !ok {
			return false
		}
		f := &Fault{Kind: k, Func: n.Func.ID, V: e.V}
		if streaming(n.Func) {
			f.K = rng.IntN(n.Func.Children(e.V) + 1)
		}
		d.add(f)
		if _, untimed := d.arrivalsOf(n.Func, e.V); untimed {
			d.timer(40)
		}
	case FIterError, FIterPanic:
		n, e, ok := d.element(func(n *Node, e Elem) bool {
			return streaming(n.Func) && (k == FIterPanic || n.Func.Flat == FlatSeq2Form)
		})
		if !ok {
			return false
		}
		d.add(&Fault{Kind: k, Func: n.Func.ID, V: e.V, K: rng.IntN(n.Func.Children(e.V) + 1), PanicErr: rng.IntN(2) == 0})
	case FStart, FDone:
		var hooked []*Node
		for _, n := range d.g.Nodes {
			if n.Kind == NStage && n.Func.Hooks != nil {
				h := n.Func.Hooks
				if (k == FStart && h.StartErr) || (k == FDone && h.Done && h.DoneErr) {
					hooked = append(hooked, n)
				}
			}
		}
		if len(hooked) == 0 {
			return false
		}
		n := hooked[rng.IntN(len(hooked))]
		for _, f := range d.plan.Faults {
			if f.Kind == k && f.Func == n.Func.ID {
				return false
			}
		}
		d.add(&Fault{Kind: k, Func: n.Func.ID, K: rng.IntN(d.plan.workers(n))})
	case FInputError, FInputPanic:
		i := rng.IntN(len(d.plan.Inputs))
		for _, f := range d.plan.Faults {
			if (f.Kind == FInputError || f.Kind == FInputPanic) && f.Input == i {
				return false
			}
		}
		if k == FInputError {
			d.plan.Mode = ModeSeq2
		}
		d.add(&Fault{Kind: k, Input: i, K: rng.IntN(len(d.plan.Inputs[i]) + 1), PanicErr: rng.IntN(2) == 0})
	case FPreCancel:
		if d.plan.has(k) {
			return false
		}
		d.add(&Fault{Kind: k})
	case FTimer:
		if d.plan.has(k) {
			return false
		}
		d.timer(30)
	case FBreak, FConsumePanic:
		if each || d.plan.has(FBreak) || d.plan.has(FConsumePanic) {
			return false
		}
		d.add(&Fault{Kind: k, K: 1 + rng.IntN(max(1, len(d.ev.Out)))})
	case FBadOption:
		if d.plan.has(k) || rng.IntN(4) > 0 {
			return false
		}
		d.add(&Fault{Kind: k, K: rng.IntN(3)})
	}
	return true
}

// delay adds a short sleep at some element.
func (d *drawer) delay() {
	n, e, ok := d.element(func(*Node, Elem) bool { return true })
	if !ok {
		return
	}
	d.add(&Fault{Kind: FDelay, Func: n.Func.ID, V: e.V, D: time.Duration(20+d.rng.IntN(2000)) * time.Microsecond})
}
