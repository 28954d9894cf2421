package harness

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// KnownInputPanicIndex tolerates a known deviation of pipegen: when an
// input sequence panics while producing its element at position K, the
// StageError's Index is K-1, the last element it yielded (an input error
// at K gives K). The summary counts each case under KnownInputPanic.
var KnownInputPanicIndex = false

// KnownInputPanic names that deviation in Summary.Known.
const KnownInputPanic = "input-panic-index"

// KnownFusedIterPanic tolerates a known deviation of pipegen: in a worker
// running fused stages, a panic inside a streaming flatmap's iterator,
// after a child went through a stage fused after it, names that later
// stage (and the child's index) instead of the flatmap. The summary counts
// each case under KnownFusedPanic.
var KnownFusedIterPanic = false

// KnownFusedPanic names that deviation in Summary.Known.
const KnownFusedPanic = "fused-iter-panic-stage"

// KnownFilterIndex tolerates a known bug of pipegen: in a worker running
// fused stages, a filter after a streaming flatmap (iter.Seq or
// iter.Seq2) that rejects a child skips the count of the flatmap's
// children, so the later children of the element get the indices of
// earlier ones. When set, the checks of a pipeline where that may happen
// compare values without indices when indices differ, and count it under
// KnownFilterIdx.
var KnownFilterIndex = false

// KnownFilterIdx names that deviation in Summary.Known.
const KnownFilterIdx = "fused-filter-child-index"

// fusedAfter reports whether use may run fused after a use of function
// id, in the same worker.
func fusedAfter(use *Node, id int) bool {
	for use.MayBeFused {
		use = use.In[0].N
		if use.Func.ID == id {
			return true
		}
	}
	return false
}

// failing are the faults that must fail a run that reaches them.
var failing = map[FaultKind]bool{
	FError: true, FPanic: true, FIterError: true, FIterPanic: true, FStart: true, FDone: true,
	FInputError: true, FInputPanic: true,
}

// check checks a run that returned err (recovered: what the consumer's
// panic came back as).
func (c *checker) check(err error, recovered any) {
	s, r, plan, g := c.s, c.r, c.plan, c.g
	for _, f := range s.fired {
		c.sum.Fired[f.F.Kind]++
	}
	for _, a := range s.anomalies {
		c.failf("hooks", "%s", a)
	}

	// The consumer's panic must come back as it was.
	if r.panicked {
		if cp, ok := recovered.(consumerPanic); !ok || !plan.has(FConsumePanic) || cp.id == 0 {
			c.failf("error", "the consumer's loop body panicked; the call ended with panic %v", recovered)
		}
	} else if recovered != nil {
		c.failf("error", "the pipeline call panicked: %v", recovered)
		return
	}
	if r.extraPair {
		c.failf("error", "the pipeline yielded pairs after the error %v", err)
	}
	stopped := r.broke || r.panicked

	if plan.has(FBadOption) {
		if err == nil || !strings.Contains(err.Error(), "bad option") {
			c.failf("error", "a bad option: the call returned %v, want a bad option error", err)
		}
		if n := len(s.calls); n > 0 || len(r.got) > 0 {
			c.failf("error", "a bad option: the pipeline ran anyway")
		}
		return
	}

	// The evaluation with the drops pipegen reported.
	faults := Faults{Hang: map[FV]int{}, Dropped: map[string]bool{}}
	for _, f := range plan.Faults {
		if f.Kind == FHang {
			faults.Hang[FV{f.Func, f.V}] = f.K
		}
	}
	for _, d := range s.dropped {
		faults.Dropped[d] = true
	}
	ev := Evaluate(g, plan.Inputs, faults, plan.workers)
	for _, a := range ev.Arrivals {
		c.sum.Elements += len(a)
	}

	c.checkError(err, stopped, ev)
	complete := err == nil && !stopped
	if complete {
		c.sum.Complete++
	}
	c.checkDrops(ev, complete)

	// Every function was called once on every element that reaches it.
	for id, uses := range g.Uses {
		f := c.spec.Func(id)
		var want []Elem
		for _, u := range uses {
			want = append(want, u.Arrivals(ev)...)
		}
		if p := c.compare(s.calls[id], want, f.Index, complete, false); p != "" {
			c.failf("calls", "calls of %s (uses %s): %s", f.Name(), useNames(uses), p)
		}
	}

	// The output.
	if g.Each != nil {
		f := g.Each.Func
		if p := c.compare(s.calls[f.ID], ev.Out, f.Index, complete, ev.Sorted); p != "" {
			c.failf("mismatch", "elements reaching the each stage %s: %s", g.Each.Name, p)
		}
	} else if p := c.compare(r.got, ev.Out, plan.WithIndex, complete, ev.Sorted); p != "" {
		c.failf("mismatch", "output: %s", p)
	}
	c.checkHooks(complete)
}

// compare is [compare], tolerating wrong indices where the known bug of
// KnownFilterIndex may give them.
func (c *checker) compare(got []call, want []Elem, withIdx bool, complete, sorted bool) string {
	p := compare(got, want, withIdx, complete, sorted)
	if p != "" && withIdx && c.knownIdx() && compare(got, want, false, complete, sorted) == "" {
		c.sum.Known[KnownFilterIdx]++
		return ""
	}
	return p
}

// knownIdx reports whether the pipeline may meet the bug of
// KnownFilterIndex.
func (c *checker) knownIdx() bool {
	return KnownFilterIndex && c.g.FilterAfterStream()
}

// FilterAfterStream reports whether a filter may run fused after a
// streaming flatmap, with maps only between them.
func (g *Graph) FilterAfterStream() bool {
	for _, n := range g.Nodes {
		if n.Kind != NStage || n.Func.Kind != KFilter {
			continue
		}
		for u := n; u.MayBeFused; {
			u = u.In[0].N
			if streaming(u.Func) {
				return true
			}
			if u.Func.Kind != KMap {
				break
			}
		}
	}
	return false
}

// Arrivals returns the elements reaching n in ev.
func (n *Node) Arrivals(ev *Eval) []Elem { return ev.Arrivals[n] }

func useNames(uses []*Node) string {
	var names []string
	for _, u := range uses {
		names = append(names, u.Name)
	}
	return strings.Join(names, ", ")
}

// fired returns the fired fault with the given ID, or nil.
func (c *checker) firedFault(id int) *Fault {
	for _, f := range c.s.fired {
		if f.F.ID == id {
			return f.F
		}
	}
	return nil
}

// checkError checks that err is what the faults allow.
func (c *checker) checkError(err error, stopped bool, ev *Eval) {
	s := c.s
	var why []string
	for _, f := range s.fired {
		if failing[f.F.Kind] {
			why = append(why, fmt.Sprintf("#%d %s", f.F.ID, f.F.Kind))
		}
	}
	cancelled := s.cancelled || s.timerFired
	if err == nil {
		if stopped {
			return
		}
		if len(why) > 0 {
			c.failf("error", "faults %s acted but the pipeline returned no error", strings.Join(why, ", "))
		}
		if s.cancelled {
			c.failf("error", "ctx was cancelled during the run but the pipeline returned no error")
		}
		return
	}
	if errors.Is(err, context.Canceled) {
		if err != context.Canceled {
			c.failf("error", "got %v wrapping context.Canceled, want exactly ctx.Err()", err)
		} else if !cancelled {
			c.failf("error", "got context.Canceled, but nothing cancelled ctx")
		}
		return
	}
	var se *pipegen.StageError
	if !errors.As(err, &se) {
		c.failf("error", "unexpected error %T %v", err, err)
		return
	}
	if se.Pipeline != c.g.P.Name {
		c.failf("error", "StageError names pipeline %q, want %q: %v", se.Pipeline, c.g.P.Name, err)
	}
	var te *pipegen.TimeoutError
	if errors.As(err, &te) {
		c.checkTimeoutError(se, te, ev)
		return
	}
	var fe *FaultError
	if !errors.As(err, &fe) {
		// A panic with a string value.
		for _, f := range s.fired {
			if se.Panic != nil && se.Panic == f.F.PanicValue() {
				fe = f.F.Err()
			}
		}
		if fe == nil {
			c.failf("error", "unexpected StageError: %v", err)
			return
		}
	}
	f := c.firedFault(fe.ID)
	if f == nil {
		c.failf("error", "error of fault #%d, which did not act: %v", fe.ID, err)
		return
	}
	isPanic := f.Kind == FPanic || f.Kind == FIterPanic || f.Kind == FInputPanic
	if isPanic != (se.Panic != nil) || (isPanic && len(se.Stack) == 0) {
		c.failf("error", "fault #%d (%s): StageError has Panic %v and %d bytes of stack", f.ID, f.Kind, se.Panic, len(se.Stack))
	}
	switch f.Kind {
	case FInputError, FInputPanic:
		at := se.Index.String()
		if f.Kind == FInputPanic && KnownInputPanicIndex && f.K > 0 && at == itoa(f.K-1) {
			c.sum.Known[KnownInputPanic]++
			at = itoa(f.K)
		}
		if want := c.g.P.Inputs[f.Input]; se.Stage != want || se.Worker != -1 || at != itoa(f.K) {
			c.failf("error", "fault #%d (%s at %d): StageError names %s, worker %d, element %v; want input %s, worker -1, element %d",
				f.ID, f.Kind, f.K, se.Stage, se.Worker, se.Index, want, f.K)
		}
		return
	}
	use := c.g.Use(se.Stage)
	if KnownFusedIterPanic && f.Kind == FIterPanic && use != nil && use.Func.ID != f.Func && fusedAfter(use, f.Func) {
		c.sum.Known[KnownFusedPanic]++
		return
	}
	if use == nil || use.Func.ID != f.Func {
		c.failf("error", "fault #%d (%s of s%d): StageError names stage %s", f.ID, f.Kind, f.Func, se.Stage)
		return
	}
	if w := c.plan.workers(use); se.Worker < 0 || se.Worker >= w {
		c.failf("error", "fault #%d: StageError names worker %d of %s, which has %d", f.ID, se.Worker, se.Stage, w)
	}
	switch f.Kind {
	case FStart, FDone:
		if f.Kind == FStart && use.Func.Hooks.StartWorker && se.Worker != f.K {
			c.failf("error", "fault #%d (start of worker %d): StageError names worker %d", f.ID, f.K, se.Worker)
		}
	default:
		v, ok := ev.Lookup(se.Stage, se.Index.String())
		if (!ok || v != f.V) && c.knownIdx() && slices.ContainsFunc(ev.Arrivals[use], func(e Elem) bool { return e.V == f.V }) {
			c.sum.Known[KnownFilterIdx]++
			return
		}
		if !ok || v != f.V {
			c.failf("error", "fault #%d (%s at value %d): StageError names element %v of %s, which is %d (%v)", f.ID, f.Kind, f.V, se.Index, se.Stage, v, ok)
		}
	}
}

// checkTimeoutError checks a TimeoutError: the stage fails on timeouts,
// and the element hung, or took long anyway.
func (c *checker) checkTimeoutError(se *pipegen.StageError, te *pipegen.TimeoutError, ev *Eval) {
	use := c.g.Use(se.Stage)
	if use == nil || !use.Fail || use.Timeout != te.Timeout {
		c.failf("error", "TimeoutError of %v at stage %s, which does not fail on a timeout of that length", te.Timeout, se.Stage)
		return
	}
	v, ok := ev.Lookup(se.Stage, se.Index.String())
	if !ok {
		c.failf("error", "TimeoutError names element %v of %s, which does not reach it", se.Index, se.Stage)
		return
	}
	for _, f := range c.s.fired {
		if f.F.Kind == FHang && f.F.Func == use.Func.ID && f.F.V == v {
			return
		}
	}
	c.late(use, v, "TimeoutError", c.returned)
}

// late accounts for an element of value v that timed out at use without
// a hang fault, as pipegen saw at time at: legitimate (a loaded machine)
// if the deadline of a call of the function on v had passed by then, a
// failure otherwise.
func (c *checker) late(use *Node, v int, what string, at time.Time) {
	c.s.mu.Lock()
	dl, seen := c.s.deadline[FV{use.Func.ID, v}]
	c.s.mu.Unlock()
	if !seen || at.Before(dl) {
		c.failf("error", "%s at %s for value %d before its deadline (%v early, deadline seen %v)", what, use.Name, v, dl.Sub(at), seen)
		return
	}
	c.sum.Spurious++
}

// checkDrops checks the drops pipegen reported.
func (c *checker) checkDrops(ev *Eval, complete bool) {
	s := c.s
	c.sum.Drops += len(s.dropped)
	seen := map[string]bool{}
	for _, d := range s.dropped {
		if seen[d] {
			c.failf("mismatch", "drop %s reported twice", d)
		}
		seen[d] = true
		stage, idx, _ := strings.Cut(d, "@")
		use := c.g.Use(stage)
		if use == nil || use.Timeout == 0 || use.Fail {
			c.failf("mismatch", "drop %s reported for a stage that does not drop on timeouts", d)
			continue
		}
		v, ok := ev.Lookup(stage, idx)
		if !ok && c.knownIdx() {
			c.sum.Known[KnownFilterIdx]++
			continue
		}
		if !ok {
			c.failf("mismatch", "drop %s reported for an element that does not reach %s", d, stage)
			continue
		}
		if _, hangs := ev.G.hangs(c.plan, use, v); !hangs {
			c.late(use, v, "drop", s.droppedAt[d])
		}
	}
	if complete && c.plan.OnTimeout {
		for _, d := range ev.HangDrops {
			if !seen[d] {
				c.failf("mismatch", "element %s hangs past its timeout but no drop was reported", d)
			}
		}
	}
}

// hangs returns the hang fault of the function of use at value v.
func (g *Graph) hangs(plan *Plan, use *Node, v int) (*Fault, bool) {
	for _, f := range plan.Faults {
		if f.Kind == FHang && f.Func == use.Func.ID && f.V == v {
			return f, true
		}
	}
	return nil, false
}

// compare compares what a run yielded with the reference: got holds at
// most what want holds (optional elements aside), all of it when the run
// was complete, and when sorted, in order. withIdx compares indices too.
func compare(got []call, want []Elem, withIdx bool, complete, sorted bool) string {
	key := func(v int, idx string) string {
		if withIdx {
			return fmt.Sprintf("%d@%s", v, idx)
		}
		return fmt.Sprint(v)
	}
	req, opt, have := map[string]int{}, map[string]int{}, map[string]int{}
	anyOpt := false
	for _, e := range want {
		k := key(e.V, e.Idx.String())
		if e.Opt {
			opt[k]++
			anyOpt = true
		} else {
			req[k]++
		}
	}
	for _, g := range got {
		have[key(g.V, g.Idx)]++
	}
	var extra, missing []string
	for k, n := range have {
		if n > req[k]+opt[k] {
			extra = append(extra, fmt.Sprintf("%s×%d", k, n-req[k]-opt[k]))
		}
	}
	if complete {
		for k, n := range req {
			if have[k] < n {
				missing = append(missing, fmt.Sprintf("%s×%d", k, n-have[k]))
			}
		}
	}
	slices.Sort(extra)
	slices.Sort(missing)
	var problems []string
	if len(extra) > 0 {
		problems = append(problems, fmt.Sprintf("%d unexpected elements %s", len(extra), clip(extra)))
	}
	if len(missing) > 0 {
		problems = append(problems, fmt.Sprintf("%d missing elements %s", len(missing), clip(missing)))
	}
	if len(problems) == 0 && sorted && !anyOpt {
		for i, g := range got {
			if i >= len(want) || key(g.V, g.Idx) != key(want[i].V, want[i].Idx.String()) {
				var ws []string
				for _, w := range want[:min(len(want), i+3)] {
					ws = append(ws, key(w.V, w.Idx.String()))
				}
				var gs []string
				for _, g := range got[:min(len(got), i+3)] {
					gs = append(gs, key(g.V, g.Idx))
				}
				problems = append(problems, fmt.Sprintf("out of order at position %d: got %v…, want %v…", i, clip(gs), clip(ws)))
				break
			}
		}
	}
	if len(problems) == 0 {
		return ""
	}
	return fmt.Sprintf("%s (got %d elements, want %d)", strings.Join(problems, "; "), len(got), len(want))
}

func clip(s []string) string {
	if len(s) > 12 {
		return "[" + strings.Join(s[:6], " ") + " … " + strings.Join(s[len(s)-6:], " ") + "]"
	}
	return "[" + strings.Join(s, " ") + "]"
}

// checkHooks checks that done ran once for every started worker, and
// what the hooks were told.
func (c *checker) checkHooks(complete bool) {
	s := c.s
	byFunc := map[int][]*workerRec{}
	for _, w := range s.workers {
		byFunc[w.Func] = append(byFunc[w.Func], w)
	}
	for id, uses := range c.g.Uses {
		f := c.spec.Func(id)
		if f.Hooks == nil {
			continue
		}
		recs := byFunc[id]
		total := 0
		for _, u := range uses {
			total += c.plan.workers(u)
		}
		if len(recs) > total {
			c.failf("hooks", "%s: %d workers started, but its uses %s have %d", f.Name(), len(recs), useNames(uses), total)
		}
		if complete && len(recs) != total {
			c.failf("hooks", "%s: %d workers started in a complete run, want %d", f.Name(), len(recs), total)
		}
		seen := map[string]bool{}
		zero := map[string]bool{}
		for _, w := range recs {
			if f.Hooks.Done && w.Done != 1 {
				c.failf("hooks", "%s: done ran %d times for a started worker %+v", f.Name(), w.Done, w.Worker)
			}
			if w.Worker != nil {
				use := c.g.Use(w.Worker.Stage)
				key := fmt.Sprint(w.Worker.Stage, "/", w.Worker.Index)
				if w.Worker.Pipeline != c.g.P.Name || use == nil || use.Func.ID != id ||
					w.Worker.Index < 0 || w.Worker.Index >= c.plan.workers(use) || seen[key] {
					c.failf("hooks", "%s: start got %+v", f.Name(), *w.Worker)
				}
				seen[key] = true
			}
			if st := w.Status; st != nil {
				use := c.g.Use(st.Stage)
				if use == nil || use.Func.ID != id || st.ActiveWorkers < 0 || st.ActiveWorkers >= c.plan.workers(use) {
					c.failf("hooks", "%s: done got %+v", f.Name(), *st)
				} else if complete && !st.Done {
					c.failf("hooks", "%s: done got %+v in a complete run, want Done", f.Name(), *st)
				}
				if st.ActiveWorkers == 0 {
					zero[st.Stage] = true
				}
			}
		}
		if complete && f.Hooks.Done && f.Hooks.DoneStatus {
			for _, u := range uses {
				if !zero[u.Name] {
					c.failf("hooks", "%s: no done hook of %s saw 0 other active workers", f.Name(), u.Name)
				}
			}
		}
	}
}
