package templates

import (
	"fmt"
	"go/types"
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"
)

// ImplPath is the import path of the package of generated-code support;
// generated code imports it as pipegenimpl.
const ImplPath = "github.com/pipegen/pipegen/runtime/pipegenimpl"

// impl is a name of the generated-code support package.
func impl(name string) *jen.Statement { return jen.Qual(ImplPath, name) }

// itemType emits one item type.
func (e *emitter) itemType(it *Item) {
	elem := types.TypeString(it.Type, func(p *types.Package) string {
		if p.Path() == e.namer.local {
			return ""
		}
		return p.Name()
	})
	what := "with its position in the pipeline's input (the elements of such a queue come straight from an input, or through maps and filters)"
	switch {
	case it.Indexed:
		what = "with its index"
	case it.Depth == 1:
		what = "with its index: its position in the pipeline's input, and the one level below it (a flatmap's child, or a concat branch) that every element of such a queue has"
	case it.Depth > 1:
		what = fmt.Sprintf("with its index: its position in the pipeline's input, and the %d levels below it (flatmap children, concat branches) that every element of such a queue has", it.Depth)
	}
	text := fmt.Sprintf("%s is %s %s element in a queue between stages, %s.", it.Name, article(elem), elem, what)
	if it.Shares > 0 {
		text += " It also carries its share of its source position for the ordered terms it goes to, which tells them when they have all of a position (see pipegenimpl.Term)"
		if it.Mark {
			text += "; mark says whether it is an element, a tombstone (the share of an element dropped on the way) or the end of a source (see pipegenimpl.Reorder)"
		}
		text += "."
	}
	doc(e.file, text)
	e.file.Type().Id(it.Name).StructFunc(func(g *jen.Group) {
		if it.Indexed {
			g.Id("at").Qual(RuntimePath, "Index")
		} else {
			g.Id("pos").Uint64()
			if it.Depth > 0 {
				g.Id("path").Index(jen.Lit(it.Depth)).Uint32()
			}
		}
		if it.Shares > 0 {
			g.Id("share").Index(jen.Lit(it.Shares)).Uint64()
		}
		if it.Mark {
			g.Id("mark").Uint8()
		}
		g.Id("v").Add(e.typ(it.Type))
	})
}

// article puts "a" or "an" before a name, by its first letter.
func article(name string) string {
	if name != "" && strings.ContainsRune("aeiouAEIOU", rune(name[0])) {
		return "an"
	}
	return "a"
}

// elem is an element as a worker's code sees it at some point: the
// expressions of its source position, index, shares and value.
type elem struct {
	pos *jen.Statement
	// path are the levels below the source position, as uint32
	// expressions, for an element of known depth; nil with full for one
	// whose depth is known only at run time.
	path  []jen.Code
	full  bool
	index func() *jen.Statement
	// shares are its shares for the ordered terms downstream, by term.
	shares map[*Stage]*jen.Statement
	value  *jen.Statement
}

// itemElem is the element of the item it (a *Item variable) of item type t.
func itemElem(t *Item, it string, terms []*Stage) *elem {
	el := &elem{shares: map[*Stage]*jen.Statement{}, value: jen.Id(it).Dot("v")}
	if t.Indexed {
		el.full = true
		el.pos = jen.Id(it).Dot("at").Dot("Source").Call()
		el.index = func() *jen.Statement { return jen.Id(it).Dot("at") }
	} else {
		el.pos = jen.Id(it).Dot("pos")
		for k := range t.Depth {
			el.path = append(el.path, jen.Id(it).Dot("path").Index(jen.Lit(k)))
		}
		el.index = pathIndex(el.pos, el.path)
	}
	for i, term := range terms {
		el.shares[term] = jen.Id(it).Dot("share").Index(jen.Lit(i))
	}
	return el
}

// pathIndex builds the pipegen.Index of an element from its source
// position and levels.
func pathIndex(pos jen.Code, path []jen.Code) func() *jen.Statement {
	return func() *jen.Statement {
		idx := jen.Qual(RuntimePath, "SourceIndex").Call(pos)
		for _, p := range path {
			idx = idx.Dot("Child").Call(jen.Int().Call(p))
		}
		return idx
	}
}

// with returns a copy of el with value v.
func (el *elem) with(v jen.Code) *elem {
	c := *el
	c.value = jen.Add(v)
	return &c
}

// child returns the element's child number c (an int expression), with
// shares given.
func (el *elem) child(c jen.Code, shares map[*Stage]*jen.Statement, v jen.Code) *elem {
	parent := el.index
	ch := &elem{pos: el.pos, full: el.full, shares: shares, value: jen.Add(v),
		index: func() *jen.Statement { return parent().Dot("Child").Call(c) }}
	if !el.full {
		ch.path = append(append([]jen.Code{}, el.path...), jen.Uint32().Call(c))
	}
	return ch
}

// writers are the queues a goroutine sends to, each through one writer:
// out, out2, out3…
type writers struct {
	edges []*Edge
}

func newWriters(targets []*Target, extra []*Edge) *writers {
	w := &writers{}
	for _, t := range targets {
		if !slices.Contains(w.edges, t.Edge) {
			w.edges = append(w.edges, t.Edge)
		}
	}
	for _, e := range extra {
		if !slices.Contains(w.edges, e) {
			w.edges = append(w.edges, e)
		}
	}
	return w
}

// name is the writer of edge.
func (w *writers) name(edge *Edge) string {
	i := slices.Index(w.edges, edge)
	if i == 0 {
		return "out"
	}
	return fmt.Sprintf("out%d", i+1)
}

// open declares the writers, counting what the goroutine sends in counter
// (nil for none) once however many queues it sends to, and defers their
// closing.
func (w *writers) open(g *jen.Group, counter jen.Code) {
	for i, edge := range w.edges {
		c := jen.Nil()
		if i == 0 && counter != nil {
			c = jen.Add(counter)
		}
		g.Id(w.name(edge)).Op(":=").Id("r").Dot(edge.Field).Dot("Writer").Call(c)
		g.Defer().Id(w.name(edge)).Dot("Close").Call(jen.Id("done"))
	}
}

// publish publishes what every writer holds, waking a consumer where one
// must be.
func (w *writers) publish(g *jen.Group) {
	for _, edge := range w.edges {
		g.If(jen.Id(w.name(edge)).Dot("Publish").Call()).Block(jen.Id(w.name(edge)).Dot("Wake").Call())
	}
}

// publishFunc is a func literal that publishes every writer, for
// pipegenimpl.Term.Open.
func (w *writers) publishFunc() *jen.Statement {
	return jen.Func().Params().BlockFunc(func(g *jen.Group) { w.publish(g) })
}

// send writes a new item for el to edge, after the concat branches, with
// shares for the edge's terms, through the variable o; exit leaves the
// goroutine's loop when the run stops first.
func (e *emitter) send(g *jen.Group, w *writers, o string, edge *Edge, branches []int, el *elem, shares map[*Stage]*jen.Statement, exit jen.Code) {
	kv := []jen.Code{}
	switch {
	case edge.Item.Indexed:
		idx := el.index()
		for _, b := range branches {
			idx = idx.Dot("Branch").Call(jen.Lit(b))
		}
		kv = append(kv, jen.Id("at"), idx)
	case el.full:
		panic("templates: an element of unknown depth sent to a queue of known depth")
	default:
		kv = append(kv, jen.Id("pos"), el.pos.Clone())
		// A concat branch becomes the first level, in front of those the
		// element has: the last branch passed comes first.
		var path []jen.Code
		for i := len(branches) - 1; i >= 0; i-- {
			path = append(path, jen.Lit(uint32(branches[i])))
		}
		path = append(path, el.path...)
		if len(path) != edge.Item.Depth {
			panic(fmt.Sprintf("templates: an element of depth %d sent to a queue of depth %d", len(path), edge.Item.Depth))
		}
		if len(path) > 0 {
			kv = append(kv, jen.Id("path"), jen.Index(jen.Lit(len(path))).Uint32().Values(path...))
		}
	}
	if len(edge.Terms) > 0 {
		var list []jen.Code
		for _, term := range edge.Terms {
			list = append(list, shares[term].Clone())
		}
		kv = append(kv, jen.Id("share"), jen.Index(jen.Lit(len(edge.Terms))).Uint64().Values(list...))
	}
	kv = append(kv, jen.Id("v"), el.value)
	writeItem(g, w.name(edge), o, exit)
	g.Op("*").Id(o).Op("=").Id(edge.Item.Name).Add(fields(kv...))
}

// writeItem declares o, the next free item of writer out, sending its
// full batch first if it must; exit leaves when the run stops first.
func writeItem(g *jen.Group, out, o string, exit jen.Code) {
	g.Id(o).Op(":=").Id(out).Dot("Slot").Call()
	g.If(jen.Id(o).Op("==").Nil()).Block(
		jen.If(jen.Id(o).Op("=").Id(out).Dot("Next").Call(jen.Id("done")), jen.Id(o).Op("==").Nil()).Block(exit),
	)
}

// tombstone sends term the share s of the element at position pos, which
// goes no further.
func (e *emitter) tombstone(g *jen.Group, w *writers, term *Stage, pos, s jen.Code, exit jen.Code) {
	edge := term.In
	kv := []jen.Code{}
	if edge.Item.Indexed {
		kv = append(kv, jen.Id("at"), jen.Qual(RuntimePath, "SourceIndex").Call(pos))
	} else {
		kv = append(kv, jen.Id("pos"), pos)
	}
	kv = append(kv, jen.Id("share"), jen.Index(jen.Lit(1)).Uint64().Values(s), jen.Id("mark"), impl("Dead"))
	g.BlockFunc(func(g *jen.Group) {
		writeItem(g, w.name(edge), "o", exit)
		g.Op("*").Id("o").Op("=").Id(edge.Item.Name).Add(fields(kv...))
	})
}

// sourceEnd tells term that the source numbered source sent count
// positions.
func (e *emitter) sourceEnd(g *jen.Group, w *writers, term *Stage, source int, count jen.Code) {
	edge := term.In
	kv := []jen.Code{}
	if edge.Item.Indexed {
		kv = append(kv, jen.Id("at"), jen.Qual(RuntimePath, "SourceIndex").Call(count))
	} else {
		kv = append(kv, jen.Id("pos"), count)
	}
	kv = append(kv, jen.Id("share"), jen.Index(jen.Lit(1)).Uint64().Values(jen.Lit(source)), jen.Id("mark"), impl("SourceEnd"))
	name := w.name(edge)
	g.If(jen.Id("o").Op(":=").Id(name).Dot("Next").Call(jen.Id("done")), jen.Id("o").Op("!=").Nil()).Block(
		jen.Op("*").Id("o").Op("=").Id(edge.Item.Name).Add(fields(kv...)),
		jen.If(jen.Id(name).Dot("Publish").Call()).Block(jen.Id(name).Dot("Wake").Call()),
	)
}

// emit sends el to every target, splitting its shares among the copies
// that lead to the same ordered term. terms are the ordered terms whose
// shares el carries. Nothing is published: the caller does, before any
// call that may block.
func (e *emitter) emit(g *jen.Group, w *writers, targets []*Target, terms []*Stage, el *elem, exit jen.Code) {
	// shares[k] are the shares of the k-th target.
	shares := make([]map[*Stage]*jen.Statement, len(targets))
	for k := range targets {
		shares[k] = map[*Stage]*jen.Statement{}
	}
	for _, term := range terms {
		var leading []int
		for k, t := range targets {
			if slices.Contains(t.Edge.Terms, term) {
				leading = append(leading, k)
			}
		}
		switch len(leading) {
		case 0:
		case 1:
			shares[leading[0]][term] = el.shares[term]
		default:
			per, last := termVar("share", term, 0), termVar("shareLast", term, 0)
			g.List(jen.Id(per), jen.Id(last)).Op(":=").Id("r").Dot(term.OrderField).Dot("Split").Call(el.pos.Clone(), el.shares[term].Clone(), jen.Lit(len(leading)))
			for i, k := range leading {
				if i == len(leading)-1 {
					shares[k][term] = jen.Id(last)
				} else {
					shares[k][term] = jen.Id(per)
				}
			}
		}
	}
	for k, t := range targets {
		o := "o"
		if k > 0 {
			o = fmt.Sprintf("o%d", k+1)
		}
		e.send(g, w, o, t.Edge, t.Branches, el, shares[k], exit)
	}
}

// termsOf lists the ordered terms that orders name.
func termsOf(orders []*OrderUse) []*Stage {
	var list []*Stage
	for _, o := range orders {
		list = append(list, o.Term)
	}
	return list
}
