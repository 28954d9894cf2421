package templates

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"
)

// pipeline emits everything of one pipeline: the entry points, the table of
// stage settings, the run struct, the function that starts a run, the
// feeders of its inputs and one worker method per stage.
func (e *emitter) pipeline(p *Pipeline) {
	e.entryPoint(p)
	e.stageNames(p)
	e.stagesTable(p)
	e.runType(p)
	e.start(p)
	for _, in := range p.Inputs {
		e.feeders(p, in)
	}
	for _, s := range p.Stages {
		if s != p.CallerTerm {
			e.stage(p, s)
		}
	}
}

// typeParams is the type parameter list of the functions that take the
// inputs: each may be an iter.Seq, an iter.Seq2 with errors or a channel.
func (e *emitter) typeParams(p *Pipeline) []jen.Code {
	var list []jen.Code
	for _, in := range p.Inputs {
		list = append(list, jen.Id(in.TypeParam).Qual(RuntimePath, "Input").Types(e.typ(in.Type)))
	}
	return list
}

// inputParams are the input parameters, inputArgs the same as arguments.
func inputParams(p *Pipeline) (params, args []jen.Code) {
	for _, in := range p.Inputs {
		params = append(params, jen.Id(in.Name).Id(in.TypeParam))
		args = append(args, jen.Id(in.Name))
	}
	return params, args
}

// inputNames lists the inputs for doc comments: "in", "a and b", "a, b and c".
func inputNames(p *Pipeline) string {
	var names []string
	for _, in := range p.Inputs {
		names = append(names, in.Name)
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// entryPoint emits the functions users call.
func (e *emitter) entryPoint(p *Pipeline) {
	inParams, inArgs := inputParams(p)
	params := append([]jen.Code{jen.Id("ctx").Qual("context", "Context")}, inParams...)
	params = append(params, jen.Id("opts").Op("...").Qual(RuntimePath, "Option"))
	startArgs := append(append([]jen.Code{jen.Id("ctx")}, inArgs...), jen.Id("opts"))
	start := jen.List(jen.Id("r"), jen.Err()).Op(":=").Id(p.StartFunc).Call(startArgs...)

	var stages []string
	for _, s := range userStages(p) {
		for _, step := range steps(s) {
			stages = append(stages, step.Name)
		}
	}
	what := "an iter.Seq, an iter.Seq2 whose first error fails the pipeline, or a channel"
	if len(p.Inputs) > 1 {
		what = "each an iter.Seq, an iter.Seq2 whose first error fails the pipeline, or a channel, read concurrently"
	}
	intro := fmt.Sprintf(`%s runs the pipeline %s (//pipegen:pipeline at %s) over the
elements of %s, %s.`, p.Name, p.Expr, p.Where, inputNames(p), what)
	switch len(stages) {
	case 0:
	case 1:
		intro += fmt.Sprintf(` The stage %s runs with its own workers and bounded
input queue; opts may change its settings.`, stages[0])
	default:
		intro += fmt.Sprintf(` The stages %s run concurrently, each with its
own workers and bounded input queue; opts may change their settings.`, strings.Join(stages, ", "))
	}

	if p.Out == nil {
		doc(e.file, intro+`

It returns when every element has been processed, or as soon as the
pipeline fails: with the first error or panic of a stage or of the input as
a *pipegen.StageError, or with ctx.Err() if ctx is cancelled first. Every
goroutine of the pipeline has finished when it returns.`)
		e.file.Func().Id(p.Name).Types(e.typeParams(p)...).Params(params...).Error().Block(
			e.remoteDiversion(p, true), // distribute.go
			start,
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			jen.Return(jen.Id("r").Dot("Wait").Call()),
		)
		return
	}

	outType := e.typ(p.Out.Item.Type)
	order := "as they come, in no particular order"
	if p.Ordered {
		order = "in the order of their indices (input position, then concat branch, then position among a flatmap's children), streamed: an element leaves as soon as every element before it has"
	}
	withIndex := p.Name + "WithIndex"
	doc(e.file, intro+`

Ranging over the result yields the output elements, each with a nil
error, `+order+`. If a stage or the input fails or
panics, the pipeline stops and the last pair carries the error, a
*pipegen.StageError; if ctx is cancelled, ctx.Err(). Breaking out of the
loop, or cancelling ctx in it, stops the pipeline: no element is yielded
after that, and the loop ends only after every goroutine of the pipeline
has finished. Each range runs the pipeline anew. `+withIndex+` also
yields each element's index.`)
	e.file.Func().Id(p.Name).Types(e.typeParams(p)...).Params(params...).
		Qual("iter", "Seq2").Types(outType.Clone(), jen.Error()).
		Block(e.remoteDiversion(p, false), e.caller(p, start, outType.Clone(), func(el *elem) jen.Code { return el.value }))

	item := jen.Qual(RuntimePath, "Item").Types(outType.Clone())
	doc(e.file, fmt.Sprintf(`
%s is %s yielding each element with its index (pypeln's
return_index): its position in the input, and for elements made by
flatmap stages or passed through concats, their position there, level by
level. On failure the last pair carries a zero Item and the error.`, withIndex, p.Name))
	e.file.Func().Id(withIndex).Types(e.typeParams(p)...).Params(params...).
		Qual("iter", "Seq2").Types(item.Clone(), jen.Error()).
		Block(e.remoteDiversion(p, true), e.caller(p, start, item.Clone(), func(el *elem) jen.Code {
			return item.Clone().Add(fields(jen.Id("Index"), el.index(), jen.Id("Value"), el.value))
		}))
}

// caller is the body of an entry point that yields what the pipeline
// makes: it starts a run and reads its output queue, yielding what value
// makes of each item.
func (e *emitter) caller(p *Pipeline, start jen.Code, yielded *jen.Statement, value func(*elem) jen.Code) jen.Code {
	if p.CallerTerm != nil {
		return e.orderingCaller(p, start, yielded, value)
	}
	el := itemElem(p.Out.Item, "it", nil)
	return jen.Return(jen.Func().Params(jen.Id("yield").Func().Params(yielded.Clone(), jen.Error()).Bool()).Block(
		start,
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Var().Id("zero").Add(yielded.Clone()),
			jen.Id("yield").Call(jen.Id("zero"), jen.Err()),
			jen.Return(),
		),
		jen.Comment("Stop on every way out: the end, a break, a panic in the loop body."),
		jen.Defer().Id("r").Dot("Stop").Call(),
		jen.List(jen.Id("done"), jen.Id("out")).Op(":=").List(jen.Id("r").Dot("Done").Call(), jen.Id("r").Dot(p.Out.Field).Dot("Reader").Call()),
		jen.Defer().Id("out").Dot("Close").Call(),
		jen.For().Block(
			jen.Id("it").Op(":=").Id("out").Dot("Take").Call(),
			jen.If(jen.Id("it").Op("==").Nil()).Block(
				jen.Var().Id("ok").Bool(),
				jen.If(jen.List(jen.Id("it"), jen.Id("ok")).Op("=").Id("out").Dot("Next").Call(jen.Id("done")), jen.Op("!").Id("ok")).Block(jen.Break()),
			),
			jen.Comment("The loop body may have cancelled ctx: yield nothing more then."),
			jen.If(jen.Id("r").Dot("Stopped").Call().Op("||").Id("ctx").Dot("Err").Call().Op("!=").Nil()).Block(jen.Break()),
			jen.If(jen.Op("!").Id("yield").Call(value(el), jen.Nil())).Block(jen.Return()),
		),
		jen.If(jen.Err().Op(":=").Id("r").Dot("Wait").Call(), jen.Err().Op("!=").Nil()).Block(
			jen.Var().Id("zero").Add(yielded.Clone()),
			jen.Id("yield").Call(jen.Id("zero"), jen.Err()),
		),
	))
}

// orderingCaller is caller for a pipeline whose ordered term the caller's
// goroutine runs: it reads the term's input queue, holds each element
// until its source position is complete, and yields the positions in
// order, as the term's goroutine would send them on.
func (e *emitter) orderingCaller(p *Pipeline, start jen.Code, yielded *jen.Statement, value func(*elem) jen.Code) jen.Code {
	s := p.CallerTerm
	item := s.In.Item
	el := itemElem(item, "it", nil)
	return jen.Return(jen.Func().Params(jen.Id("yield").Func().Params(yielded.Clone(), jen.Error()).Bool()).BlockFunc(func(g *jen.Group) {
		g.Add(start)
		g.If(jen.Err().Op("!=").Nil()).Block(
			jen.Var().Id("zero").Add(yielded.Clone()),
			jen.Id("yield").Call(jen.Id("zero"), jen.Err()),
			jen.Return(),
		)
		g.Comment("Stop on every way out: the end, a break, a panic in the loop body.")
		g.Defer().Id("r").Dot("Stop").Call()
		g.List(jen.Id("done"), jen.Id("queue")).Op(":=").List(jen.Id("r").Dot("Done").Call(), jen.Id("r").Dot(s.In.Field).Dot("Reader").Call())
		g.Defer().Id("queue").Dot("Close").Call()
		g.Comment("The elements reach " + s.Name + " in any order: hold each until its source")
		g.Comment("position is complete, and yield the positions in order.")
		g.Id("held").Op(":=").Qual(ImplPath, "NewReorder").Types(jen.Id(item.Name)).Call(jen.Id("r").Dot(s.OrderField), jen.Lit(s.Sources), e.compareFunc(item))
		g.Id("queue").Dot("OnIdle").Call(jen.Id("held").Dot("Publish"))
		g.Id("reading").Op(":").For().BlockFunc(func(g *jen.Group) {
			g.Id("it").Op(":=").Id("queue").Dot("Take").Call()
			g.If(jen.Id("it").Op("==").Nil()).Block(
				jen.Var().Id("ok").Bool(),
				jen.If(jen.List(jen.Id("it"), jen.Id("ok")).Op("=").Id("queue").Dot("Next").Call(jen.Id("done")), jen.Op("!").Id("ok")).Block(jen.Break()),
			)
			g.If(jen.Id("r").Dot("Stopped").Call()).Block(jen.Break())
			g.If(jen.Op("!").Id("held").Dot("Put").Call(jen.Id("it").Dot("mark"), el.pos.Clone(), jen.Id("it").Dot("share").Index(jen.Lit(0)), jen.Id("it"))).Block(
				jen.Continue(),
			)
			g.For().BlockFunc(func(g *jen.Group) {
				g.List(jen.Id("items"), jen.Id("ok")).Op(":=").Id("held").Dot("Ready").Call()
				g.If(jen.Op("!").Id("ok")).Block(jen.Break())
				g.For(jen.Id("k").Op(":=").Range().Id("items")).Block(
					jen.Id("it").Op(":=").Op("&").Id("items").Index(jen.Id("k")),
					jen.Comment("The loop body or a stage may have cancelled ctx, or the run"),
					jen.Comment("failed: yield nothing more then, and end with the run's error."),
					jen.If(jen.Id("r").Dot("Stopped").Call().Op("||").Id("ctx").Dot("Err").Call().Op("!=").Nil()).Block(jen.Break().Id("reading")),
					jen.If(jen.Op("!").Id("yield").Call(value(el), jen.Nil())).Block(jen.Return()),
				)
				g.Id("held").Dot("Advance").Call()
			})
		})
		g.If(jen.Err().Op(":=").Id("r").Dot("Wait").Call(), jen.Err().Op("!=").Nil()).Block(
			jen.Var().Id("zero").Add(yielded.Clone()),
			jen.Id("yield").Call(jen.Id("zero"), jen.Err()),
		)
	}))
}

// stageNames emits the variable that names the pipeline's stages for the
// typed options.
func (e *emitter) stageNames(p *Pipeline) {
	var all []*Stage
	for _, head := range userStages(p) {
		all = append(all, steps(head)...)
	}
	if len(all) == 0 {
		return
	}
	example := fmt.Sprintf("%s.%s.Workers(4)", p.NamesVar, p.StageFields[0])
	doc(e.file, fmt.Sprintf(`
%s are the stages of %s, to name them in options that the compiler
checks: %s(ctx, …, %s).`, p.NamesVar, p.Name, p.Name, example))
	e.file.Var().Id(p.NamesVar).Op("=").StructFunc(func(g *jen.Group) {
		for i, s := range all {
			g.Comment(fmt.Sprintf("%s is the stage %s (//pipegen:%s at %s).", p.StageFields[i], s.Name, s.Kind, s.Where))
			g.Id(p.StageFields[i]).Qual(RuntimePath, "Stage")
		}
	}).ValuesFunc(func(g *jen.Group) {
		for i, s := range all {
			g.Line().Id(p.StageFields[i]).Op(":").Qual(RuntimePath, "StageNamed").Call(jen.Lit(s.Name))
		}
		g.Line()
	})
}

// stagesTable emits the settings of the stages as the directives give
// them.
func (e *emitter) stagesTable(p *Pipeline) {
	doc(e.file, fmt.Sprintf(`
%s are the stages of %s with the settings of their directives.`, p.StagesVar, p.Name))
	e.file.Var().Id(p.StagesVar).Op("=").Index().Qual(ImplPath, "StageConfig").ValuesFunc(func(g *jen.Group) {
		for _, head := range userStages(p) {
			for i, s := range steps(head) {
				maxSize := jen.Qual(RuntimePath, "DefaultMaxSize")
				if s.MaxSize >= 0 {
					maxSize = jen.Lit(s.MaxSize)
				}
				kv := []jen.Code{
					jen.Id("Name"), jen.Lit(s.Name),
					jen.Id("Workers"), jen.Lit(s.Workers),
					jen.Id("MaxSize"), maxSize,
				}
				if s.Timeout > 0 {
					kv = append(kv, jen.Id("Timeout"), durationCode(s.Timeout))
				}
				if i > 0 {
					kv = append(kv, jen.Id("FusedInto"), jen.Lit(head.Name))
				}
				g.Line().Add(fields(kv...))
			}
		}
		if len(userStages(p)) > 0 {
			g.Line()
		}
	})
}

// userStages are the stages that run the user's functions: all but the
// ordered terms.
func userStages(p *Pipeline) []*Stage {
	var list []*Stage
	for _, s := range p.Stages {
		if s.Kind != Ordered {
			list = append(list, s)
		}
	}
	return list
}

// edges returns every queue of the run in field order: the stages' input
// queues, then the output.
func edges(p *Pipeline) []*Edge {
	var list []*Edge
	for _, s := range p.Stages {
		list = append(list, s.In)
	}
	if p.Out != nil && p.CallerTerm == nil {
		list = append(list, p.Out)
	}
	return list
}

// queueType is the type of edge's queue.
func queueType(edge *Edge) *jen.Statement {
	return jen.Op("*").Qual(ImplPath, "Queue").Types(jen.Id(edge.Item.Name))
}

// runType emits the struct of one run: the queues between the stages.
func (e *emitter) runType(p *Pipeline) {
	doc(e.file, fmt.Sprintf(`
%s is one run of %s: the queues between its stages, and the
pipegenimpl.Run that tracks its goroutines.`, p.RunType, p.Name))
	e.file.Type().Id(p.RunType).StructFunc(func(g *jen.Group) {
		g.Op("*").Qual(ImplPath, "Run")
		for _, edge := range edges(p) {
			what := "input of " + edge.Consumer
			if edge.Consumer == "" {
				what = "output, read by the caller"
			}
			g.Id(edge.Field).Add(queueType(edge)).Comment(what)
		}
		for _, s := range p.Stages {
			if s.Kind == Ordered {
				g.Id(s.OrderField).Op("*").Qual(ImplPath, "Term").Comment("bookkeeping of " + s.Name)
			}
		}
	})
}

// producers is the number of goroutines that send to edge: the workers
// of its producer stages, plus one per input or ordered term that does.
func producers(edge *Edge) jen.Code {
	var terms []jen.Code
	for _, s := range edge.ProducerStages {
		terms = append(terms, jen.Id("run").Dot("Workers").Call(jen.Lit(s)))
	}
	if edge.ProducerSingles > 0 {
		terms = append(terms, jen.Lit(edge.ProducerSingles))
	}
	sum := jen.Add(terms[0])
	for _, t := range terms[1:] {
		sum.Op("+").Add(t)
	}
	return sum
}

// start emits the function that creates a run and starts its goroutines.
func (e *emitter) start(p *Pipeline) {
	inParams, _ := inputParams(p)
	params := append([]jen.Code{jen.Id("ctx").Qual("context", "Context")}, inParams...)
	params = append(params, jen.Id("opts").Index().Qual(RuntimePath, "Option"))
	doc(e.file, fmt.Sprintf(`
%s starts one run of %s: a goroutine per input that feeds it to the
stages, and the workers of every stage.`, p.StartFunc, p.Name))
	e.file.Func().Id(p.StartFunc).Types(e.typeParams(p)...).Params(params...).
		Params(jen.Op("*").Id(p.RunType), jen.Error()).BlockFunc(func(g *jen.Group) {
		g.List(jen.Id("run"), jen.Err()).Op(":=").Qual(ImplPath, "NewRun").Call(
			jen.Id("ctx"), jen.Lit(p.Name), jen.Id(p.StagesVar), jen.Id("opts"))
		g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))

		// Each queue's producers are the workers of the stages and the
		// goroutines of the inputs and ordered terms that send to it.
		init := []jen.Code{jen.Line().Id("Run").Op(":").Id("run")}
		for _, edge := range edges(p) {
			size := jen.Id("run").Dot("OutputSize").Call()
			consumers := jen.Lit(1)
			if edge.Consumer != "" && !edge.Ordered {
				size = jen.Id("run").Dot("MaxSize").Call(jen.Lit(edge.Consumer))
				consumers = jen.Id("run").Dot("Workers").Call(jen.Lit(edge.Consumer))
			} else if edge.Ordered {
				size = jen.Qual(RuntimePath, "DefaultMaxSize")
			}
			init = append(init, jen.Line().Id(edge.Field).Op(":").Qual(ImplPath, "NewQueue").Types(jen.Id(edge.Item.Name)).
				Call(size, jen.Id("run").Dot("MaxBatch").Call(), producers(edge), consumers))
		}
		for _, s := range p.Stages {
			if s.Kind == Ordered {
				init = append(init, jen.Line().Id(s.OrderField).Op(":").Qual(ImplPath, "NewTerm").Call())
			}
		}
		init = append(init, jen.Line())
		g.Id("r").Op(":=").Op("&").Id(p.RunType).Values(init...)
		g.Comment("Show the queues to the statistics, if the call keeps them.")
		for _, edge := range edges(p) {
			if !edge.Ordered {
				g.Qual(ImplPath, "Watch").Call(jen.Id("run"), jen.Lit(edge.Consumer), jen.Id("r").Dot(edge.Field))
			}
		}
		for _, in := range p.Inputs {
			seq, seq2 := "seq", "seq2"
			if len(p.Inputs) > 1 {
				seq, seq2 = in.Name+"Seq", in.Name+"Seq2"
			}
			g.List(jen.Id(seq), jen.Id(seq2)).Op(":=").Qual(ImplPath, "Source").Types(e.typ(in.Type)).Call(jen.Id(in.Name), jen.Id("run").Dot("Done").Call())
			g.If(jen.Id(seq).Op("!=").Nil()).Block(
				jen.Id("r").Dot("Go").Call(jen.Func().Params().Block(jen.Id("r").Dot(in.Feed).Call(jen.Id(seq)))),
			).Else().Block(
				jen.Id("r").Dot("Go").Call(jen.Func().Params().Block(jen.Id("r").Dot(in.Feed + "Seq2").Call(jen.Id(seq2)))),
			)
		}
		for _, s := range p.Stages {
			if s == p.CallerTerm {
				continue // the caller's goroutine runs it
			}
			if s.Kind == Ordered {
				g.Id("r").Dot("Go").Call(jen.Id("r").Dot(s.Worker))
				continue
			}
			g.For(jen.Id("w").Op(":=").Range().Id("run").Dot("Workers").Call(jen.Lit(s.Name))).Block(
				jen.Id("r").Dot("Go").Call(jen.Func().Params().Block(jen.Id("r").Dot(s.Worker).Call(jen.Id("w")))),
			)
		}
		g.Return(jen.Id("r"), jen.Nil())
	})
}

// feeders emit the two methods that copy an input to its targets,
// numbering the elements: one for an iter.Seq (a channel becomes one), one
// for an iter.Seq2 whose error fails the run.
func (e *emitter) feeders(p *Pipeline, in *Input) {
	dest := targetNames(in.Targets)
	w := newWriters(in.Targets, in.Extra)
	for _, seq2 := range []bool{false, true} {
		name, seq := in.Feed, jen.Qual("iter", "Seq").Types(e.typ(in.Type))
		what := fmt.Sprintf("%s sends the elements of %s to %s, numbering them.", name, in.Name, dest)
		if seq2 {
			name, seq = in.Feed+"Seq2", jen.Qual("iter", "Seq2").Types(e.typ(in.Type), jen.Error())
			what = fmt.Sprintf("%s sends the elements of %s to %s, numbering them; the first error of %s fails the run.",
				name, in.Name, dest, in.Name)
		}
		if len(in.Orders) > 0 {
			what += " It keeps to the window of the ordered terms downstream, and tells them where it ends."
		}
		doc(e.file, what)
		loopVars := jen.Id("v")
		if seq2 {
			loopVars = jen.List(jen.Id("v"), jen.Err())
		}
		e.file.Func().Params(jen.Id("r").Op("*").Id(p.RunType)).Id(name).Params(jen.Id(in.Name).Add(seq)).BlockFunc(func(g *jen.Group) {
			g.Id("done").Op(":=").Id("r").Dot("Done").Call()
			w.open(g, jen.Id("r").Dot("Counter").Call(jen.Lit(in.Name)))
			g.Var().Id("i").Uint64().Comment("the position of the element the input is making")
			g.Id("g").Op(":=").Qual(ImplPath, "Guard").Add(fieldLines(
				jen.Id("Stages"), jen.Index().String().Values(jen.Lit(in.Name)),
				jen.Id("Worker"), jen.Lit(-1),
				jen.Id("At"), jen.Func().Params(jen.Int()).Qual(RuntimePath, "Index").Block(jen.Return(jen.Qual(RuntimePath, "SourceIndex").Call(jen.Id("i")))),
			))
			g.Defer().Id("r").Dot("Recover").Call(jen.Op("&").Id("g"))
			if len(in.Orders) > 0 {
				g.Id("publish").Op(":=").Add(w.publishFunc())
			}
			exit := jen.Break()
			el := &elem{pos: jen.Id("i"), index: func() *jen.Statement { return jen.Qual(RuntimePath, "SourceIndex").Call(jen.Id("i")) },
				shares: map[*Stage]*jen.Statement{}, value: jen.Id("v")}
			for _, o := range in.Orders {
				el.shares[o.Term] = impl("FullShare")
			}
			g.For(loopVars.Op(":=").Range().Id(in.Name)).BlockFunc(func(g *jen.Group) {
				g.If(jen.Id("r").Dot("Stopped").Call()).Block(exit)
				if seq2 {
					g.If(jen.Err().Op("!=").Nil()).Block(
						jen.Id("r").Dot("Fail").Call(jen.Lit(in.Name), jen.Lit(-1), jen.Qual(RuntimePath, "SourceIndex").Call(jen.Id("i")), jen.Err()),
						exit,
					)
				}
				for _, o := range in.Orders {
					g.If(jen.Op("!").Id("r").Dot(o.Term.OrderField).Dot("Open").Call(jen.Id("done"), jen.Id("i"), jen.Id("publish"))).Block(exit)
				}
				e.emit(g, w, in.Targets, termsOf(in.Orders), el, exit)
				// Published before the input runs again: it may block.
				w.publish(g)
				g.Id("i").Op("++")
			})
			for _, o := range in.Orders {
				e.sourceEnd(g, w, o.Term, o.Source, jen.Id("i"))
			}
			g.Id("g").Dot("Returned").Op("=").True()
		})
	}
}

// targetNames describes targets for doc comments.
func targetNames(targets []*Target) string {
	var names []string
	for _, t := range targets {
		name := "stage " + t.Edge.Consumer
		if t.Edge.Consumer == "" {
			name = "the output"
		}
		if t.Edge.Ordered {
			name = t.Edge.Consumer
		}
		if !contains(names, name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return "nowhere"
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
