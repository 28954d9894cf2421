package templates

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"
)

// pipeline emits everything of one pipeline: the entry point, the table of
// stage settings, the run struct, the function that starts a run, the
// feeders of its inputs and one worker method per stage.
func (e *emitter) pipeline(p *Pipeline) {
	e.entryPoint(p)
	e.stagesTable(p)
	e.runType(p)
	e.start(p)
	for _, in := range p.Inputs {
		e.feeders(p, in)
	}
	for _, s := range p.Stages {
		e.stage(p, s)
	}
}

// typeParams is the type parameter list of the functions that take the
// inputs: each may be an iter.Seq or an iter.Seq2 with errors.
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

// entryPoint emits the function users call.
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
	what := "an iter.Seq, or an iter.Seq2 whose first error fails the pipeline"
	if len(p.Inputs) > 1 {
		what = "each an iter.Seq, or an iter.Seq2 whose first error fails the pipeline, read concurrently"
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
goroutine of the pipeline has ended when it returns.`)
		e.file.Func().Id(p.Name).Types(e.typeParams(p)...).Params(params...).Error().Block(
			remoteDiversion(p), // distribute.go
			start,
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			jen.Return(jen.Id("r").Dot("Wait").Call()),
		)
		return
	}

	outType := e.typ(p.Out.Queue.Type)
	item := e.item(p.Out.Queue)
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
loop stops the pipeline; the loop ends only after every goroutine of the
pipeline has ended. Each range runs the pipeline anew. `+withIndex+` also
yields each element's index.`)
	e.file.Func().Id(p.Name).Types(e.typeParams(p)...).Params(params...).
		Qual("iter", "Seq2").Types(outType.Clone(), jen.Error()).Block(
		jen.Return(jen.Func().Params(jen.Id("yield").Func().Params(outType.Clone(), jen.Error()).Bool()).Block(
			jen.For(jen.List(jen.Id("it"), jen.Err()).Op(":=").Range().Id(withIndex).Call(append(append([]jen.Code{jen.Id("ctx")}, inArgs...), jen.Id("opts").Op("..."))...)).Block(
				jen.If(jen.Op("!").Id("yield").Call(jen.Id("it").Dot("Value"), jen.Err())).Block(jen.Return()),
			),
		)),
	)

	doc(e.file, fmt.Sprintf(`
%s is %s yielding each element with its index (pypeln's
return_index): its position in the input, and for elements made by
flatmap stages their position among their parent's children, level by
level. On failure the last pair carries a zero Item and the error.`, withIndex, p.Name))
	e.file.Func().Id(withIndex).Types(e.typeParams(p)...).Params(params...).
		Qual("iter", "Seq2").Types(item.Clone(), jen.Error()).Block(
		remoteDiversion(p), // distribute.go
		jen.Return(jen.Func().Params(jen.Id("yield").Func().Params(item.Clone(), jen.Error()).Bool()).Block(
			start,
			jen.If(jen.Err().Op("!=").Nil()).Block(
				jen.Id("yield").Call(item.Clone().Values(), jen.Err()),
				jen.Return(),
			),
			jen.Comment("Stop on every way out: the end, a break, a panic in the loop body."),
			jen.Defer().Id("r").Dot("Stop").Call(),
			jen.List(jen.Id("done"), jen.Id("out")).Op(":=").List(jen.Id("r").Dot("Done").Call(), jen.Id("r").Dot(p.Out.Field).Dot("reader").Call()),
			jen.For().Block(
				jen.List(jen.Id("it"), jen.Id("ok")).Op(":=").Id("out").Dot("get").Call(jen.Id("done"), jen.Nil()),
				jen.If(jen.Op("!").Id("ok").Op("||").Id("r").Dot("Stopped").Call()).Block(jen.Break()),
				jen.If(jen.Op("!").Id("yield").Call(jen.Id("it"), jen.Nil())).Block(jen.Return()),
			),
			jen.If(jen.Err().Op(":=").Id("r").Dot("Wait").Call(), jen.Err().Op("!=").Nil()).Block(
				jen.Id("yield").Call(item.Clone().Values(), jen.Err()),
			),
		)),
	)
}

// stagesTable emits the settings of the stages as the directives give
// them.
func (e *emitter) stagesTable(p *Pipeline) {
	doc(e.file, fmt.Sprintf(`
%s are the stages of %s with the settings of their directives.`, p.StagesVar, p.Name))
	e.file.Var().Id(p.StagesVar).Op("=").Index().Qual(RuntimePath, "StageConfig").ValuesFunc(func(g *jen.Group) {
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
	if p.Out != nil {
		list = append(list, p.Out)
	}
	return list
}

// runType emits the struct of one run: the queues between the stages.
func (e *emitter) runType(p *Pipeline) {
	doc(e.file, fmt.Sprintf(`
%s is one run of %s: the queues between its stages, and the
pipegen.Run that tracks its goroutines.`, p.RunType, p.Name))
	e.file.Type().Id(p.RunType).StructFunc(func(g *jen.Group) {
		g.Op("*").Qual(RuntimePath, "Run")
		for _, edge := range edges(p) {
			what := "input of " + edge.Consumer
			if edge.Consumer == "" {
				what = "output, read by the caller"
			}
			g.Id(edge.Field).Op("*").Id(edge.Queue.Name).Comment(what)
		}
		for _, s := range p.Stages {
			if s.Kind == Ordered {
				g.Id(s.OrderField).Op("*").Qual(RuntimePath, "Order").Comment("bookkeeping of " + s.Name)
			}
		}
	})
}

// producers is the number of goroutines that send to edge: the workers
// of its producer stages, plus one feeder per producer input.
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
		g.List(jen.Id("run"), jen.Err()).Op(":=").Qual(RuntimePath, "NewRun").Call(
			jen.Id("ctx"), jen.Lit(p.Name), jen.Id(p.StagesVar), jen.Id("opts"))
		g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err()))

		// Each queue's producers are the workers of the stages and the
		// feeders of the inputs that send to it.
		init := []jen.Code{jen.Line().Id("Run").Op(":").Id("run")}
		for _, edge := range edges(p) {
			size := jen.Qual(RuntimePath, "DefaultMaxSize")
			if edge.Consumer != "" && !edge.Ordered {
				size = jen.Id("run").Dot("MaxSize").Call(jen.Lit(edge.Consumer))
			}
			consumers := jen.Lit(1)
			if edge.Consumer != "" && !edge.Ordered {
				consumers = jen.Id("run").Dot("Workers").Call(jen.Lit(edge.Consumer))
			}
			init = append(init, jen.Line().Id(edge.Field).Op(":").Id(edge.Queue.New).Call(size, jen.Id("run").Dot("MaxBatch").Call(), producers(edge), consumers))
		}
		for _, s := range p.Stages {
			if s.Kind == Ordered {
				init = append(init, jen.Line().Id(s.OrderField).Op(":").Qual(RuntimePath, "NewOrder").Call(jen.Lit(s.Sources)))
			}
		}
		init = append(init, jen.Line())
		g.Id("r").Op(":=").Op("&").Id(p.RunType).Values(init...)
		g.Comment("Show the queues to the statistics, if the call keeps them.")
		for _, edge := range edges(p) {
			if !edge.Ordered {
				g.Id("run").Dot("Watch").Call(jen.Lit(edge.Consumer), jen.Op("&").Id("r").Dot(edge.Field).Dot("pace"))
			}
		}

		for _, in := range p.Inputs {
			// The cases are exactly the types of pipegen.Input.
			t := in.Type
			feed := func(method string) jen.Code {
				return jen.Id("r").Dot("Go").Call(jen.Func().Params().Block(jen.Id("r").Dot(method).Call(jen.Id(in.Name))))
			}
			g.Switch(jen.Id(in.Name).Op(":=").Id("any").Call(jen.Id(in.Name)).Assert(jen.Type())).Block(
				jen.Case(jen.Qual("iter", "Seq").Types(e.typ(t))).Block(feed(in.Feed)),
				jen.Case(jen.Func().Params(jen.Func().Params(e.typ(t)).Bool())).Block(feed(in.Feed)),
				jen.Case(jen.Qual("iter", "Seq2").Types(e.typ(t), jen.Error())).Block(feed(in.Feed+"Seq2")),
				jen.Case(jen.Func().Params(jen.Func().Params(e.typ(t), jen.Error()).Bool())).Block(feed(in.Feed+"Seq2")),
			)
		}
		for _, s := range p.Stages {
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
// numbering the elements: one for an iter.Seq, one for an iter.Seq2 whose
// error fails the run.
func (e *emitter) feeders(p *Pipeline, in *Input) {
	dest := targetNames(in.Targets)
	for _, seq2 := range []bool{false, true} {
		name, seq := in.Feed, jen.Qual("iter", "Seq").Types(e.typ(in.Type))
		what := fmt.Sprintf("%s sends the elements of %s to %s, numbering them.", name, in.Name, dest)
		if seq2 {
			name, seq = in.Feed+"Seq2", jen.Qual("iter", "Seq2").Types(e.typ(in.Type), jen.Error())
			what = fmt.Sprintf("%s sends the elements of %s to %s, numbering them; the first error of %s fails the run.",
				name, in.Name, dest, in.Name)
		}
		doc(e.file, what)
		loopVars := jen.Id("v")
		if seq2 {
			loopVars = jen.List(jen.Id("v"), jen.Err())
		}
		e.file.Func().Params(jen.Id("r").Op("*").Id(p.RunType)).Id(name).Params(jen.Id(in.Name).Add(seq)).BlockFunc(func(g *jen.Group) {
			sourcePrologue(g, in.Name, in.Targets, in.Orders, jen.Id("r").Dot("Counter").Call(jen.Lit(in.Name)))
			if len(in.Orders) > 0 {
				declareFlush(g, in.Targets)
			}
			g.Var().Id("i").Uint64()
			g.For(loopVars.Op(":=").Range().Id(in.Name)).BlockFunc(func(g *jen.Group) {
				g.If(jen.Id("r").Dot("Stopped").Call()).Block(jen.Return())
				if seq2 {
					g.If(jen.Err().Op("!=").Nil()).Block(
						jen.Id("r").Dot("Fail").Call(jen.Lit(in.Name), jen.Lit(-1), jen.Id("index"), jen.Err()),
						jen.Return(),
					)
				}
				for _, o := range in.Orders {
					g.If(jen.Op("!").Id("r").Dot(o.Field).Dot("Open").Call(jen.Id("done"), jen.Lit(o.Source), jen.Id("i"), jen.Id("flush"))).Block(jen.Return())
					g.Id("r").Dot(o.Field).Dot("Add").Call(jen.Id("i"), jen.Lit(o.Copies))
				}
				e.sends(g, "feed", in.Targets, jen.Id("index"), jen.Id("v"), []jen.Code{jen.Return()})
				for _, o := range in.Orders {
					g.Id("r").Dot(o.Field).Dot("Emitted").Call(jen.Lit(o.Source), jen.Id("i"))
				}
				g.Id("i").Op("++")
				// The position the input works on next, should it panic.
				g.Id("index").Op("=").Qual(RuntimePath, "SourceIndex").Call(jen.Id("i"))
			})
		})
	}
}

// sourcePrologue starts a goroutine that is one of its own, not a stage
// worker (an input's feeder, an ordered term): on its way out it closes its
// share of the queues it sends to and ends its part in the ordered terms
// downstream, and its panics are reported as name's, worker -1.
func sourcePrologue(g *jen.Group, name string, targets []*Target, orders []*OrderUse, counter jen.Code) {
	g.Id("done").Op(":=").Id("r").Dot("Done").Call()
	openWriters(g, targets, counter)
	for _, o := range orders {
		g.Defer().Id("r").Dot(o.Field).Dot("End").Call(jen.Lit(o.Source))
	}
	g.Var().Id("index").Qual(RuntimePath, "Index")
	g.Defer().Id("r").Dot("Recover").Call(jen.Lit(name), jen.Lit(-1), jen.Op("&").Id("index"))
}

// openWriters declares a writer for each queue the goroutine sends to, and
// defers closing it: a goroutine is one producer of a queue however many
// times it sends each element there. counter is the statistics counter
// of what it sends, nil for none. done must be declared.
func openWriters(g *jen.Group, targets []*Target, counter jen.Code) {
	list := distinctEdges(targets)
	if counter == nil {
		counter = jen.Nil()
	} else if len(list) > 1 {
		// One count however many queues each element goes to.
		g.Id("sent").Op(":=").Add(counter)
		counter = jen.Id("sent")
	}
	for i, edge := range list {
		w := writerName(i)
		arg := counter
		if i > 0 {
			arg = jen.Nil()
		}
		g.Id(w).Op(":=").Id("r").Dot(edge.Field).Dot("writer").Call(arg)
		g.Defer().Id(w).Dot("close").Call(jen.Id("done"))
	}
}

// writerName is the name of a goroutine's writer to its i-th distinct
// queue: out, out2, out3…
func writerName(i int) string {
	if i == 0 {
		return "out"
	}
	return fmt.Sprintf("out%d", i+1)
}

// writerOf is the name of the writer that sends to edge.
func writerOf(targets []*Target, edge *Edge) string {
	return writerName(slices.Index(distinctEdges(targets), edge))
}

// declareFlush declares flush, which sends on what the goroutine's writers
// hold; it reports whether flush was declared (a goroutine with no queues
// to send to has nothing to flush).
func declareFlush(g *jen.Group, targets []*Target) bool {
	list := distinctEdges(targets)
	if len(list) == 0 {
		return false
	}
	var all *jen.Statement
	for i := range list {
		call := jen.Id(writerName(i)).Dot("flush").Call(jen.Id("done"))
		if all == nil {
			all = call
		} else {
			all = all.Op("&&").Add(call)
		}
	}
	g.Comment("flush sends on what this goroutine holds, before it waits.")
	g.Id("flush").Op(":=").Func().Params().Bool().Block(jen.Return(all))
	return true
}

// targetNames describes targets for doc comments.
func targetNames(targets []*Target) string {
	var names []string
	for _, t := range targets {
		name := "stage " + t.Edge.Consumer
		if t.Edge.Consumer == "" {
			name = "the output"
		}
		if !slices.Contains(names, name) {
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

// distinctEdges returns the queues of targets, each once: a goroutine is
// one producer of a queue however many times it sends each element there.
func distinctEdges(targets []*Target) []*Edge {
	var list []*Edge
	for _, t := range targets {
		if !slices.Contains(list, t.Edge) {
			list = append(list, t.Edge)
		}
	}
	return list
}

// puts sends value with index to every target, ending the goroutine with
// exit if the run stops. Sending to several targets is the broadcast of pypeln's
// OutputQueues: each send waits for room, so a slow consumer slows the
// producer instead of letting a queue grow.
func (e *emitter) puts(g *jen.Group, targets []*Target, index *jen.Statement, value jen.Code, exit []jen.Code) {
	e.sends(g, "put", targets, index, value, exit)
}

// sends is puts with the writer method to call: put, or feed for an
// input's feeder.
func (e *emitter) sends(g *jen.Group, method string, targets []*Target, index *jen.Statement, value jen.Code, exit []jen.Code) {
	for _, t := range targets {
		idx := index.Clone()
		for _, b := range t.Branches {
			idx = idx.Dot("Branch").Call(jen.Lit(b))
		}
		g.If(jen.Op("!").Id(writerOf(targets, t.Edge)).Dot(method).Call(
			jen.Id("done"),
			e.item(t.Edge.Queue).Add(fields(jen.Id("Index"), idx, jen.Id("Value"), value)),
		)).Block(exit...)
	}
}
