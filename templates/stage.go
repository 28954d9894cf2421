package templates

import (
	"fmt"
	"strings"
	"time"

	"github.com/dave/jennifer/jen"
)

// stage emits the method that runs one worker of stage s: it takes
// elements from the stage's input queue, calls the stage function on each
// and sends what it yields on, until the input ends or the run stops.
func (e *emitter) stage(p *Pipeline, s *Stage) {
	if s.Kind == Ordered {
		e.orderedWorker(p, s)
		return
	}
	doc(e.file, stageDoc(s))
	w := newWriters(s.Targets, s.Extra)
	chain := steps(s)
	e.file.Func().Params(jen.Id("r").Op("*").Id(p.RunType)).Id(s.Worker).Params(jen.Id("worker").Int()).BlockFunc(func(g *jen.Group) {
		needCtx := (s.Start != nil && s.Start.Ctx) || (s.Done != nil && s.Done.Ctx)
		for _, step := range chain {
			needCtx = needCtx || step.Ctx
		}
		if needCtx {
			g.List(jen.Id("ctx"), jen.Id("done")).Op(":=").List(jen.Id("r").Dot("Context").Call(), jen.Id("r").Dot("Done").Call())
		} else {
			g.Id("done").Op(":=").Id("r").Dot("Done").Call()
		}
		w.open(g, jen.Id("r").Dot("Counter").Call(jen.Lit(s.Name)))
		g.Id("queue").Op(":=").Id("r").Dot(s.In.Field).Dot("Reader").Call()
		g.Defer().Id("queue").Dot("Close").Call()
		g.Var().Id("it").Op("*").Id(s.In.Item.Name).Comment("the element being worked on")

		b := &body{e: e, p: p, head: s, w: w, idx: make([]func() *jen.Statement, len(chain))}
		el := itemElem(s.In.Item, "it", s.In.Terms)
		b.plan(el)
		if len(b.counters) > 0 {
			g.Var().Id(strings.Join(b.counters, ", ")).Int().Comment("child positions of the flatmaps, for errors")
		}
		var names []jen.Code
		for _, step := range chain {
			names = append(names, jen.Lit(step.Name))
		}
		g.Id("g").Op(":=").Qual(ImplPath, "Guard").Add(fieldLines(
			jen.Id("Stages"), jen.Index().String().Values(names...),
			jen.Id("Worker"), jen.Id("worker"),
			jen.Id("At"), b.atFunc(),
		))
		recoverPanics := jen.Defer().Id("r").Dot("Recover").Call(jen.Op("&").Id("g"))
		g.Add(recoverPanics)
		if s.Start != nil {
			e.hooks(g, p, s)
			// Deferred after the done hook, so that it runs first: a panic
			// of the stage is recorded before done runs (and possibly
			// fails), and done still runs.
			g.Comment("Recover the stage's panics before the done hook runs.")
			g.Add(recoverPanics.Clone())
		}
		if s.Timeout > 0 {
			g.Id("timeout").Op(":=").Id("r").Dot("Timeout").Call(jen.Lit(s.Name))
		}
		g.Id("work").Op(":")
		g.For().BlockFunc(func(g *jen.Group) {
			takeItem(g, "queue", "it", jen.Break().Id("work"))
			b.step(g, 0, el)
		})
		g.Id("g").Dot("Returned").Op("=").True()
	})
}

// takeItem sets it to the next item of the reader queue, exit leaving
// the loop at the end of the queue or when the run stops.
func takeItem(g *jen.Group, queue, it string, exit jen.Code) {
	g.If(jen.Id(it).Op("=").Id(queue).Dot("Take").Call(), jen.Id(it).Op("==").Nil()).Block(
		jen.Var().Id("ok").Bool(),
		jen.If(jen.List(jen.Id(it), jen.Id("ok")).Op("=").Id(queue).Dot("Next").Call(jen.Id("done")), jen.Op("!").Id("ok")).Block(exit),
	)
	g.If(jen.Id("r").Dot("Stopped").Call()).Block(exit)
}

// stageDoc is the doc comment of a stage's worker method.
func stageDoc(s *Stage) string {
	var does string
	switch s.Kind {
	case Map:
		does = fmt.Sprintf("calls %s on each element of its input and sends the result on", s.Func)
	case Filter:
		does = fmt.Sprintf("sends on the elements of its input for which %s reports true", s.Func)
	case FlatMap:
		does = fmt.Sprintf("calls %s on each element of its input and sends on every element of the result", s.Func)
	case Each:
		does = fmt.Sprintf("calls %s on each element of its input", s.Func)
	}
	if s.Timeout > 0 {
		what := "dropping the element (and telling the pipegen.OnTimeout callback)"
		if s.TimeoutFail {
			what = "failing the run"
		}
		does += fmt.Sprintf(", giving each element %v (or what pipegen.Timeout sets) before %s", s.Timeout, what)
	}
	intro := fmt.Sprintf("%s runs one worker of stage %s (//pipegen:%s at %s): it %s.", s.Worker, s.Name, s.Kind, s.Where, does)
	if len(s.Fused) > 0 {
		var names []string
		for _, f := range s.Fused {
			names = append(names, fmt.Sprintf("%s (//pipegen:%s at %s)", f.Name, f.Kind, f.Where))
		}
		intro = fmt.Sprintf("%s runs one worker of stage %s (//pipegen:%s at %s) and of the stages fused into it, %s: each element of its input goes through %s and then through each of them in turn, in this goroutine, with no queue between them.",
			s.Worker, s.Name, s.Kind, s.Where, strings.Join(names, ", "), s.Func)
	}
	if len(s.In.Terms) > 0 {
		intro += " What it drops, it reports to the ordered terms downstream as tombstones."
	}
	return intro
}

// hooks writes the start of a worker of a method stage: its start
// function makes the worker's state, and its done method, if any, is
// deferred so that it runs exactly once however the worker ends.
func (e *emitter) hooks(g *jen.Group, p *Pipeline, s *Stage) {
	var args []jen.Code
	if s.Start.Ctx {
		args = append(args, jen.Id("ctx"))
	}
	if s.Start.Info {
		args = append(args, jen.Qual(RuntimePath, "Worker").Add(fields(
			jen.Id("Pipeline"), jen.Lit(p.Name), jen.Id("Stage"), jen.Lit(s.Name), jen.Id("Index"), jen.Id("worker"))))
	}
	g.Id("g").Dot("Hook").Op("=").Lit(s.Start.Name)
	if s.Start.Err {
		g.List(jen.Id("state"), jen.Err()).Op(":=").Id(s.Start.Name).Call(args...)
		g.If(jen.Err().Op("!=").Nil()).Block(
			jen.Id("r").Dot("FailHook").Call(jen.Lit(s.Name), jen.Id("worker"), jen.Lit(s.Start.Name), jen.Err()),
			jen.Id("g").Dot("Returned").Op("=").True(),
			jen.Return(),
		)
	} else {
		g.Id("state").Op(":=").Id(s.Start.Name).Call(args...)
	}
	g.Id("g").Dot("Hook").Op("=").Lit("")
	g.Id("r").Dot("WorkerStarted").Call(jen.Lit(s.Name))
	args = nil
	if s.Done != nil && s.Done.Ctx {
		// Teardown may need to do I/O after the run stopped.
		args = append(args, jen.Qual("context", "WithoutCancel").Call(jen.Id("ctx")))
	}
	status := jen.Id("r").Dot("WorkerDone").Call(jen.Lit(s.Name))
	if s.Done != nil && s.Done.Info {
		args = append(args, status)
	}
	if s.Done == nil {
		g.Defer().Id("r").Dot("WorkerDone").Call(jen.Lit(s.Name))
		return
	}
	g.Comment(s.Done.Name + " runs once for every started worker, however it ends.")
	g.Defer().Func().Params().BlockFunc(func(g *jen.Group) {
		if !s.Done.Info {
			g.Id("r").Dot("WorkerDone").Call(jen.Lit(s.Name))
		}
		g.List(jen.Id("g").Dot("Hook"), jen.Id("g").Dot("Returned")).Op("=").List(jen.Lit(s.Done.Name), jen.False())
		if s.Done.Err {
			g.If(jen.Err().Op(":=").Id("state").Dot(s.Done.Name).Call(args...), jen.Err().Op("!=").Nil()).Block(
				jen.Id("r").Dot("FailHook").Call(jen.Lit(s.Name), jen.Id("worker"), jen.Lit(s.Done.Name), jen.Err()),
			)
		} else {
			g.Id("state").Dot(s.Done.Name).Call(args...)
		}
		g.Id("g").Dot("Returned").Op("=").True()
	}).Call()
}

// body writes what a worker does with one element: each step of its chain
// (its stage, then the stages fused into it) handles what the step before
// yields, and the last sends it on.
type body struct {
	e    *emitter
	p    *Pipeline
	head *Stage
	w    *writers
	// idx[k] is the index of the element that step k handles, and
	// counters the variables of the flatmaps' child positions.
	idx      []func() *jen.Statement
	counters []string
	counter  []string // counter[k]: the child position variable of step k
	level    []int    // level[k]: how many flatmaps come before step k
}

// plan names the child counters of the flatmap steps and works out the
// index at each step, for the Guard and for errors.
func (b *body) plan(el *elem) {
	chain := steps(b.head)
	b.counter = make([]string, len(chain))
	b.level = make([]int, len(chain))
	idx := el.index
	for k, s := range chain {
		b.idx[k] = idx
		b.level[k] = len(b.counters)
		if s.Kind == FlatMap {
			c := fmt.Sprintf("c%d", k+1)
			b.counter[k] = c
			b.counters = append(b.counters, c)
			parent := idx
			idx = func() *jen.Statement { return parent().Dot("Child").Call(jen.Id(c)) }
		}
	}
}

// atFunc is the Guard's At: the index of the element that a step handles.
func (b *body) atFunc() *jen.Statement {
	return jen.Func().Params(jen.Id("step").Int()).Qual(RuntimePath, "Index").BlockFunc(func(g *jen.Group) {
		g.If(jen.Id("it").Op("==").Nil()).Block(jen.Return(jen.Qual(RuntimePath, "Index").Values()))
		if len(b.idx) == 1 {
			g.Return(b.idx[0]())
			return
		}
		// Steps after the same flatmaps handle elements of the same index.
		var cases []jen.Code
		for k := 1; k < len(b.idx); k++ {
			if b.level[k] == b.level[k-1] {
				continue
			}
			var steps []jen.Code
			for j := k; j < len(b.idx) && b.level[j] == b.level[k]; j++ {
				steps = append(steps, jen.Lit(j))
			}
			cases = append(cases, jen.Case(steps...).Block(jen.Return(b.idx[k]())))
		}
		if len(cases) > 0 {
			g.Switch(jen.Id("step")).Block(cases...)
		}
		g.Return(b.idx[0]())
	})
}

// exit leaves the worker's loop: the run stopped, or failed.
func exit(cancel bool) jen.Code {
	if cancel {
		return jen.Block(jen.Id("cancel").Call(), jen.Break().Id("work"))
	}
	return jen.Break().Id("work")
}

// stepState is what the code of one step knows.
type stepState struct {
	k      int
	cancel bool // inside a per-element deadline: every way out cancels it
	// nested is set inside the loop over a flatmap's children: continue
	// goes on to the next child, not the next element.
	nested bool
	// resume, inside a fused streaming flatmap's loop, gives the flatmap
	// its step back before the iterator runs again.
	resume jen.Code
	// batched is set inside the loop over a slice flatmap's children
	// when it is the last step: no user code runs between the children,
	// so they are published together after the loop.
	batched bool
}

// step writes step k of the chain on el.
func (b *body) step(g *jen.Group, k int, el *elem) {
	b.stepWith(g, &stepState{k: k}, el)
}

func (b *body) stepWith(g *jen.Group, st *stepState, el *elem) {
	chain := steps(b.head)
	s := chain[st.k]
	if len(chain) > 1 {
		g.Id("g").Dot("Step").Op("=").Lit(st.k)
	}
	name := func(base string) string {
		if st.k == 0 {
			return base
		}
		return fmt.Sprintf("%s%d", base, st.k+1)
	}
	v, keep := name("v"), name("keep")
	index := b.idx[st.k]
	call := b.call(s, el)
	if s.Timeout > 0 {
		g.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual(ImplPath, "WithTimeout").Call(jen.Id("ctx"), jen.Id("timeout"))
		st.cancel = true
	}
	failed := func(err jen.Code) *jen.Statement {
		return jen.Id("r").Dot("Fail").Call(jen.Lit(s.Name), jen.Id("worker"), index(), err)
	}
	checkErr := func(g *jen.Group) {
		g.If(jen.Err().Op("!=").Nil()).Block(failed(jen.Err()), exit(st.cancel))
	}
	// afterCall closes the deadline once the function's work is done, and
	// handles an element whose deadline passed.
	afterCall := func(g *jen.Group) {
		if !st.cancel {
			return
		}
		g.Id("expired").Op(":=").Qual(ImplPath, "Expired").Call(jen.Id("ctx"))
		g.Id("cancel").Call()
		st.cancel = false
		g.If(jen.Id("expired")).BlockFunc(func(g *jen.Group) {
			if s.TimeoutFail {
				g.Add(failed(jen.Op("&").Qual(RuntimePath, "TimeoutError").Values(jen.Id("Timeout").Op(":").Id("timeout"))))
				g.Break().Id("work")
				return
			}
			g.If(jen.Id("r").Dot("WantsDropped").Call()).Block(
				jen.Id("r").Dot("Dropped").Call(jen.Lit(s.Name), index(), el.value),
			)
			b.drop(g, st, el)
		})
	}
	switch s.Kind {
	case Map:
		if s.Err {
			g.List(jen.Id(v), jen.Err()).Op(":=").Add(call)
			afterCall(g)
			b.ended(g, s, st)
			checkErr(g)
		} else {
			g.Id(v).Op(":=").Add(call)
			afterCall(g)
			b.ended(g, s, st)
		}
		b.next(g, st, el.with(jen.Id(v)))

	case Filter:
		if s.Err {
			g.List(jen.Id(keep), jen.Err()).Op(":=").Add(call)
			afterCall(g)
			b.ended(g, s, st)
			checkErr(g)
		} else {
			g.Id(keep).Op(":=").Add(call)
			afterCall(g)
			b.ended(g, s, st)
		}
		g.If(jen.Op("!").Id(keep)).BlockFunc(func(g *jen.Group) { b.drop(g, st, el) })
		b.next(g, st, el)

	case Each:
		if s.Err && !st.cancel {
			// Scoped: err may be declared by an earlier fused step.
			g.If(jen.Err().Op(":=").Add(call), jen.Err().Op("!=").Nil()).Block(failed(jen.Err()), exit(false))
		} else if s.Err {
			g.Err().Op(":=").Add(call)
			afterCall(g)
			checkErr(g)
		} else {
			g.Add(call)
			afterCall(g)
		}

	case FlatMap:
		b.flatMap(g, st, el, call)
	}
}

// ended stops the worker after a call of s that took the run's context
// if that context ended meanwhile (the caller's cancel or deadline, a
// failure elsewhere): the function may have cut its work short, so what it
// returned goes no further. Stopped sees the caller's cancel only a moment
// later, and the next stage would otherwise be called on it.
func (b *body) ended(g *jen.Group, s *Stage, st *stepState) {
	if !s.Ctx {
		return
	}
	made := "returned"
	if s.Kind == FlatMap && s.Flat != FlatSlice {
		made = "yields"
	}
	g.Comment("What " + s.Func + " " + made + " once the run has ended goes no further.")
	g.If(jen.Id("r").Dot("Ended").Call()).Block(exit(st.cancel))
}

// call is the call of step s's function on el.
func (b *body) call(s *Stage, el *elem) *jen.Statement {
	var args []jen.Code
	if s.Ctx {
		args = append(args, jen.Id("ctx"))
	}
	if s.Index {
		args = append(args, el.index())
	}
	args = append(args, el.value)
	if s.Start != nil {
		return jen.Id("state").Dot(s.Func).Call(args...)
	}
	return jen.Id(s.Func).Call(args...)
}

// next passes what step st.k yields to the next step, or sends it on.
func (b *body) next(g *jen.Group, st *stepState, el *elem) {
	chain := steps(b.head)
	if st.k+1 < len(chain) {
		b.stepWith(g, &stepState{k: st.k + 1, nested: st.nested, cancel: st.cancel, resume: st.resume}, el)
		return
	}
	b.e.emit(g, b.w, b.head.Targets, b.head.In.Terms, el, exit(st.cancel))
	if !st.batched {
		// Published before any call that may block: the next element's.
		b.w.publish(g)
	}
}

// drop ends el's way: the ordered terms downstream get its share as a
// tombstone, and the worker goes on to the next element or child.
func (b *body) drop(g *jen.Group, st *stepState, el *elem) {
	if len(b.head.In.Terms) > 0 {
		for _, term := range b.head.In.Terms {
			b.e.tombstone(g, b.w, term, el.pos.Clone(), el.shares[term].Clone(), exit(st.cancel))
		}
		b.w.publish(g)
	}
	if st.nested && st.resume != nil {
		g.Add(st.resume)
	}
	g.Continue()
}

// flatMap writes a flatmap step: the call, then a loop over the children.
func (b *body) flatMap(g *jen.Group, st *stepState, el *elem, call *jen.Statement) {
	s := steps(b.head)[st.k]
	name := func(base string) string {
		if st.k == 0 {
			return base
		}
		return fmt.Sprintf("%s%d", base, st.k+1)
	}
	v, vs := name("v"), name("vs")
	c := b.counter[st.k]
	index := b.idx[st.k]
	terms := b.head.In.Terms
	checkErr := func(g *jen.Group) {
		g.If(jen.Err().Op("!=").Nil()).Block(
			jen.Id("r").Dot("Fail").Call(jen.Lit(s.Name), jen.Id("worker"), index(), jen.Err()), exit(st.cancel))
	}
	inner := &stepState{k: st.k, nested: true, cancel: st.cancel}
	if len(steps(b.head)) > 1 && s.Flat != FlatSlice {
		// The iterator runs between children: its panics are this step's.
		inner.resume = jen.Id("g").Dot("Step").Op("=").Lit(st.k)
	}
	// The children's shares, for the ordered terms downstream.
	childShares := func(g *jen.Group) map[*Stage]*jen.Statement {
		m := map[*Stage]*jen.Statement{}
		for _, term := range terms {
			if s.Flat == FlatSlice {
				per, last := termVar("per", term, st.k), termVar("last", term, st.k)
				m[term] = jen.Id(per)
				g.If(jen.Id(c).Op("==").Len(jen.Id(vs)).Op("-").Lit(1)).Block(jen.Id(per).Op("=").Id(last))
			} else {
				sh := termVar("shares", term, st.k)
				m[term] = jen.Id(sh).Dot("Next").Call()
			}
		}
		return m
	}
	afterLoop := func(g *jen.Group) {
		for _, term := range terms {
			if s.Flat != FlatSlice {
				sh := termVar("shares", term, st.k)
				b.e.tombstone(g, b.w, term, el.pos.Clone(), jen.Id(sh).Dot("Rest").Call(), exit(st.cancel))
			}
		}
		if len(terms) > 0 && s.Flat != FlatSlice {
			b.w.publish(g)
		}
	}
	expired := func(g *jen.Group) {
		if !st.cancel {
			return
		}
		g.Id("expired").Op(":=").Qual(ImplPath, "Expired").Call(jen.Id("ctx"))
		g.Id("cancel").Call()
		g.If(jen.Id("expired")).BlockFunc(func(g *jen.Group) {
			if s.TimeoutFail {
				g.Id("r").Dot("Fail").Call(jen.Lit(s.Name), jen.Id("worker"), index(),
					jen.Op("&").Qual(RuntimePath, "TimeoutError").Values(jen.Id("Timeout").Op(":").Id("timeout")))
				g.Break().Id("work")
				return
			}
			g.If(jen.Id("r").Dot("WantsDropped").Call()).Block(
				jen.Id("r").Dot("Dropped").Call(jen.Lit(s.Name), index(), el.value),
			)
			if s.Flat == FlatSlice {
				b.drop(g, &stepState{k: st.k, nested: st.nested, resume: st.resume}, el)
			} else if st.nested {
				g.Continue()
			}
		})
	}

	switch s.Flat {
	case FlatSlice:
		if s.Err {
			g.List(jen.Id(vs), jen.Err()).Op(":=").Add(call)
			expired(g)
			st.cancel = false
			b.ended(g, s, st)
			checkErr(g)
		} else {
			g.Id(vs).Op(":=").Add(call)
			expired(g)
			st.cancel = false
			b.ended(g, s, st)
		}
		inner.cancel = false
		if len(terms) > 0 {
			g.If(jen.Len(jen.Id(vs)).Op("==").Lit(0)).BlockFunc(func(g *jen.Group) { b.drop(g, st, el) })
			for _, term := range terms {
				per, last := termVar("per", term, st.k), termVar("last", term, st.k)
				g.List(jen.Id(per), jen.Id(last)).Op(":=").Id("r").Dot(term.OrderField).Dot("Split").Call(el.pos.Clone(), el.shares[term].Clone(), jen.Len(jen.Id(vs)))
			}
		}
		inner.batched = st.k == len(steps(b.head))-1
		g.For(jen.Id(c).Op("=").Lit(0), jen.Id(c).Op("<").Len(jen.Id(vs)), jen.Id(c).Op("++")).BlockFunc(func(g *jen.Group) {
			g.Id(v).Op(":=").Id(vs).Index(jen.Id(c))
			shares := childShares(g)
			b.next(g, inner, el.child(jen.Id(c), shares, jen.Id(v)))
		})
		if inner.batched {
			// Published before any call that may block: the next element's.
			b.w.publish(g)
		}
	case FlatSeq, FlatSeq2:
		seq := call
		if s.Err {
			g.List(jen.Id(vs), jen.Err()).Op(":=").Add(call)
			checkErr(g)
			seq = jen.Id(vs)
		}
		for _, term := range terms {
			sh := termVar("shares", term, st.k)
			g.Id(sh).Op(":=").Id("r").Dot(term.OrderField).Dot("Stream").Call(el.pos.Clone(), el.shares[term].Clone())
		}
		g.Id(c).Op("=").Lit(-1)
		vars := jen.Id(v)
		if s.Flat == FlatSeq2 {
			vars = jen.List(jen.Id(v), jen.Err())
		}
		g.For(vars.Op(":=").Range().Add(seq)).BlockFunc(func(g *jen.Group) {
			g.Id(c).Op("++")
			if st.cancel {
				// A child yielded after the deadline is not delivered.
				g.If(jen.Id("ctx").Dot("Err").Call().Op("!=").Nil()).Block(jen.Break())
			} else {
				b.ended(g, s, st)
			}
			if s.Flat == FlatSeq2 {
				g.If(jen.Err().Op("!=").Nil()).Block(
					jen.Id("r").Dot("Fail").Call(jen.Lit(s.Name), jen.Id("worker"), index(), jen.Err()), exit(st.cancel))
			}
			shares := childShares(g)
			b.next(g, inner, el.child(jen.Id(c), shares, jen.Id(v)))
			if inner.resume != nil {
				g.Add(inner.resume)
			}
		})
		afterLoop(g)
		expired(g)
		if st.cancel {
			b.ended(g, s, &stepState{})
		}
	}
}

// orderedWorker emits the goroutine of an ordered term: it keeps what it
// receives until the element's source position is complete (see
// pipegenimpl.Reorder), then sends that position's elements on sorted by
// index.
func (e *emitter) orderedWorker(p *Pipeline, s *Stage) {
	doc(e.file, fmt.Sprintf(`
%s restores the order of the elements reaching %s (ordered at
%s): it holds each element until the shares of its source position have
all arrived, then sends the position's elements on sorted by index. The
window of pipegenimpl.Term keeps the sources from running too far ahead.`, s.Worker, s.Name, s.Where))
	w := newWriters(s.Targets, s.Extra)
	item := s.In.Item
	e.file.Func().Params(jen.Id("r").Op("*").Id(p.RunType)).Id(s.Worker).Params().BlockFunc(func(g *jen.Group) {
		g.Id("done").Op(":=").Id("r").Dot("Done").Call()
		w.open(g, nil)
		g.Id("queue").Op(":=").Id("r").Dot(s.In.Field).Dot("Reader").Call()
		g.Defer().Id("queue").Dot("Close").Call()
		g.Id("held").Op(":=").Qual(ImplPath, "NewReorder").Types(jen.Id(item.Name)).Call(jen.Id("r").Dot(s.OrderField), jen.Lit(s.Sources), e.compareFunc(item))
		g.Comment("Tell the sources how far the term is before waiting for more.")
		g.Id("queue").Dot("OnIdle").Call(jen.Id("held").Dot("Publish"))
		if len(s.Orders) > 0 {
			g.Id("publish").Op(":=").Add(w.publishFunc())
		}
		g.Var().Id("n").Uint64().Comment("positions emitted, for the ordered terms downstream")
		el := itemElem(item, "it", nil)
		g.Id("work").Op(":")
		g.For().BlockFunc(func(g *jen.Group) {
			g.List(jen.Id("it"), jen.Id("ok")).Op(":=").Id("queue").Dot("Next").Call(jen.Id("done"))
			g.If(jen.Op("!").Id("ok").Op("||").Id("r").Dot("Stopped").Call()).Block(jen.Break().Id("work"))
			g.If(jen.Op("!").Id("held").Dot("Put").Call(jen.Id("it").Dot("mark"), el.pos.Clone(), jen.Id("it").Dot("share").Index(jen.Lit(0)), jen.Id("it"))).Block(
				jen.Continue(),
			)
			g.Comment("Send on every position now complete.")
			g.For().BlockFunc(func(g *jen.Group) {
				g.List(jen.Id("items"), jen.Id("ok")).Op(":=").Id("held").Dot("Ready").Call()
				g.If(jen.Op("!").Id("ok")).Block(jen.Break())
				for _, o := range s.Orders {
					g.If(jen.Op("!").Id("r").Dot(o.Term.OrderField).Dot("Open").Call(jen.Id("done"), jen.Id("n"), jen.Id("publish"))).Block(jen.Break().Id("work"))
				}
				shares := map[*Stage]*jen.Statement{}
				for _, o := range s.Orders {
					term := o.Term
					per, last := termVar("per", term, 0), termVar("last", term, 0)
					g.Var().List(jen.Id(per), jen.Id(last)).Uint64()
					g.If(jen.Len(jen.Id("items")).Op("==").Lit(0)).BlockFunc(func(g *jen.Group) {
						e.tombstone(g, w, term, jen.Id("n"), impl("FullShare"), jen.Break().Id("work"))
					}).Else().Block(
						jen.List(jen.Id(per), jen.Id(last)).Op("=").Id("r").Dot(term.OrderField).Dot("Split").Call(jen.Id("n"), impl("FullShare"), jen.Len(jen.Id("items"))),
					)
					shares[term] = jen.Id(per)
				}
				g.For(jen.Id("k").Op(":=").Range().Id("items")).BlockFunc(func(g *jen.Group) {
					g.Id("it").Op(":=").Op("&").Id("items").Index(jen.Id("k"))
					for _, o := range s.Orders {
						per, last := termVar("per", o.Term, 0), termVar("last", o.Term, 0)
						g.If(jen.Id("k").Op("==").Len(jen.Id("items")).Op("-").Lit(1)).Block(jen.Id(per).Op("=").Id(last))
					}
					out := itemElem(item, "it", nil)
					out.shares = shares
					e.emit(g, w, s.Targets, termsOf(s.Orders), out, jen.Break().Id("work"))
				})
				g.Id("held").Dot("Advance").Call()
				g.Id("n").Op("++")
			})
			w.publish(g)
		})
		for _, o := range s.Orders {
			e.sourceEnd(g, w, o.Term, o.Source, jen.Id("n"))
		}
	})
}

// compareFunc is the function that orders two items of one source
// position by index, or nil when a position never has two.
func (e *emitter) compareFunc(item *Item) jen.Code {
	switch {
	case item.Indexed:
		return jen.Func().Params(jen.List(jen.Id("left"), jen.Id("right")).Op("*").Id(item.Name)).Int().Block(
			jen.Return(jen.Qual(RuntimePath, "Compare").Call(jen.Id("left").Dot("at"), jen.Id("right").Dot("at"))))
	case item.Depth > 0:
		// Elements of one position differ in their levels only.
		return jen.Func().Params(jen.List(jen.Id("left"), jen.Id("right")).Op("*").Id(item.Name)).Int().Block(
			jen.For(jen.Id("k").Op(":=").Range().Id("left").Dot("path")).Block(
				jen.If(jen.Id("left").Dot("path").Index(jen.Id("k")).Op("!=").Id("right").Dot("path").Index(jen.Id("k"))).Block(
					jen.If(jen.Id("left").Dot("path").Index(jen.Id("k")).Op("<").Id("right").Dot("path").Index(jen.Id("k"))).Block(jen.Return(jen.Lit(-1))),
					jen.Return(jen.Lit(1)),
				),
			),
			jen.Return(jen.Lit(0)),
		)
	}
	return jen.Nil()
}

// steps returns the chain of a worker: its stage, then the stages fused
// into it.
func steps(s *Stage) []*Stage {
	return append([]*Stage{s}, s.Fused...)
}

// durationCode writes d the way a person would: 2 * time.Second,
// 1500 * time.Millisecond.
func durationCode(d time.Duration) *jen.Statement {
	units := []struct {
		unit time.Duration
		name string
	}{{time.Hour, "Hour"}, {time.Minute, "Minute"}, {time.Second, "Second"},
		{time.Millisecond, "Millisecond"}, {time.Microsecond, "Microsecond"}}
	for _, u := range units {
		if d%u.unit == 0 {
			if d == u.unit {
				return jen.Qual("time", u.name)
			}
			return jen.Lit(int(d/u.unit)).Op("*").Qual("time", u.name)
		}
	}
	return jen.Qual("time", "Duration").Call(jen.Lit(int(d)))
}

// termVar names a local of the bookkeeping of term at step k: per1, last1,
// shares12…
func termVar(prefix string, term *Stage, k int) string {
	if k == 0 {
		return fmt.Sprintf("%s%d", prefix, term.TermNo)
	}
	return fmt.Sprintf("%s%d%d", prefix, term.TermNo, k+1)
}
