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
		does += fmt.Sprintf(", giving each element %v before %s", s.Timeout, what)
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
	doc(e.file, intro)

	e.file.Func().Params(jen.Id("r").Op("*").Id(p.RunType)).Id(s.Worker).Params(jen.Id("worker").Int()).BlockFunc(func(g *jen.Group) {
		needCtx := (s.Start != nil && s.Start.Ctx) || (s.Done != nil && s.Done.Ctx)
		for _, step := range steps(s) {
			needCtx = needCtx || step.Ctx
		}
		if needCtx {
			g.List(jen.Id("ctx"), jen.Id("done")).Op(":=").List(jen.Id("r").Dot("Context").Call(), jen.Id("r").Dot("Done").Call())
		} else {
			g.Id("done").Op(":=").Id("r").Dot("Done").Call()
		}
		openWriters(g, s.Targets, jen.Id("r").Dot("Counter").Call(jen.Lit(s.Name)))
		g.Var().Id("index").Qual(RuntimePath, "Index")
		recoverPanics := jen.Defer().Id("r").Dot("Recover").Call(jen.Lit(s.Name), jen.Id("worker"), jen.Op("&").Id("index"))
		if len(s.Fused) > 0 {
			// Which fused stage runs, on which element, for panics.
			g.Id("stage").Op(":=").Lit(s.Name)
			g.Var().Id("at").Qual(RuntimePath, "Index")
			recoverPanics = jen.Defer().Id("r").Dot("RecoverAt").Call(jen.Op("&").Id("stage"), jen.Id("worker"), jen.Op("&").Id("at"))
		}
		g.Add(recoverPanics)
		if s.Start != nil {
			e.hooks(g, p, s)
			// Deferred after the done hook, so that it runs first: a panic
			// of the stage is recorded before done runs (and possibly
			// fails), and done still runs.
			g.Comment("Recover the stage's panics before the done hook runs.")
			g.Add(recoverPanics.Clone())
		}
		g.Id("queue").Op(":=").Id("r").Dot(s.In.Field).Dot("reader").Call()
		flush := jen.Nil()
		if declareFlush(g, s.Targets) {
			flush = jen.Id("flush")
		}
		g.For().BlockFunc(func(g *jen.Group) {
			g.List(jen.Id("it"), jen.Id("ok")).Op(":=").Id("queue").Dot("get").Call(jen.Id("done"), flush)
			g.If(jen.Op("!").Id("ok").Op("||").Id("r").Dot("Stopped").Call()).Block(jen.Return())
			g.Id("index").Op("=").Id("it").Dot("Index")
			b := &body{e: e, head: s, s: s, in: jen.Id("it").Dot("Value"), idx: jen.Id("index")}
			if len(s.Orders) > 0 {
				g.Id("pos").Op(":=").Id("index").Dot("Source").Call()
			}
			if s.Timeout > 0 {
				b.withTimeout(g)
			} else {
				b.element(g)
			}
			b.release(g)
		})
	})
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
	if s.Start.Err {
		g.List(jen.Id("state"), jen.Err()).Op(":=").Id(s.Start.Name).Call(args...)
		g.If(jen.Err().Op("!=").Nil()).Block(
			jen.Id("r").Dot("Fail").Call(jen.Lit(s.Name), jen.Id("worker"), jen.Id("index"), jen.Err()),
			jen.Return(),
		)
	} else {
		g.Id("state").Op(":=").Id(s.Start.Name).Call(args...)
	}
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
		if s.Done.Err {
			g.If(jen.Err().Op(":=").Id("state").Dot(s.Done.Name).Call(args...), jen.Err().Op("!=").Nil()).Block(
				jen.Id("r").Dot("Fail").Call(jen.Lit(s.Name), jen.Id("worker"), jen.Id("index"), jen.Err()),
			)
		} else {
			g.Id("state").Dot(s.Done.Name).Call(args...)
		}
	}).Call()
}

// body writes what a worker does with one element, per stage kind and
// function signature. In a fused worker, one body per step: each passes
// what it yields to the next step's body instead of a queue.
type body struct {
	e    *emitter
	head *Stage // the worker's stage: its targets, orders and name
	s    *Stage // the step being written
	k    int    // the step's number in the chain, from 0
	// in and idx are the expressions of the element the step handles and
	// of its index.
	in  jen.Code
	idx *jen.Statement
	// nested is set inside the loop over a flatmap's children: continue
	// then goes on to the next child, not the next element.
	nested bool
	// cancel is set inside a per-element deadline: every way out must
	// cancel it first.
	cancel bool
	// resume, in a fused worker inside the loop over a streaming flatmap's
	// children, gives the flatmap back its name for panics before the
	// loop goes on to the iterator: a panic there is the flatmap's.
	resume *jen.Statement
}

// steps returns the chain of a worker: its stage, then the stages fused
// into it.
func steps(s *Stage) []*Stage {
	return append([]*Stage{s}, s.Fused...)
}

// name returns a variable name for step k: v for the first step, v2 for
// the second…
func (b *body) name(base string) string {
	if b.k == 0 {
		return base
	}
	return fmt.Sprintf("%s%d", base, b.k+1)
}

// exit ends the worker.
func (b *body) exit() []jen.Code {
	if b.cancel {
		return []jen.Code{jen.Id("cancel").Call(), jen.Return()}
	}
	return []jen.Code{jen.Return()}
}

// call is the call of the step's function on its element.
func (b *body) call() *jen.Statement {
	var args []jen.Code
	if b.s.Ctx {
		args = append(args, jen.Id("ctx"))
	}
	if b.s.Index {
		args = append(args, b.idx.Clone())
	}
	args = append(args, b.in)
	if b.s.Start != nil {
		return jen.Id("state").Dot(b.s.Func).Call(args...)
	}
	return jen.Id(b.s.Func).Call(args...)
}

// enter records, in a fused worker, which step is running and on which
// element, for the panics that Recover reports.
func (b *body) enter(g *jen.Group) {
	if len(b.head.Fused) > 0 {
		g.List(jen.Id("stage"), jen.Id("at")).Op("=").List(jen.Lit(b.s.Name), b.idx.Clone())
	}
}

// checkErr is `if err != nil { fail the run }`.
func (b *body) checkErr() *jen.Statement {
	return jen.If(jen.Err().Op("!=").Nil()).Block(
		append([]jen.Code{jen.Id("r").Dot("Fail").Call(jen.Lit(b.s.Name), jen.Id("worker"), b.idx.Clone(), jen.Err())}, b.exit()...)...,
	)
}

// emit passes what the step yields on: to the next step of the chain, or
// to every target, first counting it on its way to the ordered terms
// downstream.
func (b *body) emit(g *jen.Group, index *jen.Statement, value jen.Code, nested bool) {
	chain := steps(b.head)
	if b.k+1 < len(chain) {
		next := &body{e: b.e, head: b.head, s: chain[b.k+1], k: b.k + 1, in: value, idx: index, nested: nested, cancel: b.cancel, resume: b.resume}
		next.element(g)
		return
	}
	for _, o := range b.head.Orders {
		g.Id("r").Dot(o.Field).Dot("Add").Call(jen.Id("pos"), jen.Lit(o.Copies))
	}
	b.e.puts(g, b.head.Targets, index, value, b.exit())
}

// release tells the ordered terms downstream that the worker is done with
// the element: what it made of it is counted already.
func (b *body) release(g *jen.Group) {
	for _, o := range b.head.Orders {
		g.Id("r").Dot(o.Field).Dot("Done").Call(jen.Id("pos"))
	}
}

// next goes on to the next element (or child), done with this one.
func (b *body) next(g *jen.Group) {
	if !b.nested {
		b.release(g)
	}
	if b.nested && b.resume != nil {
		g.Add(b.resume.Clone())
	}
	g.Continue()
}

// withTimeout runs the element under its own deadline. The result of an
// element whose deadline passed is not used: the element is dropped, or
// the run fails.
func (b *body) withTimeout(g *jen.Group) {
	s := b.s
	g.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual("context", "WithTimeout").Call(jen.Id("ctx"), durationCode(s.Timeout))
	b.cancel = true
	b.element(g)
}

// expired is the check, after the function returned, that its deadline
// passed; what follows drops the element or fails the run.
func (b *body) expired(g *jen.Group) {
	s := b.s
	g.If(jen.Id("ctx").Dot("Err").Call().Op("==").Qual("context", "DeadlineExceeded")).BlockFunc(func(g *jen.Group) {
		if s.TimeoutFail {
			g.Id("r").Dot("Fail").Call(jen.Lit(s.Name), jen.Id("worker"), b.idx.Clone(),
				jen.Op("&").Qual(RuntimePath, "TimeoutError").Values(jen.Id("Timeout").Op(":").Add(durationCode(s.Timeout))))
			for _, c := range b.exit() {
				g.Add(c)
			}
		} else {
			g.Id("cancel").Call()
			g.Id("r").Dot("Dropped").Call(jen.Lit(s.Name), b.idx.Clone())
			b.next(g)
		}
	})
	g.Id("cancel").Call()
	b.cancel = false
}

// afterCall closes the deadline, if any, once the function's work is
// done.
func (b *body) afterCall(g *jen.Group) {
	if b.cancel {
		b.expired(g)
	}
}

// element writes the handling of one element by the step.
func (b *body) element(g *jen.Group) {
	s := b.s
	v, vs, keep, child := b.name("v"), b.name("vs"), b.name("keep"), b.name("child")
	b.enter(g)
	switch s.Kind {
	case Map:
		if s.Err {
			g.List(jen.Id(v), jen.Err()).Op(":=").Add(b.call())
			b.afterCall(g)
			g.Add(b.checkErr())
		} else {
			g.Id(v).Op(":=").Add(b.call())
			b.afterCall(g)
		}
		b.emit(g, b.idx.Clone(), jen.Id(v), b.nested)

	case Filter:
		if s.Err {
			g.List(jen.Id(keep), jen.Err()).Op(":=").Add(b.call())
			b.afterCall(g)
			g.Add(b.checkErr())
		} else {
			g.Id(keep).Op(":=").Add(b.call())
			b.afterCall(g)
		}
		g.If(jen.Op("!").Id(keep)).BlockFunc(b.next)
		last := b.k == len(b.head.Fused)
		if b.k == 0 && last && len(s.Targets) == 1 && len(s.Targets[0].Branches) == 0 && len(s.Orders) == 0 {
			// The element goes on as it came.
			g.If(jen.Op("!").Id("out").Dot("put").Call(jen.Id("done"), jen.Id("it"))).Block(jen.Return())
		} else {
			b.emit(g, b.idx.Clone(), b.in, b.nested)
		}

	case Each:
		if s.Err && !b.cancel {
			// Scoped: err may be declared by an earlier fused step.
			g.If(jen.Err().Op(":=").Add(b.call()), jen.Err().Op("!=").Nil()).Block(
				append([]jen.Code{jen.Id("r").Dot("Fail").Call(jen.Lit(b.s.Name), jen.Id("worker"), b.idx.Clone(), jen.Err())}, b.exit()...)...,
			)
		} else if s.Err {
			g.Err().Op(":=").Add(b.call())
			b.afterCall(g)
			g.Add(b.checkErr())
		} else {
			g.Add(b.call())
			b.afterCall(g)
		}

	case FlatMap:
		childIndex := b.idx.Clone().Dot("Child").Call(jen.Id(child))
		// The deadline covers producing every child, so it is closed only
		// after the loop.
		seq := b.call()
		if s.Err {
			g.List(jen.Id(vs), jen.Err()).Op(":=").Add(b.call())
			if s.Flat == FlatSlice {
				b.afterCall(g)
			}
			g.Add(b.checkErr())
			seq = jen.Id(vs)
		} else if s.Flat == FlatSlice {
			g.Id(vs).Op(":=").Add(b.call())
			b.afterCall(g)
			seq = jen.Id(vs)
		}
		switch s.Flat {
		case FlatSlice:
			g.For(jen.List(jen.Id(child), jen.Id(v)).Op(":=").Range().Add(seq)).BlockFunc(func(g *jen.Group) {
				b.emit(g, childIndex, jen.Id(v), true)
			})
		case FlatSeq:
			b.childLoop(g, child, jen.Id(v), seq, func(g *jen.Group) {
				b.emit(g, childIndex, jen.Id(v), true)
			})
			b.afterCall(g)
		case FlatSeq2:
			b.childLoop(g, child, jen.List(jen.Id(v), jen.Err()), seq, func(g *jen.Group) {
				if b.cancel {
					// An error because the deadline passed is a timeout,
					// handled after the loop.
					g.If(jen.Err().Op("!=").Nil().Op("&&").Id("ctx").Dot("Err").Call().Op("==").Qual("context", "DeadlineExceeded")).Block(jen.Break())
				}
				g.Add(b.checkErr())
				b.emit(g, childIndex, jen.Id(v), true)
			})
			b.afterCall(g)
		}
	}
}

// childLoop writes the loop over the children of a streaming flatmap.
// The child's number is counted first thing, so that a child skipped by a
// fused filter still counts; in a fused worker, the flatmap takes its name
// back at the end of each child (and before skipping one), since the
// iterator runs again before the next child.
func (b *body) childLoop(g *jen.Group, child string, vars *jen.Statement, seq jen.Code, each func(g *jen.Group)) {
	g.Id(child).Op(":=").Lit(-1)
	resume := b.resume
	if len(b.head.Fused) > 0 {
		b.resume = jen.List(jen.Id("stage"), jen.Id("at")).Op("=").List(jen.Lit(b.s.Name), b.idx.Clone())
	}
	g.For(vars.Op(":=").Range().Add(seq)).BlockFunc(func(g *jen.Group) {
		g.Id(child).Op("++")
		each(g)
		if b.resume != nil {
			g.Add(b.resume.Clone())
		}
	})
	b.resume = resume
}

// orderedWorker emits the goroutine of an ordered term: it keeps what it
// receives until the element's source position is complete (see
// pipegen.Order), then sends that position's elements on in index order.
func (e *emitter) orderedWorker(p *Pipeline, s *Stage) {
	doc(e.file, fmt.Sprintf(`
%s restores the order of the elements reaching %s (ordered at
%s): it holds each element until every element of its source position
has arrived, then sends them on sorted by index. The window of
pipegen.Order keeps the inputs from running too far ahead.`, s.Worker, s.Name, s.Where))
	e.file.Func().Params(jen.Id("r").Op("*").Id(p.RunType)).Id(s.Worker).Params().BlockFunc(func(g *jen.Group) {
		sourcePrologue(g, s.Name, s.Targets, s.Orders, nil)
		declareFlush(g, s.Targets)
		g.Var().Id("held").Qual(RuntimePath, "Reorder").Types(e.typ(s.In.Queue.Type))
		order := jen.Id("r").Dot(s.OrderField)
		// release sends on every complete position.
		g.Id("release").Op(":=").Func().Params().Bool().BlockFunc(func(g *jen.Group) {
			g.For().BlockFunc(func(g *jen.Group) {
				g.List(jen.Id("pos"), jen.Id("ok")).Op(":=").Add(order.Clone()).Dot("Ready").Call()
				g.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.True()))
				for _, o := range s.Orders {
					g.If(jen.Op("!").Id("r").Dot(o.Field).Dot("Open").Call(jen.Id("done"), jen.Lit(o.Source), jen.Id("pos"), jen.Id("flush"))).Block(jen.Return(jen.False()))
				}
				g.For(jen.List(jen.Id("_"), jen.Id("it")).Op(":=").Range().Id("held").Dot("Take").Call(jen.Id("pos"))).BlockFunc(func(g *jen.Group) {
					g.Id("index").Op("=").Id("it").Dot("Index")
					for _, o := range s.Orders {
						g.Id("r").Dot(o.Field).Dot("Add").Call(jen.Id("pos"), jen.Lit(o.Copies))
					}
					e.puts(g, s.Targets, jen.Id("index"), jen.Id("it").Dot("Value"), []jen.Code{jen.Return(jen.False())})
				})
				for _, o := range s.Orders {
					g.Id("r").Dot(o.Field).Dot("Emitted").Call(jen.Lit(o.Source), jen.Id("pos"))
				}
				g.Add(order.Clone()).Dot("Advance").Call()
			})
		})
		in := jen.Id("r").Dot(s.In.Field)
		g.For().Block(
			jen.Comment("Send on what was released before waiting for more."),
			jen.If(jen.Op("!").Id("flush").Call()).Block(jen.Return()),
			jen.Select().Block(
				jen.Case(jen.List(jen.Id("batch"), jen.Id("ok")).Op(":=").Op("<-").Add(in.Clone()).Dot("batches")).Block(
					jen.If(jen.Op("!").Id("ok")).Block(
						jen.Comment("Every element has arrived: what is held is complete."),
						jen.Id("release").Call(),
						jen.Return(),
					),
					jen.For(jen.List(jen.Id("_"), jen.Id("it")).Op(":=").Range().Id("batch")).Block(
						jen.Id("held").Dot("Put").Call(jen.Id("it")),
						order.Clone().Dot("Done").Call(jen.Id("it").Dot("Index").Dot("Source").Call()),
					),
					in.Clone().Dot("pace").Dot("Took").Call(jen.Len(jen.Id("batch"))),
					in.Clone().Dot("recycle").Call(jen.Id("batch")),
				),
				jen.Case(jen.Op("<-").Add(order.Clone()).Dot("Wake").Call()),
				jen.Case(jen.Op("<-").Id("done")).Block(jen.Return()),
			),
			jen.If(jen.Op("!").Id("release").Call()).Block(jen.Return()),
		)
	})
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
