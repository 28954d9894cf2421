package templates

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"
)

// pipeline emits everything of one pipeline: the entry point, the table of
// stage settings, the run struct, the function that starts a run, the
// feeders of its input and one worker method per stage.
func (e *emitter) pipeline(p *Pipeline) {
	e.entryPoint(p)
	e.stagesTable(p)
	e.runType(p)
	e.start(p)
	e.feeders(p)
	for _, s := range p.Stages {
		e.stage(p, s)
	}
}

// inConstraint is the type parameter list of functions that take the
// input: it may be an iter.Seq or an iter.Seq2 with errors.
func (e *emitter) inConstraint(p *Pipeline) jen.Code {
	return jen.Id("In").Qual(RuntimePath, "Input").Types(e.typ(p.Input.Type))
}

// entryPoint emits the function users call.
func (e *emitter) entryPoint(p *Pipeline) {
	in := p.Input.Name
	params := []jen.Code{
		jen.Id("ctx").Qual("context", "Context"),
		jen.Id(in).Id("In"),
		jen.Id("opts").Op("...").Qual(RuntimePath, "Option"),
	}
	start := jen.List(jen.Id("r"), jen.Err()).Op(":=").Id(p.StartFunc).Call(jen.Id("ctx"), jen.Id(in), jen.Id("opts"))

	var stages []string
	for _, s := range p.Stages {
		stages = append(stages, s.Name)
	}
	intro := fmt.Sprintf(`%s runs the pipeline %s over the elements of %s
(//pipegen:pipeline at %s). %s is an iter.Seq, or an iter.Seq2 whose
first error fails the pipeline. The stages %s run concurrently, each with its
own workers and bounded input queue; opts may change their settings.`,
		p.Name, p.Expr, in, p.Where, in, strings.Join(stages, ", "))

	if p.Out == nil {
		doc(e.file, intro+`

It returns when every element has been processed, or as soon as the
pipeline fails: with the first error or panic of a stage or of the input as
a *pipegen.StageError, or with ctx.Err() if ctx is cancelled first. Every
goroutine of the pipeline has ended when it returns.`)
		e.file.Func().Id(p.Name).Types(e.inConstraint(p)).Params(params...).Error().Block(
			start,
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			jen.Return(jen.Id("r").Dot("Wait").Call()),
		)
		return
	}

	outType := e.typ(p.Out.Queue.Type)
	zeroYield := jen.Block(
		jen.Var().Id("zero").Add(outType.Clone()),
		jen.Id("yield").Call(jen.Id("zero"), jen.Err()),
	)
	doc(e.file, intro+`

Ranging over the result yields the output elements as they come, in no
particular order, each with a nil error. If a stage or the input fails or
panics, the pipeline stops and the last pair carries the error, a
*pipegen.StageError; if ctx is cancelled, ctx.Err(). Breaking out of the
loop stops the pipeline; the loop ends only after every goroutine of the
pipeline has ended. Each range runs the pipeline anew.`)
	e.file.Func().Id(p.Name).Types(e.inConstraint(p)).Params(params...).
		Qual("iter", "Seq2").Types(outType.Clone(), jen.Error()).Block(
		jen.Return(jen.Func().Params(jen.Id("yield").Func().Params(outType.Clone(), jen.Error()).Bool()).Block(
			start,
			jen.If(jen.Err().Op("!=").Nil()).Block(
				jen.Var().Id("zero").Add(outType.Clone()),
				jen.Id("yield").Call(jen.Id("zero"), jen.Err()),
				jen.Return(),
			),
			jen.Comment("Stop on every way out: the end, a break, a panic in the loop body."),
			jen.Defer().Id("r").Dot("Stop").Call(),
			jen.Id("done").Op(":=").Id("r").Dot("Done").Call(),
			jen.For().Block(
				jen.List(jen.Id("it"), jen.Id("ok")).Op(":=").Id("r").Dot(p.Out.Field).Dot("get").Call(jen.Id("done")),
				jen.If(jen.Op("!").Id("ok")).Block(jen.Break()),
				jen.If(jen.Op("!").Id("yield").Call(jen.Id("it").Dot("Value"), jen.Nil())).Block(jen.Return()),
			),
			jen.If(jen.Err().Op(":=").Id("r").Dot("Wait").Call(), jen.Err().Op("!=").Nil()).Add(zeroYield),
		)),
	)
}

// stagesTable emits the settings of the stages as the directives give
// them.
func (e *emitter) stagesTable(p *Pipeline) {
	doc(e.file, fmt.Sprintf(`
%s are the stages of %s with the settings of their directives.`, p.StagesVar, p.Name))
	e.file.Var().Id(p.StagesVar).Op("=").Index().Qual(RuntimePath, "StageConfig").ValuesFunc(func(g *jen.Group) {
		for _, s := range p.Stages {
			maxSize := jen.Qual(RuntimePath, "DefaultMaxSize")
			if s.MaxSize >= 0 {
				maxSize = jen.Lit(s.MaxSize)
			}
			g.Line().Add(fields(
				jen.Id("Name"), jen.Lit(s.Name),
				jen.Id("Workers"), jen.Lit(s.Workers),
				jen.Id("MaxSize"), maxSize,
			))
		}
		g.Line()
	})
}

// runType emits the struct of one run: the queues between the stages.
func (e *emitter) runType(p *Pipeline) {
	doc(e.file, fmt.Sprintf(`
%s is one run of %s: the queues between its stages, and the
pipegen.Run that tracks its goroutines.`, p.RunType, p.Name))
	e.file.Type().Id(p.RunType).StructFunc(func(g *jen.Group) {
		g.Op("*").Qual(RuntimePath, "Run")
		for _, s := range p.Stages {
			g.Id(s.In.Field).Op("*").Id(s.In.Queue.Name).Comment("input of " + s.Name)
		}
		if p.Out != nil {
			g.Id(p.Out.Field).Op("*").Id(p.Out.Queue.Name).Comment("output, read by the caller")
		}
	})
}

// start emits the function that creates a run and starts its goroutines.
func (e *emitter) start(p *Pipeline) {
	in := p.Input.Name
	doc(e.file, fmt.Sprintf(`
%s starts one run of %s: a goroutine that feeds %s to the first
stage, and the workers of every stage.`, p.StartFunc, p.Name, in))
	e.file.Func().Id(p.StartFunc).Types(e.inConstraint(p)).Params(
		jen.Id("ctx").Qual("context", "Context"),
		jen.Id(in).Id("In"),
		jen.Id("opts").Index().Qual(RuntimePath, "Option"),
	).Params(jen.Op("*").Id(p.RunType), jen.Error()).BlockFunc(func(g *jen.Group) {
		g.List(jen.Id("run"), jen.Err()).Op(":=").Qual(RuntimePath, "NewRun").Call(
			jen.Id("ctx"), jen.Lit(p.Name), jen.Id(p.StagesVar), jen.Id("opts"))
		g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))

		// Each queue's producers are the workers of the stage before it;
		// the first queue's is the feeder.
		init := []jen.Code{jen.Line().Id("Run").Op(":").Id("run")}
		producers := jen.Lit(1)
		for _, s := range p.Stages {
			init = append(init, jen.Line().Id(s.In.Field).Op(":").Id(s.In.Queue.New).Call(
				jen.Id("run").Dot("MaxSize").Call(jen.Lit(s.Name)), producers))
			producers = jen.Id("run").Dot("Workers").Call(jen.Lit(s.Name))
		}
		if p.Out != nil {
			init = append(init, jen.Line().Id(p.Out.Field).Op(":").Id(p.Out.Queue.New).Call(
				jen.Qual(RuntimePath, "DefaultMaxSize"), producers))
		}
		init = append(init, jen.Line())
		g.Id("r").Op(":=").Op("&").Id(p.RunType).Values(init...)

		// The cases are exactly the types of pipegen.Input.
		t := p.Input.Type
		feed := func(method string) jen.Code {
			return jen.Id("r").Dot("Go").Call(jen.Func().Params().Block(jen.Id("r").Dot(method).Call(jen.Id(in))))
		}
		g.Switch(jen.Id(in).Op(":=").Id("any").Call(jen.Id(in)).Assert(jen.Type())).Block(
			jen.Case(jen.Qual("iter", "Seq").Types(e.typ(t))).Block(feed(p.Input.Feed)),
			jen.Case(jen.Func().Params(jen.Func().Params(e.typ(t)).Bool())).Block(feed(p.Input.Feed)),
			jen.Case(jen.Qual("iter", "Seq2").Types(e.typ(t), jen.Error())).Block(feed(p.Input.Feed+"Seq2")),
			jen.Case(jen.Func().Params(jen.Func().Params(e.typ(t), jen.Error()).Bool())).Block(feed(p.Input.Feed+"Seq2")),
		)
		for _, s := range p.Stages {
			g.For(jen.Id("w").Op(":=").Range().Id("run").Dot("Workers").Call(jen.Lit(s.Name))).Block(
				jen.Id("r").Dot("Go").Call(jen.Func().Params().Block(jen.Id("r").Dot(s.Worker).Call(jen.Id("w")))),
			)
		}
		g.Return(jen.Id("r"), jen.Nil())
	})
}

// feeders emit the two methods that copy the input into the first stage's
// queue, numbering the elements: one for an iter.Seq, one for an
// iter.Seq2 whose error fails the run.
func (e *emitter) feeders(p *Pipeline) {
	in := p.Input
	q := p.Stages[0].In
	for _, seq2 := range []bool{false, true} {
		name, seq := in.Feed, jen.Qual("iter", "Seq").Types(e.typ(in.Type))
		what := fmt.Sprintf("%s sends the elements of %s to stage %s, numbering them.", name, in.Name, p.Stages[0].Name)
		if seq2 {
			name, seq = in.Feed+"Seq2", jen.Qual("iter", "Seq2").Types(e.typ(in.Type), jen.Error())
			what = fmt.Sprintf("%s sends the elements of %s to stage %s, numbering them; the first error of %s fails the run.",
				name, in.Name, p.Stages[0].Name, in.Name)
		}
		doc(e.file, what)
		loopVars := jen.Id("v")
		if seq2 {
			loopVars = jen.List(jen.Id("v"), jen.Err())
		}
		e.file.Func().Params(jen.Id("r").Op("*").Id(p.RunType)).Id(name).Params(jen.Id(in.Name).Add(seq)).BlockFunc(func(g *jen.Group) {
			g.Defer().Id("r").Dot(q.Field).Dot("producerDone").Call()
			g.Var().Id("index").Qual(RuntimePath, "Index")
			g.Defer().Id("r").Dot("Recover").Call(jen.Lit(in.Name), jen.Lit(-1), jen.Op("&").Id("index"))
			g.Id("done").Op(":=").Id("r").Dot("Done").Call()
			g.Var().Id("i").Uint64()
			g.For(loopVars.Op(":=").Range().Id(in.Name)).BlockFunc(func(g *jen.Group) {
				g.Id("index").Op("=").Qual(RuntimePath, "SourceIndex").Call(jen.Id("i"))
				if seq2 {
					g.If(jen.Err().Op("!=").Nil()).Block(
						jen.Id("r").Dot("Fail").Call(jen.Lit(in.Name), jen.Lit(-1), jen.Id("index"), jen.Err()),
						jen.Return(),
					)
				}
				g.If(jen.Op("!").Id("r").Dot(q.Field).Dot("put").Call(jen.Id("done"),
					e.item(q.Queue).Add(fields(jen.Id("Index"), jen.Id("index"), jen.Id("Value"), jen.Id("v"))),
				)).Block(jen.Return())
				g.Id("i").Op("++")
			})
		})
	}
}
