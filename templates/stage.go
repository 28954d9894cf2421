package templates

import (
	"fmt"
	"time"

	"github.com/dave/jennifer/jen"
)

// stage emits the method that runs one worker of stage s: it takes
// elements from the stage's input queue, calls the stage function on each
// and sends what it yields on, until the input ends or the run stops.
func (e *emitter) stage(p *Pipeline, s *Stage) {
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
	doc(e.file, fmt.Sprintf(`
%s runs one worker of stage %s (//pipegen:%s at %s): it
%s.`, s.Worker, s.Name, s.Kind, s.Where, does))

	e.file.Func().Params(jen.Id("r").Op("*").Id(p.RunType)).Id(s.Worker).Params(jen.Id("worker").Int()).BlockFunc(func(g *jen.Group) {
		for _, edge := range distinctEdges(s.Targets) {
			g.Defer().Id("r").Dot(edge.Field).Dot("producerDone").Call()
		}
		g.Var().Id("index").Qual(RuntimePath, "Index")
		recoverPanics := jen.Defer().Id("r").Dot("Recover").Call(jen.Lit(s.Name), jen.Id("worker"), jen.Op("&").Id("index"))
		g.Add(recoverPanics)
		if s.Ctx || (s.Start != nil && s.Start.Ctx) || (s.Done != nil && s.Done.Ctx) {
			g.List(jen.Id("ctx"), jen.Id("done")).Op(":=").List(jen.Id("r").Dot("Context").Call(), jen.Id("r").Dot("Done").Call())
		} else {
			g.Id("done").Op(":=").Id("r").Dot("Done").Call()
		}
		if s.Start != nil {
			e.hooks(g, p, s)
			// Deferred after the done hook, so that it runs first: a panic
			// of the stage is recorded before done runs (and possibly
			// fails), and done still runs.
			g.Comment("Recover the stage's panics before the done hook runs.")
			g.Add(recoverPanics.Clone())
		}
		g.For().BlockFunc(func(g *jen.Group) {
			g.List(jen.Id("it"), jen.Id("ok")).Op(":=").Id("r").Dot(s.In.Field).Dot("get").Call(jen.Id("done"))
			g.If(jen.Op("!").Id("ok")).Block(jen.Return())
			g.Id("index").Op("=").Id("it").Dot("Index")
			b := &body{e: e, s: s}
			if s.Timeout > 0 {
				b.withTimeout(g)
			} else {
				b.element(g)
			}
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

// body writes what a worker does with one element, it, per stage kind and
// function signature.
type body struct {
	e *emitter
	s *Stage
	// cancel is set inside a per-element deadline: every way out must
	// cancel it first.
	cancel bool
}

// exit ends the worker.
func (b *body) exit() []jen.Code {
	if b.cancel {
		return []jen.Code{jen.Id("cancel").Call(), jen.Return()}
	}
	return []jen.Code{jen.Return()}
}

// call is the call of the stage function on the current element.
func (b *body) call() *jen.Statement {
	var args []jen.Code
	if b.s.Ctx {
		args = append(args, jen.Id("ctx"))
	}
	if b.s.Index {
		args = append(args, jen.Id("index"))
	}
	args = append(args, jen.Id("it").Dot("Value"))
	if b.s.Start != nil {
		return jen.Id("state").Dot(b.s.Func).Call(args...)
	}
	return jen.Id(b.s.Func).Call(args...)
}

// checkErr is `if err != nil { fail the run }`.
func (b *body) checkErr() *jen.Statement {
	return jen.If(jen.Err().Op("!=").Nil()).Block(
		append([]jen.Code{jen.Id("r").Dot("Fail").Call(jen.Lit(b.s.Name), jen.Id("worker"), jen.Id("index"), jen.Err())}, b.exit()...)...,
	)
}

// puts sends value to every target.
func (b *body) puts(g *jen.Group, index *jen.Statement, value jen.Code) {
	b.e.puts(g, b.s.Targets, index, value, b.exit())
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
			g.Id("r").Dot("Fail").Call(jen.Lit(s.Name), jen.Id("worker"), jen.Id("index"),
				jen.Op("&").Qual(RuntimePath, "TimeoutError").Values(jen.Id("Timeout").Op(":").Add(durationCode(s.Timeout))))
			for _, c := range b.exit() {
				g.Add(c)
			}
		} else {
			g.Id("cancel").Call()
			g.Id("r").Dot("Dropped").Call(jen.Lit(s.Name), jen.Id("index"))
			g.Continue()
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

// element writes the handling of one element.
func (b *body) element(g *jen.Group) {
	s := b.s
	switch s.Kind {
	case Map:
		if s.Err {
			g.List(jen.Id("v"), jen.Err()).Op(":=").Add(b.call())
			b.afterCall(g)
			g.Add(b.checkErr())
		} else {
			g.Id("v").Op(":=").Add(b.call())
			b.afterCall(g)
		}
		b.puts(g, jen.Id("index"), jen.Id("v"))

	case Filter:
		if s.Err {
			g.List(jen.Id("keep"), jen.Err()).Op(":=").Add(b.call())
			b.afterCall(g)
			g.Add(b.checkErr())
		} else {
			g.Id("keep").Op(":=").Add(b.call())
			b.afterCall(g)
		}
		g.If(jen.Op("!").Id("keep")).Block(jen.Continue())
		if len(s.Targets) == 1 && len(s.Targets[0].Branches) == 0 {
			// The element goes on as it came.
			g.If(jen.Op("!").Id("r").Dot(s.Targets[0].Edge.Field).Dot("put").Call(jen.Id("done"), jen.Id("it"))).Block(jen.Return())
		} else {
			b.puts(g, jen.Id("index"), jen.Id("it").Dot("Value"))
		}

	case Each:
		if s.Err {
			g.Err().Op(":=").Add(b.call())
			b.afterCall(g)
			g.Add(b.checkErr())
		} else {
			g.Add(b.call())
			b.afterCall(g)
		}

	case FlatMap:
		child := jen.Id("index").Dot("Child").Call(jen.Id("child"))
		// The deadline covers producing every child, so it is closed only
		// after the loop.
		seq := b.call()
		if s.Err {
			g.List(jen.Id("vs"), jen.Err()).Op(":=").Add(b.call())
			if s.Flat == FlatSlice {
				b.afterCall(g)
			}
			g.Add(b.checkErr())
			seq = jen.Id("vs")
		} else if s.Flat == FlatSlice {
			g.Id("vs").Op(":=").Add(b.call())
			b.afterCall(g)
			seq = jen.Id("vs")
		}
		switch s.Flat {
		case FlatSlice:
			g.For(jen.List(jen.Id("child"), jen.Id("v")).Op(":=").Range().Add(seq)).BlockFunc(func(g *jen.Group) {
				b.puts(g, child, jen.Id("v"))
			})
		case FlatSeq:
			g.Id("child").Op(":=").Lit(0)
			g.For(jen.Id("v").Op(":=").Range().Add(seq)).BlockFunc(func(g *jen.Group) {
				b.puts(g, child, jen.Id("v"))
				g.Id("child").Op("++")
			})
			b.afterCall(g)
		case FlatSeq2:
			g.Id("child").Op(":=").Lit(0)
			g.For(jen.List(jen.Id("v"), jen.Err()).Op(":=").Range().Add(seq)).BlockFunc(func(g *jen.Group) {
				g.Add(b.checkErr())
				b.puts(g, child, jen.Id("v"))
				g.Id("child").Op("++")
			})
			b.afterCall(g)
		}
	}
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
