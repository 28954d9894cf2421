package templates

import (
	"fmt"
	"go/types"
	"strings"

	"github.com/dave/jennifer/jen"
)

// queue emits an IterableQueue type with its writer and reader: a bounded
// channel of batches of one element type, closed by the last of its
// producers, whose sends and receives give up as soon as the run stops.
//
// Elements travel in batches because a hand-over between goroutines costs
// far more than a cheap stage. Each producer goroutine fills its own batch
// through a writer; each consumer goroutine empties one through a reader.
// pipegen.Batching decides when a batch leaves, so that batching never
// holds an element back from a consumer that waits for it.
func (e *emitter) queue(q *Queue) {
	batch := func() *jen.Statement { return jen.Index().Add(e.item(q)) }
	elem := types.TypeString(q.Type, func(p *types.Package) string {
		if p.Path() == e.namer.local {
			return ""
		}
		return p.Name()
	})
	done := func() jen.Code { return jen.Id("done").Op("<-").Chan().Struct() }

	doc(e.file, fmt.Sprintf(`
%s is a bounded queue of %s elements between stages. Elements travel in
batches: each producer goroutine fills its own through %s, each consumer
takes whole batches through %s. The queue is closed by the last of its
producers to finish, so that its consumers see its end.`, q.Name, elem, article(q.Writer), article(q.Reader)))
	e.file.Type().Id(q.Name).Struct(
		jen.Id("batches").Chan().Add(batch()),
		jen.Id("free").Chan().Add(batch()).Comment("emptied batches, for reuse"),
		jen.Id("size").Int().Comment("the largest batch"),
		jen.Id("pace").Qual(RuntimePath, "Batching"),
		jen.Id("producers").Qual(RuntimePath, "Producers"),
	)

	doc(e.file, fmt.Sprintf(`
%s returns a queue that holds up to size elements, in batches of up to
maxBatch, read by consumers goroutines and closed once producers
producers are done.`, q.New))
	e.file.Func().Id(q.New).Params(jen.List(jen.Id("size"), jen.Id("maxBatch"), jen.Id("producers"), jen.Id("consumers")).Int()).Op("*").Id(q.Name).Block(
		jen.List(jen.Id("batch"), jen.Id("slots")).Op(":=").Qual(RuntimePath, "QueueBatches").Call(jen.Id("size"), jen.Id("maxBatch")),
		jen.Id("q").Op(":=").Op("&").Id(q.Name).Values(
			jen.Line().Id("batches").Op(":").Make(jen.Chan().Add(batch()), jen.Id("slots")),
			jen.Line().Id("free").Op(":").Make(jen.Chan().Add(batch()), jen.Id("slots").Op("+").Id("producers").Op("+").Id("consumers")),
			jen.Line().Id("size").Op(":").Id("batch"),
			jen.Line(),
		),
		jen.Id("q").Dot("pace").Dot("Init").Call(jen.Id("batch"), jen.Id("consumers")),
		jen.Id("q").Dot("producers").Dot("Add").Call(jen.Id("producers")),
		jen.Return(jen.Id("q")),
	)

	recv := func() *jen.Statement { return jen.Id("q").Op("*").Id(q.Name) }
	doc(e.file, `
newBatch returns an empty batch, reusing one a consumer is done with.`)
	e.file.Func().Params(recv()).Id("newBatch").Params().Add(batch()).Block(
		jen.Select().Block(
			jen.Case(jen.Id("batch").Op(":=").Op("<-").Id("q").Dot("free")).Block(jen.Return(jen.Id("batch"))),
			jen.Default().Block(jen.Return(jen.Make(batch(), jen.Lit(0), jen.Id("q").Dot("size")))),
		),
	)

	doc(e.file, `
recycle keeps an emptied batch for reuse, without what its elements
referred to.`)
	e.file.Func().Params(recv()).Id("recycle").Params(jen.Id("batch").Add(batch())).Block(
		jen.Clear(jen.Id("batch")),
		jen.Select().Block(
			jen.Case(jen.Id("q").Dot("free").Op("<-").Id("batch").Index(jen.Empty(), jen.Lit(0))),
			jen.Default(),
		),
	)

	e.writer(q, batch, done)
	e.reader(q, batch, done)
}

// writer emits the type through which one goroutine sends to a queue.
func (e *emitter) writer(q *Queue, batch func() *jen.Statement, done func() jen.Code) {
	doc(e.file, fmt.Sprintf(`
%s is one producer goroutine's end of %s: the batch it fills.`, q.Writer, article(q.Name)))
	e.file.Type().Id(q.Writer).Struct(
		jen.Id("q").Op("*").Id(q.Name),
		jen.Id("batch").Add(batch()),
		jen.Id("sent").Op("*").Qual(RuntimePath, "Counter").Comment("nil without statistics"),
	)

	doc(e.file, `
writer returns the end of the queue for one producer goroutine, which
counts what it sends in sent (if not nil). Close it when the goroutine
ends.`)
	e.file.Func().Params(jen.Id("q").Op("*").Id(q.Name)).Id("writer").Params(jen.Id("sent").Op("*").Qual(RuntimePath, "Counter")).Id(q.Writer).Block(
		jen.Return(jen.Id(q.Writer).Add(fields(
			jen.Id("q"), jen.Id("q"),
			jen.Id("batch"), jen.Id("q").Dot("newBatch").Call(),
			jen.Id("sent"), jen.Id("sent"),
		))),
	)

	recv := func() *jen.Statement { return jen.Id("w").Op("*").Id(q.Writer) }
	doc(e.file, `
put adds it to the batch, and sends the batch once it is full. It reports
false if the run stops first. A worker sends what it holds each time it
takes a batch of input (see the reader's get), so a batch never waits for
more than one batch of its input's work.`)
	e.file.Func().Params(recv()).Id("put").Params(done(), jen.Id("it").Add(e.item(q))).Bool().Block(
		jen.Id("w").Dot("batch").Op("=").Append(jen.Id("w").Dot("batch"), jen.Id("it")),
		jen.If(jen.Len(jen.Id("w").Dot("batch")).Op("<").Id("w").Dot("q").Dot("pace").Dot("Limit").Call()).Block(
			jen.Return(jen.True()),
		),
		jen.Return(jen.Id("w").Dot("flush").Call(jen.Id("done"))),
	)

	doc(e.file, `
feed is put for the feeder of an input, which cannot tell when its input
is about to block: it also sends the batch as soon as every consumer waits
for one (see pipegen.Batching).`)
	e.file.Func().Params(recv()).Id("feed").Params(done(), jen.Id("it").Add(e.item(q))).Bool().Block(
		jen.Id("w").Dot("batch").Op("=").Append(jen.Id("w").Dot("batch"), jen.Id("it")),
		jen.If(jen.Len(jen.Id("w").Dot("batch")).Op("<").Id("w").Dot("q").Dot("pace").Dot("SendAt").Call()).Block(
			jen.Return(jen.True()),
		),
		jen.Return(jen.Id("w").Dot("flush").Call(jen.Id("done"))),
	)

	doc(e.file, `
flush sends the batch, if it has elements, or reports false if the run
stops first.`)
	e.file.Func().Params(recv()).Id("flush").Params(done()).Bool().Block(
		jen.If(jen.Len(jen.Id("w").Dot("batch")).Op("==").Lit(0)).Block(jen.Return(jen.True())),
		jen.Comment("Most sends find room: try without the cost of watching done."),
		jen.Select().Block(
			jen.Case(jen.Id("w").Dot("q").Dot("batches").Op("<-").Id("w").Dot("batch")),
			jen.Default().Block(
				jen.Comment("The queue is full: the statistics see it."),
				jen.Id("w").Dot("q").Dot("pace").Dot("WaitRoom").Call(),
				jen.Select().Block(
					jen.Case(jen.Id("w").Dot("q").Dot("batches").Op("<-").Id("w").Dot("batch")).Block(
						jen.Id("w").Dot("q").Dot("pace").Dot("GotRoom").Call(),
					),
					jen.Case(jen.Op("<-").Id("done")).Block(
						jen.Id("w").Dot("q").Dot("pace").Dot("GotRoom").Call(),
						jen.Return(jen.False()),
					),
				),
			),
		),
		jen.Id("n").Op(":=").Len(jen.Id("w").Dot("batch")),
		jen.Id("w").Dot("batch").Op("=").Id("w").Dot("q").Dot("newBatch").Call(),
		jen.Id("w").Dot("q").Dot("pace").Dot("Sent").Call(jen.Id("n")),
		jen.Id("w").Dot("sent").Dot("Add").Call(jen.Id("n")),
		jen.Return(jen.True()),
	)

	doc(e.file, `
close sends what is left and records that the producer is done; the last
one closes the queue.`)
	e.file.Func().Params(recv()).Id("close").Params(done()).Block(
		jen.Id("w").Dot("flush").Call(jen.Id("done")),
		jen.If(jen.Id("w").Dot("q").Dot("producers").Dot("Done").Call()).Block(
			jen.Close(jen.Id("w").Dot("q").Dot("batches")),
		),
	)
}

// reader emits the type through which one goroutine receives from a
// queue.
func (e *emitter) reader(q *Queue, batch func() *jen.Statement, done func() jen.Code) {
	doc(e.file, fmt.Sprintf(`
%s is one consumer goroutine's end of %s: the batch it takes elements
from.`, q.Reader, article(q.Name)))
	e.file.Type().Id(q.Reader).Struct(
		jen.Id("q").Op("*").Id(q.Name),
		jen.Id("batch").Add(batch()),
		jen.Id("next").Int(),
		jen.Id("start").Qual("time", "Time").Comment("when the batch was taken, to time it"),
	)

	doc(e.file, `
reader returns the end of the queue for one consumer goroutine.`)
	e.file.Func().Params(jen.Id("q").Op("*").Id(q.Name)).Id("reader").Params().Id(q.Reader).Block(
		jen.Return(jen.Id(q.Reader).Values(jen.Id("q").Op(":").Id("q"))),
	)

	recv := func() *jen.Statement { return jen.Id("rd").Op("*").Id(q.Reader) }
	result := func() jen.Code { return jen.Params(e.item(q), jen.Bool()) }
	doc(e.file, `
get returns the next element. ok is false once the queue is closed and
drained, or if the run stops first. Before it takes a batch, it calls
flush, if not nil, so that the goroutine sends on what it made of the last
batch: it never sits on it while it waits, nor for longer than one batch
of work.`)
	e.file.Func().Params(recv()).Id("get").Params(done(), jen.Id("flush").Func().Params().Bool()).Add(result()).Block(
		jen.If(jen.Id("i").Op(":=").Id("rd").Dot("next"), jen.Id("i").Op("<").Len(jen.Id("rd").Dot("batch"))).Block(
			jen.Id("rd").Dot("next").Op("=").Id("i").Op("+").Lit(1),
			jen.Return(jen.Id("rd").Dot("batch").Index(jen.Id("i")), jen.True()),
		),
		jen.Return(jen.Id("rd").Dot("fetch").Call(jen.Id("done"), jen.Id("flush"))),
	)

	doc(e.file, `
fetch takes the next batch and returns its first element; see get. It
tells the queue how long the last batch took, which sizes the batches.`)
	e.file.Func().Params(recv()).Id("fetch").Params(done(), jen.Id("flush").Func().Params().Bool()).Add(result()).Block(
		jen.Id("now").Op(":=").Qual("time", "Now").Call(),
		jen.If(jen.Id("rd").Dot("batch").Op("!=").Nil()).Block(
			jen.Id("rd").Dot("q").Dot("pace").Dot("Observe").Call(jen.Len(jen.Id("rd").Dot("batch")), jen.Id("now").Dot("Sub").Call(jen.Id("rd").Dot("start"))),
			jen.Id("rd").Dot("q").Dot("recycle").Call(jen.Id("rd").Dot("batch")),
			jen.Id("rd").Dot("batch").Op("=").Nil(),
		),
		jen.If(jen.Id("flush").Op("!=").Nil().Op("&&").Op("!").Id("flush").Call()).Block(
			jen.Return(e.item(q).Values(), jen.False()),
		),
		jen.Var().Id("ok").Bool(),
		jen.Select().Block(
			jen.Case(jen.List(jen.Id("rd").Dot("batch"), jen.Id("ok")).Op("=").Op("<-").Id("rd").Dot("q").Dot("batches")),
			jen.Default().Block(
				jen.Id("rd").Dot("q").Dot("pace").Dot("Wait").Call(),
				jen.Select().Block(
					jen.Case(jen.List(jen.Id("rd").Dot("batch"), jen.Id("ok")).Op("=").Op("<-").Id("rd").Dot("q").Dot("batches")),
					jen.Case(jen.Op("<-").Id("done")),
				),
				jen.Id("rd").Dot("q").Dot("pace").Dot("Woken").Call(),
				jen.Id("now").Op("=").Qual("time", "Now").Call(),
			),
		),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(e.item(q).Values(), jen.False())),
		jen.Id("rd").Dot("q").Dot("pace").Dot("Took").Call(jen.Len(jen.Id("rd").Dot("batch"))),
		jen.List(jen.Id("rd").Dot("start"), jen.Id("rd").Dot("next")).Op("=").List(jen.Id("now"), jen.Lit(1)),
		jen.Return(jen.Id("rd").Dot("batch").Index(jen.Lit(0)), jen.True()),
	)
}

// article puts "a" or "an" before a name, by its first letter.
func article(name string) string {
	if name != "" && strings.ContainsRune("aeiouAEIOU", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}
