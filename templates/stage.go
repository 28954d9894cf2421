package templates

import (
	"fmt"

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
	doc(e.file, fmt.Sprintf(`
%s runs one worker of stage %s (//pipegen:%s at %s): it
%s.`, s.Worker, s.Name, s.Kind, s.Where, does))

	e.file.Func().Params(jen.Id("r").Op("*").Id(p.RunType)).Id(s.Worker).Params(jen.Id("worker").Int()).BlockFunc(func(g *jen.Group) {
		for _, edge := range distinctEdges(s.Targets) {
			g.Defer().Id("r").Dot(edge.Field).Dot("producerDone").Call()
		}
		g.Var().Id("index").Qual(RuntimePath, "Index")
		g.Defer().Id("r").Dot("Recover").Call(jen.Lit(s.Name), jen.Id("worker"), jen.Op("&").Id("index"))
		if s.Ctx {
			g.List(jen.Id("ctx"), jen.Id("done")).Op(":=").List(jen.Id("r").Dot("Context").Call(), jen.Id("r").Dot("Done").Call())
		} else {
			g.Id("done").Op(":=").Id("r").Dot("Done").Call()
		}
		g.For().BlockFunc(func(g *jen.Group) {
			g.List(jen.Id("it"), jen.Id("ok")).Op(":=").Id("r").Dot(s.In.Field).Dot("get").Call(jen.Id("done"))
			g.If(jen.Op("!").Id("ok")).Block(jen.Return())
			g.Id("index").Op("=").Id("it").Dot("Index")
			e.stageBody(g, s)
		})
	})
}

// call is the call of the stage function on the current element.
func call(s *Stage) *jen.Statement {
	if s.Ctx {
		return jen.Id(s.Func).Call(jen.Id("ctx"), jen.Id("it").Dot("Value"))
	}
	return jen.Id(s.Func).Call(jen.Id("it").Dot("Value"))
}

// fail records err as the run's failure and ends the worker.
func fail(s *Stage) []jen.Code {
	return []jen.Code{
		jen.Id("r").Dot("Fail").Call(jen.Lit(s.Name), jen.Id("worker"), jen.Id("index"), jen.Err()),
		jen.Return(),
	}
}

// checkErr is `if err != nil { fail }`.
func checkErr(s *Stage) *jen.Statement {
	return jen.If(jen.Err().Op("!=").Nil()).Block(fail(s)...)
}

// stageBody is what a worker does with one element it, per stage kind and
// function signature.
func (e *emitter) stageBody(g *jen.Group, s *Stage) {
	switch s.Kind {
	case Map:
		if s.Err {
			g.List(jen.Id("v"), jen.Err()).Op(":=").Add(call(s))
			g.Add(checkErr(s))
		} else {
			g.Id("v").Op(":=").Add(call(s))
		}
		e.puts(g, s.Targets, jen.Id("index"), jen.Id("v"))

	case Filter:
		if s.Err {
			g.List(jen.Id("keep"), jen.Err()).Op(":=").Add(call(s))
			g.Add(checkErr(s))
			g.If(jen.Op("!").Id("keep")).Block(jen.Continue())
		} else {
			g.If(jen.Op("!").Add(call(s))).Block(jen.Continue())
		}
		if len(s.Targets) == 1 && len(s.Targets[0].Branches) == 0 {
			// The element goes on as it came.
			g.If(jen.Op("!").Id("r").Dot(s.Targets[0].Edge.Field).Dot("put").Call(jen.Id("done"), jen.Id("it"))).Block(jen.Return())
		} else {
			e.puts(g, s.Targets, jen.Id("index"), jen.Id("it").Dot("Value"))
		}

	case Each:
		if s.Err {
			g.If(jen.Err().Op(":=").Add(call(s)), jen.Err().Op("!=").Nil()).Block(fail(s)...)
		} else {
			g.Add(call(s))
		}

	case FlatMap:
		child := jen.Id("index").Dot("Child").Call(jen.Id("child"))
		switch {
		case s.Flat == FlatSlice:
			if s.Err {
				g.List(jen.Id("vs"), jen.Err()).Op(":=").Add(call(s))
				g.Add(checkErr(s))
			} else {
				g.Id("vs").Op(":=").Add(call(s))
			}
			g.For(jen.List(jen.Id("child"), jen.Id("v")).Op(":=").Range().Id("vs")).BlockFunc(func(g *jen.Group) {
				e.puts(g, s.Targets, child, jen.Id("v"))
			})
		case s.Flat == FlatSeq:
			seq := call(s)
			if s.Err {
				g.List(jen.Id("vs"), jen.Err()).Op(":=").Add(call(s))
				g.Add(checkErr(s))
				seq = jen.Id("vs")
			}
			g.Id("child").Op(":=").Lit(0)
			g.For(jen.Id("v").Op(":=").Range().Add(seq)).BlockFunc(func(g *jen.Group) {
				e.puts(g, s.Targets, child, jen.Id("v"))
				g.Id("child").Op("++")
			})
		case s.Flat == FlatSeq2:
			seq := call(s)
			if s.Err {
				g.List(jen.Id("vs"), jen.Err()).Op(":=").Add(call(s))
				g.Add(checkErr(s))
				seq = jen.Id("vs")
			}
			g.Id("child").Op(":=").Lit(0)
			g.For(jen.List(jen.Id("v"), jen.Err()).Op(":=").Range().Add(seq)).BlockFunc(func(g *jen.Group) {
				g.Add(checkErr(s))
				e.puts(g, s.Targets, child, jen.Id("v"))
				g.Id("child").Op("++")
			})
		}
	}
}
