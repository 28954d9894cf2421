package templates

import (
	"fmt"
	"go/types"

	"github.com/dave/jennifer/jen"
)

// queue emits an IterableQueue type: a bounded channel of items of one
// element type, closed by the last of its producers, with a put and a get
// that give up as soon as the run stops.
func (e *emitter) queue(q *Queue) {
	recv := func() *jen.Statement { return jen.Id("q").Op("*").Id(q.Name) }
	elem := types.TypeString(q.Type, func(p *types.Package) string {
		if p.Path() == e.namer.local {
			return ""
		}
		return p.Name()
	})

	doc(e.file, fmt.Sprintf(`
%s is a bounded queue of %s elements between stages. It is closed by the
last of its producers to finish, so that its consumers see its end.`, q.Name, elem))
	e.file.Type().Id(q.Name).Struct(
		jen.Id("items").Chan().Add(e.item(q)),
		jen.Id("producers").Qual(RuntimePath, "Producers"),
	)

	doc(e.file, fmt.Sprintf(`
%s returns a queue that holds up to size elements and is closed
once producers producers are done.`, q.New))
	e.file.Func().Id(q.New).Params(jen.List(jen.Id("size"), jen.Id("producers")).Int()).Op("*").Id(q.Name).Block(
		jen.Id("q").Op(":=").Op("&").Id(q.Name).Add(fields(
			jen.Id("items"), jen.Make(jen.Chan().Add(e.item(q)), jen.Id("size")),
		)),
		jen.Id("q").Dot("producers").Dot("Add").Call(jen.Id("producers")),
		jen.Return(jen.Id("q")),
	)

	doc(e.file, `
put sends it, or reports false if the run stops first.`)
	e.file.Func().Params(recv()).Id("put").Params(
		jen.Id("done").Op("<-").Chan().Struct(),
		jen.Id("it").Add(e.item(q)),
	).Bool().Block(
		jen.Comment("Most sends find room: try without the cost of watching done."),
		jen.Select().Block(
			jen.Case(jen.Id("q").Dot("items").Op("<-").Id("it")).Block(jen.Return(jen.True())),
			jen.Default(),
		),
		jen.Select().Block(
			jen.Case(jen.Id("q").Dot("items").Op("<-").Id("it")).Block(jen.Return(jen.True())),
			jen.Case(jen.Op("<-").Id("done")).Block(jen.Return(jen.False())),
		),
	)

	doc(e.file, `
get receives the next element. ok is false once the queue is closed and
drained, or if the run stops first.`)
	e.file.Func().Params(recv()).Id("get").Params(
		jen.Id("done").Op("<-").Chan().Struct(),
	).Params(jen.Id("it").Add(e.item(q)), jen.Id("ok").Bool()).Block(
		jen.Select().Block(
			jen.Case(jen.List(jen.Id("it"), jen.Id("ok")).Op("=").Op("<-").Id("q").Dot("items")).Block(jen.Return(jen.Id("it"), jen.Id("ok"))),
			jen.Default(),
		),
		jen.Select().Block(
			jen.Case(jen.List(jen.Id("it"), jen.Id("ok")).Op("=").Op("<-").Id("q").Dot("items")),
			jen.Case(jen.Op("<-").Id("done")),
		),
		jen.Return(jen.Id("it"), jen.Id("ok")),
	)

	doc(e.file, `
producerDone records that one producer has finished; the last one closes
the queue.`)
	e.file.Func().Params(recv()).Id("producerDone").Params().Block(
		jen.If(jen.Id("q").Dot("producers").Dot("Done").Call()).Block(
			jen.Close(jen.Id("q").Dot("items")),
		),
	)
}
