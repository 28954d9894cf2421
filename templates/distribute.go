package templates

import (
	"fmt"
	"go/types"
	"strings"

	"github.com/dave/jennifer/jen"
)

// RemotePath is the import path of the run-time support of distributed
// pipelines; generated code imports it as remote.
const RemotePath = "github.com/pipegen/pipegen/runtime/remote"

// Distribution is what a //pipegen:distribute directive adds to a
// pipeline: the code that runs it on worker processes through a
// pipegen.Transport.
type Distribution struct {
	// Where is the directive's position as file:line.
	Where string
	// Fingerprint identifies the pipeline's shape and element types.
	Fingerprint string
	// Serve names the generated ServeName function; Drive the function
	// that the entry points call under the Remote option.
	Serve string
	Drive string
	// SpecVar, RemoteVar and DriverVar name the package-level
	// descriptions of the pipeline; ServeType the struct of a worker
	// process's hook states, whose methods run the groups.
	SpecVar   string
	RemoteVar string
	DriverVar string
	ServeType string
	// In is the input's element type; Out the output's, nil when the
	// pipeline ends in each.
	In  types.Type
	Out types.Type
	// Groups are the stage groups, upstream first: each is a hop between
	// processes.
	Groups []*Group
	// Codecs are the codecs of the package's distributed pipelines, shared
	// by all of them.
	Codecs []*Codec
}

// Group is a stage and the stages fused into it: one worker loop.
type Group struct {
	Head *Stage
	// First and Last are the numbers of its first and last stage in the
	// pipeline.
	First, Last int
	// In and Out are the element types it takes and yields (Out nil for
	// a group ending in each), with their codecs.
	In, Out           types.Type
	InCodec, OutCodec *Codec
	// Method names the method that runs the group on one element.
	Method string
	// State is the type of a worker's state when the stage has hooks.
	State types.Type
}

// Codec names the functions that write and read one element type.
type Codec struct {
	Type   types.Type
	Encode string
	Decode string
}

// OwnCodec reports whether values of t, met inside another element
// type, are written by a function of their own: named types made of other
// values, so that recursive types work.
func OwnCodec(t types.Type) bool {
	named, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	switch named.Underlying().(type) {
	case *types.Struct, *types.Slice, *types.Array, *types.Map, *types.Pointer:
		return true
	}
	return false
}

// remoteDiversion is the first statement of a distributed pipeline's
// entry point: under the Remote option, the call runs on the workers.
func (e *emitter) remoteDiversion(p *Pipeline, withIndex bool) jen.Code {
	if p.Distribute == nil {
		return jen.Null()
	}
	_, args := inputParams(p)
	drive := jen.Id(p.Distribute.Drive).Call(append(append([]jen.Code{jen.Id("ctx")}, args...), jen.Id("opts"))...)
	if withIndex || p.Out == nil {
		return jen.If(jen.Qual(RemotePath, "TransportOf").Call(jen.Id("opts")).Op("!=").Nil()).Block(jen.Return(drive))
	}
	// The plain entry point yields the values of what the driver yields.
	return jen.If(jen.Qual(RemotePath, "TransportOf").Call(jen.Id("opts")).Op("!=").Nil()).Block(
		jen.Id("seq").Op(":=").Add(drive),
		jen.Return(jen.Func().Params(jen.Id("yield").Func().Params(e.typ(p.Out.Item.Type), jen.Error()).Bool()).Block(
			jen.For(jen.List(jen.Id("it"), jen.Err()).Op(":=").Range().Id("seq")).Block(
				jen.If(jen.Op("!").Id("yield").Call(jen.Id("it").Dot("Value"), jen.Err())).Block(jen.Return()),
			),
		)),
	)
}

// registerDistributeImports registers the packages of every type that
// the codecs name.
func (e *emitter) registerDistributeImports(p *Package, add func(path, name string)) {
	seen := map[types.Type]bool{}
	var walk func(t types.Type)
	walk = func(t types.Type) {
		if seen[t] {
			return
		}
		seen[t] = true
		e.namer.Imports(t, add)
		switch t := types.Unalias(t).(type) {
		case *types.Named:
			walk(t.Underlying())
		case *types.Pointer:
			walk(t.Elem())
		case *types.Slice:
			walk(t.Elem())
		case *types.Array:
			walk(t.Elem())
		case *types.Map:
			walk(t.Key())
			walk(t.Elem())
		case *types.Struct:
			for f := range t.Fields() {
				walk(f.Type())
			}
		}
	}
	for _, pl := range p.Pipelines {
		if pl.Distribute != nil {
			for _, c := range pl.Distribute.Codecs {
				walk(c.Type)
			}
		}
	}
}

// distribute emits the distributed part of p: its descriptions, the
// function its entry points call under Remote, Serve<Name>, and the
// methods that run its groups.
func (e *emitter) distribute(p *Pipeline, written map[*Codec]bool) {
	d := p.Distribute
	e.remoteDescriptions(p)
	e.drive(p)
	e.serve(p)
	for _, g := range d.Groups {
		e.groupMethod(p, g)
	}
	for _, c := range d.Codecs {
		if !written[c] {
			written[c] = true
			e.codec(d, c)
		}
	}
}

// outType is the element type the driver reads: the output's, or
// struct{} for a pipeline ending in each.
func (e *emitter) outType(t types.Type) *jen.Statement {
	if t == nil {
		return jen.Struct()
	}
	return e.typ(t)
}

func (e *emitter) remoteDescriptions(p *Pipeline) {
	d := p.Distribute
	var names []jen.Code
	var fusedInto []jen.Code
	for _, g := range d.Groups {
		for i, s := range steps(g.Head) {
			names = append(names, jen.Lit(s.Name))
			if i == 0 {
				fusedInto = append(fusedInto, jen.Lit(""))
			} else {
				fusedInto = append(fusedInto, jen.Lit(g.Head.Name))
			}
		}
	}
	doc(e.file, fmt.Sprintf(`
%s names the stages of %s for its distributed runs (//pipegen:distribute
at %s).`, d.SpecVar, p.Name, d.Where))
	e.file.Var().Id(d.SpecVar).Op("=").Op("&").Qual(RemotePath, "Spec").Add(fields(
		jen.Id("Pipeline"), jen.Lit(p.Name),
		jen.Id("Stages"), jen.Index().String().Values(names...),
	))

	doc(e.file, fmt.Sprintf(`
%s describes %s to transports: its stage groups, each a hop between
processes, with their workers per process, and the fingerprint of its
shape and element types, which a worker compares with the driver's before
it takes part in a run.`, d.RemoteVar, p.Name))
	e.file.Var().Id(d.RemoteVar).Op("=").Op("&").Qual(RuntimePath, "RemotePipeline").Values(
		jen.Line().Id("Name").Op(":").Lit(p.Name),
		jen.Line().Id("Fingerprint").Op(":").Lit(d.Fingerprint),
		jen.Line().Id("Groups").Op(":").Index().Qual(RuntimePath, "RemoteGroup").ValuesFunc(func(g *jen.Group) {
			for _, grp := range d.Groups {
				var st []jen.Code
				for _, s := range steps(grp.Head) {
					st = append(st, jen.Lit(s.Name))
				}
				g.Line().Add(fields(jen.Id("Stages"), jen.Index().String().Values(st...), jen.Id("Workers"), jen.Lit(grp.Head.Workers)))
			}
			g.Line()
		}),
		jen.Line().Id("Ordered").Op(":").Lit(p.Ordered),
		jen.Line(),
	)

	decode := jen.Qual(RemotePath, "Nothing")
	if d.Out != nil {
		decode = jen.Id(codecOf(d, d.Out).Decode)
	}
	doc(e.file, fmt.Sprintf(`
%s is the driver's side of distributed runs of %s: how it encodes the
input and decodes the output.`, d.DriverVar, p.Name))
	e.file.Var().Id(d.DriverVar).Op("=").Op("&").Qual(RemotePath, "Driver").Types(e.typ(d.In), e.outType(d.Out)).Values(
		jen.Line().Id("Spec").Op(":").Id(d.SpecVar),
		jen.Line().Id("Input").Op(":").Lit(p.Inputs[0].Name),
		jen.Line().Id("Pipeline").Op(":").Id(d.RemoteVar),
		jen.Line().Id("FusedInto").Op(":").Index().String().Values(fusedInto...),
		jen.Line().Id("Encode").Op(":").Id(codecOf(d, d.In).Encode),
		jen.Line().Id("Decode").Op(":").Add(decode),
		jen.Line(),
	)
}

// codecOf returns the codec of t.
func codecOf(d *Distribution, t types.Type) *Codec {
	for _, c := range d.Codecs {
		if types.Identical(c.Type, t) {
			return c
		}
	}
	panic(fmt.Sprintf("pipegen: internal error: no codec for %v", t))
}

// drive emits the function that the entry points call under Remote.
func (e *emitter) drive(p *Pipeline) {
	d := p.Distribute
	inParams, inArgs := inputParams(p)
	params := append([]jen.Code{jen.Id("ctx").Qual("context", "Context")}, inParams...)
	params = append(params, jen.Id("opts").Index().Qual(RuntimePath, "Option"))
	in := inArgs[0]
	settings := jen.List(jen.Id("run"), jen.Err()).Op(":=").Qual(RemotePath, "Options").Call(jen.Lit(p.Name), jen.Id(p.StagesVar), jen.Id("opts"))
	if p.Out == nil {
		doc(e.file, fmt.Sprintf(`
%s runs %s on the worker processes reached through the transport of the
pipegen.Remote option in opts, which serve it with %s; this process
feeds them the input and waits for the end of the run.`, d.Drive, p.Name, d.Serve))
		e.file.Func().Id(d.Drive).Types(e.typeParams(p)...).Params(params...).Error().Block(
			settings,
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			jen.Return(jen.Id(d.DriverVar).Dot("Wait").Call(jen.Id("ctx"), jen.Id("run"), in)),
		)
		return
	}
	item := jen.Qual(RuntimePath, "Item").Types(e.typ(p.Out.Item.Type))
	doc(e.file, fmt.Sprintf(`
%s runs %s on the worker processes reached through the transport of the
pipegen.Remote option in opts, which serve it with %s; this process
feeds them the input and yields what they produce.`, d.Drive, p.Name, d.Serve))
	e.file.Func().Id(d.Drive).Types(e.typeParams(p)...).Params(params...).Qual("iter", "Seq2").Types(item.Clone(), jen.Error()).Block(
		settings,
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Func().Params(jen.Id("yield").Func().Params(item.Clone(), jen.Error()).Bool()).Block(
				jen.Id("yield").Call(item.Clone().Values(), jen.Err()),
			)),
		),
		jen.Return(jen.Id(d.DriverVar).Dot("Run").Call(jen.Id("ctx"), jen.Id("run"), in)),
	)
}

// hookGroups are the groups whose stage has worker hooks.
func hookGroups(d *Distribution) []int {
	var list []int
	for k, g := range d.Groups {
		if g.Head.Start != nil {
			list = append(list, k)
		}
	}
	return list
}

// stateField names the field of the serve struct that holds the
// workers' states of a stage with hooks.
func stateField(s *Stage) string {
	return strings.ToLower(s.Func[:1]) + s.Func[1:] + "States"
}

// serve emits Serve<Name> and the struct of a worker process's hook
// states.
func (e *emitter) serve(p *Pipeline) {
	d := p.Distribute
	hooked := hookGroups(d)
	doc(e.file, fmt.Sprintf(`
%s is what a worker process of %s keeps while it serves: the state of
each worker of the stages with hooks; its methods run the stage groups.`, d.ServeType, p.Name))
	e.file.Type().Id(d.ServeType).StructFunc(func(g *jen.Group) {
		for _, k := range hooked {
			s := d.Groups[k].Head
			g.Id(stateField(s)).Index().Add(e.typ(d.Groups[k].State)).Comment("made by " + s.Start.Name + ", one per worker")
		}
	})

	var groups []string
	for _, g := range d.Groups {
		var names []string
		for _, s := range steps(g.Head) {
			names = append(names, s.Name)
		}
		groups = append(groups, strings.Join(names, " | "))
	}
	doc(e.file, fmt.Sprintf(`
%s makes this process a worker of %s (distributed at %s): it runs the
stages of every run that any driver starts through transport, until ctx
ends or transport closes. Each stage group (%s) is a hop between
processes and runs, in this process, as many workers as its first
stage's directive says (opts may change that with pipegen.Workers).
Driver and workers must be built from the same pipeline: a worker
refuses a run whose fingerprint differs.

Worker hooks run once per worker of this process: start when %s begins,
done when it returns. When ctx ends, %s stops taking batches, finishes or
gives back those it holds, runs the done hooks and returns nil.`,
		d.Serve, p.Name, d.Where, strings.Join(groups, "; "), d.Serve, d.Serve))
	e.file.Func().Id(d.Serve).Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("transport").Qual(RuntimePath, "Transport"), jen.Id("opts").Op("...").Qual(RuntimePath, "Option")).Error().BlockFunc(func(g *jen.Group) {
		g.List(jen.Id("run"), jen.Err()).Op(":=").Qual(RemotePath, "Options").Call(jen.Lit(p.Name), jen.Id(p.StagesVar), jen.Id("opts"))
		g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
		g.Id("desc").Op(":=").Qual(RemotePath, "Configure").Call(jen.Id(d.RemoteVar), jen.Id("run"))
		g.Id("w").Op(":=").Op("&").Id(d.ServeType).Values()
		for _, k := range hooked {
			e.startHooks(g, p, k)
		}
		g.Err().Op("=").Id("transport").Dot("Serve").Call(jen.Id("ctx"), jen.Id("desc"), jen.Qual(RemotePath, "Handler").CallFunc(func(g *jen.Group) {
			for _, grp := range d.Groups {
				encode := jen.Qual(RemotePath, "EncodeNothing")
				if grp.Out != nil {
					encode = jen.Id(grp.OutCodec.Encode)
				}
				g.Line().Op("&").Qual(RemotePath, "Group").Types(e.typ(grp.In), e.outType(grp.Out)).Values(
					jen.Id("Spec").Op(":").Id(d.SpecVar),
					jen.Id("First").Op(":").Lit(grp.First),
					jen.Id("Last").Op(":").Lit(grp.Last),
					jen.Id("Decode").Op(":").Id(grp.InCodec.Decode),
					jen.Id("Encode").Op(":").Add(encode),
					jen.Id("Run").Op(":").Id("w").Dot(grp.Method),
				)
			}
			g.Line()
		}))
		if len(hooked) > 0 {
			g.Return(jen.Id("w").Dot("stop").Call(jen.Id("ctx"), jen.Err()))
		} else {
			g.Return(jen.Err())
		}
	})
	if len(hooked) > 0 {
		e.stopHooks(p)
	}
}

// startHooks writes the start of the workers of group k, whose stage has
// hooks: one state per worker, made by its start function.
func (e *emitter) startHooks(g *jen.Group, p *Pipeline, k int) {
	d := p.Distribute
	s := d.Groups[k].Head
	field := jen.Id("w").Dot(stateField(s))
	g.Comment(fmt.Sprintf("%s makes the state of each worker of %s.", s.Start.Name, s.Name))
	g.Add(field.Clone()).Op("=").Make(jen.Index().Add(e.typ(d.Groups[k].State)), jen.Id("desc").Dot("Groups").Index(jen.Lit(k)).Dot("Workers"))
	var args []jen.Code
	if s.Start.Ctx {
		args = append(args, jen.Id("ctx"))
	}
	if s.Start.Info {
		args = append(args, jen.Qual(RuntimePath, "Worker").Add(fields(
			jen.Id("Pipeline"), jen.Lit(p.Name), jen.Id("Stage"), jen.Lit(s.Name), jen.Id("Index"), jen.Id("i"))))
	}
	g.For(jen.Id("i").Op(":=").Range().Add(field.Clone())).BlockFunc(func(g *jen.Group) {
		if s.Start.Err {
			g.List(jen.Id("state"), jen.Err()).Op(":=").Id(s.Start.Name).Call(args...)
			g.If(jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Id("w").Dot("stop").Call(jen.Id("ctx"), jen.Op("&").Qual(RuntimePath, "StageError").Add(fields(
					jen.Id("Pipeline"), jen.Lit(p.Name), jen.Id("Stage"), jen.Lit(s.Name), jen.Id("Worker"), jen.Id("i"), jen.Id("Err"), jen.Err())))),
			)
			g.Add(field.Clone()).Index(jen.Id("i")).Op("=").Id("state")
		} else {
			g.Add(field.Clone()).Index(jen.Id("i")).Op("=").Id(s.Start.Name).Call(args...)
		}
	})
}

// stopHooks emits the method that runs the done hooks of every started
// worker.
func (e *emitter) stopHooks(p *Pipeline) {
	d := p.Distribute
	doc(e.file, fmt.Sprintf(`
stop runs the done hook of every started worker of %s once, and returns
err, or else the first failure of a hook. err is nil when %s ended
because its ctx did (the workers' input ended normally).`, d.Serve, d.Serve))
	e.file.Func().Params(jen.Id("w").Op("*").Id(d.ServeType)).Id("stop").Params(jen.Id("ctx").Qual("context", "Context"), jen.Err().Error()).Error().BlockFunc(func(g *jen.Group) {
		for _, k := range hookGroups(d) {
			s := d.Groups[k].Head
			if s.Done == nil {
				continue
			}
			field := jen.Id("w").Dot(stateField(s))
			g.For(jen.List(jen.Id("i"), jen.Id("state")).Op(":=").Range().Add(field.Clone())).BlockFunc(func(g *jen.Group) {
				g.If(jen.Id("state").Op("==").Nil()).Block(jen.Continue())
				var args []jen.Code
				if s.Done.Ctx {
					args = append(args, jen.Qual("context", "WithoutCancel").Call(jen.Id("ctx")))
				}
				if s.Done.Info {
					args = append(args, jen.Qual(RuntimePath, "StageStatus").Add(fields(
						jen.Id("Stage"), jen.Lit(s.Name), jen.Id("Done"), jen.Err().Op("==").Nil(),
						jen.Id("ActiveWorkers"), jen.Len(field.Clone()).Op("-").Lit(1).Op("-").Id("i"))))
				}
				call := jen.Id("state").Dot(s.Done.Name).Call(args...)
				if s.Done.Err {
					g.If(jen.Id("derr").Op(":=").Add(call), jen.Id("derr").Op("!=").Nil().Op("&&").Err().Op("==").Nil()).Block(
						jen.Err().Op("=").Op("&").Qual(RuntimePath, "StageError").Add(fields(
							jen.Id("Pipeline"), jen.Lit(p.Name), jen.Id("Stage"), jen.Lit(s.Name), jen.Id("Worker"), jen.Id("i"), jen.Id("Err"), jen.Id("derr"))),
					)
				} else {
					g.Add(call)
				}
			})
		}
		g.Return(jen.Err())
	})
}

// groupMethod emits the method that runs one group on one element.
func (e *emitter) groupMethod(p *Pipeline, grp *Group) {
	d := p.Distribute
	var names []string
	for _, s := range steps(grp.Head) {
		names = append(names, fmt.Sprintf("%s (//pipegen:%s at %s)", s.Name, s.Kind, s.Where))
	}
	what := "stage " + names[0]
	if len(names) > 1 {
		what = "stages " + strings.Join(names, ", then ")
	}
	sends := "passes each element the group yields to out"
	if grp.Out == nil {
		sends = "yields nothing"
	}
	doc(e.file, fmt.Sprintf(`
%s runs %s of %s on the element v at index, for %s: it %s, and
returns the error of the stage that failed. Before each stage it tells
stage which one runs, so that a panic names it.`, grp.Method, what, p.Name, d.Serve, sends))
	e.file.Func().Params(jen.Id("w").Op("*").Id(d.ServeType)).Id(grp.Method).Params(
		jen.Id("ctx").Qual("context", "Context"),
		jen.Id("stage").Op("*").Qual(RemotePath, "Step"),
		jen.Id("worker").Int(),
		jen.Id("index").Qual(RuntimePath, "Index"),
		jen.Id("v").Add(e.typ(grp.In)),
		jen.Id("out").Func().Params(jen.Qual(RuntimePath, "Index"), e.outType(grp.Out)),
	).Error().BlockFunc(func(g *jen.Group) {
		b := &remoteBody{e: e, grp: grp, chain: steps(grp.Head)}
		b.step(g, 0, jen.Id("v"), jen.Id("index"), false)
		g.Return(jen.Nil())
	})
}

// remoteBody writes what a distributed group does with one element,
// step by step: like body for local workers, without queues.
type remoteBody struct {
	e     *emitter
	grp   *Group
	chain []*Stage
}

// step writes step k on element in at idx; nested is set inside the loop
// over a flatmap's children.
func (b *remoteBody) step(g *jen.Group, k int, in jen.Code, idx jen.Code, nested bool) {
	s := b.chain[k]
	name := func(base string) string {
		if k == 0 {
			return base
		}
		return fmt.Sprintf("%s%d", base, k+1)
	}
	v, vs, keep, child := name("v"), name("vs"), name("keep"), name("child")
	if k == 0 {
		v = "v1" // v is the element itself
	}
	next := jen.Return(jen.Nil())
	if nested {
		next = jen.Continue()
	}
	emit := func(g *jen.Group, idx jen.Code, value jen.Code, nested bool) {
		if k+1 < len(b.chain) {
			b.step(g, k+1, value, idx, nested)
			return
		}
		g.Id("out").Call(idx, value)
	}
	g.Id("stage").Dot("Enter").Call(jen.Lit(b.grp.First+k), idx)
	timeout := s.Timeout > 0
	if timeout {
		// A stage with a timeout is never fused: this is the group's only
		// step, at the top of the method.
		g.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual("context", "WithTimeout").Call(jen.Id("ctx"), durationCode(s.Timeout))
		g.Defer().Id("cancel").Call()
	}
	expired := func(g *jen.Group) {
		if !timeout {
			return
		}
		g.If(jen.Id("ctx").Dot("Err").Call().Op("==").Qual("context", "DeadlineExceeded")).BlockFunc(func(g *jen.Group) {
			if s.TimeoutFail {
				g.Return(jen.Op("&").Qual(RuntimePath, "TimeoutError").Values(jen.Id("Timeout").Op(":").Add(durationCode(s.Timeout))))
			} else {
				g.Id("stage").Dot("Dropped").Call()
				g.Return(jen.Nil())
			}
		})
	}
	var args []jen.Code
	if s.Ctx {
		args = append(args, jen.Id("ctx"))
	}
	if s.Index {
		args = append(args, idx)
	}
	args = append(args, in)
	call := jen.Id(s.Func).Call(args...)
	if s.Start != nil {
		call = jen.Id("w").Dot(stateField(s)).Index(jen.Id("worker")).Dot(s.Func).Call(args...)
	}
	checkErr := jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))

	switch s.Kind {
	case Map:
		if s.Err {
			g.List(jen.Id(v), jen.Err()).Op(":=").Add(call)
			expired(g)
			g.Add(checkErr)
		} else {
			g.Id(v).Op(":=").Add(call)
			expired(g)
		}
		emit(g, idx, jen.Id(v), nested)
	case Filter:
		if s.Err {
			g.List(jen.Id(keep), jen.Err()).Op(":=").Add(call)
			expired(g)
			g.Add(checkErr)
		} else {
			g.Id(keep).Op(":=").Add(call)
			expired(g)
		}
		g.If(jen.Op("!").Id(keep)).Block(next)
		emit(g, idx, in, nested)
	case Each:
		switch {
		case s.Err && timeout:
			g.Err().Op(":=").Add(call)
			expired(g)
			g.Add(checkErr)
		case s.Err:
			g.If(jen.Err().Op(":=").Add(call), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
		default:
			g.Add(call)
			expired(g)
		}
	case FlatMap:
		childIndex := jen.Add(idx).Dot("Child").Call(jen.Id(child))
		seq := call
		if s.Err {
			g.List(jen.Id(vs), jen.Err()).Op(":=").Add(call)
			if s.Flat == FlatSlice {
				expired(g)
			}
			g.Add(checkErr)
			seq = jen.Id(vs)
		} else if s.Flat == FlatSlice {
			g.Id(vs).Op(":=").Add(call)
			expired(g)
			seq = jen.Id(vs)
		}
		switch s.Flat {
		case FlatSlice:
			g.For(jen.List(jen.Id(child), jen.Id(v)).Op(":=").Range().Add(seq)).BlockFunc(func(g *jen.Group) {
				emit(g, childIndex, jen.Id(v), true)
			})
		case FlatSeq, FlatSeq2:
			g.Id(child).Op(":=").Lit(-1)
			vars := jen.Id(v)
			if s.Flat == FlatSeq2 {
				vars = jen.List(jen.Id(v), jen.Err())
			}
			g.For(vars.Op(":=").Range().Add(seq)).BlockFunc(func(g *jen.Group) {
				g.Id(child).Op("++")
				if s.Flat == FlatSeq2 {
					if timeout {
						g.If(jen.Err().Op("!=").Nil().Op("&&").Id("ctx").Dot("Err").Call().Op("==").Qual("context", "DeadlineExceeded")).Block(jen.Break())
					}
					g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
				}
				emit(g, childIndex, jen.Id(v), true)
			})
			expired(g)
		}
	}
}

// codec emits the functions that write and read values of c.Type.
func (e *emitter) codec(d *Distribution, c *Codec) {
	cw := &codecWriter{e: e, d: d, own: c}
	doc(e.file, fmt.Sprintf(`
%s writes v in the binary form that %s reads, for distributed
pipelines.`, c.Encode, c.Decode))
	e.file.Func().Id(c.Encode).Params(jen.Id("w").Op("*").Qual(RemotePath, "Writer"), jen.Id("v").Add(e.typ(c.Type))).BlockFunc(func(g *jen.Group) {
		cw.encode(g, c.Type, jen.Id("v"), 0, true)
	})
	doc(e.file, fmt.Sprintf(`
%s reads a value written by %s. A malformed input makes r fail (see
remote.Reader.Err) and the result is then partial.`, c.Decode, c.Encode))
	e.file.Func().Id(c.Decode).Params(jen.Id("r").Op("*").Qual(RemotePath, "Reader")).Params(jen.Id("v").Add(e.typ(c.Type))).BlockFunc(func(g *jen.Group) {
		cw.decode(g, c.Type, jen.Id("v"), 0, true)
		g.Return(jen.Id("v"))
	})
}

// codecWriter writes the body of one codec's functions.
type codecWriter struct {
	e   *emitter
	d   *Distribution
	own *Codec
}

// other returns the codec function pair of t when it has its own, other
// than the one being written.
func (cw *codecWriter) other(t types.Type, top bool) *Codec {
	if top || !OwnCodec(t) {
		return nil
	}
	for _, c := range cw.d.Codecs {
		if types.Identical(c.Type, t) {
			return c
		}
	}
	return nil
}

// hasMarshaler reports whether t is a named type with MarshalBinary and
// UnmarshalBinary methods.
func hasMarshaler(t types.Type) bool {
	named, ok := types.Unalias(t).(*types.Named)
	return ok && BinaryMarshaler(named)
}

// BinaryMarshaler reports whether a value of t has MarshalBinary() ([]byte,
// error) and a *t has UnmarshalBinary([]byte) error: encoding's
// BinaryMarshaler and BinaryUnmarshaler, which the codecs then use.
func BinaryMarshaler(t *types.Named) bool {
	ms := types.NewMethodSet(types.NewPointer(t))
	marshal, unmarshal := false, false
	for sel := range ms.Methods() {
		sig, _ := sel.Type().(*types.Signature)
		if sig == nil {
			continue
		}
		switch sel.Obj().Name() {
		case "MarshalBinary":
			marshal = sig.Params().Len() == 0 && sig.Results().Len() == 2 &&
				isByteSlice(sig.Results().At(0).Type()) && isErrorType(sig.Results().At(1).Type())
		case "UnmarshalBinary":
			unmarshal = sig.Params().Len() == 1 && isByteSlice(sig.Params().At(0).Type()) &&
				sig.Results().Len() == 1 && isErrorType(sig.Results().At(0).Type())
		}
	}
	return marshal && unmarshal
}

func isByteSlice(t types.Type) bool {
	s, ok := types.Unalias(t).(*types.Slice)
	if !ok {
		return false
	}
	b, ok := types.Unalias(s.Elem()).(*types.Basic)
	return ok && b.Kind() == types.Byte
}

func isErrorType(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

// basicWrite returns the Writer method and the Go type it takes for a
// basic kind.
func basicWrite(k types.BasicKind) (method string, goType string) {
	switch k {
	case types.Bool:
		return "Bool", "bool"
	case types.Int, types.Int8, types.Int16, types.Int32, types.Int64:
		return "Int", "int64"
	case types.Uint, types.Uint8, types.Uint16, types.Uint32, types.Uint64, types.Uintptr:
		return "Uint", "uint64"
	case types.Float32:
		return "Float32", "float32"
	case types.Float64:
		return "Float64", "float64"
	case types.String:
		return "String", "string"
	}
	return "", ""
}

// encode writes the code that writes the value of expr, of type t.
func (cw *codecWriter) encode(g *jen.Group, t types.Type, expr jen.Code, depth int, top bool) {
	if c := cw.other(t, top); c != nil {
		g.Id(c.Encode).Call(jen.Id("w"), expr)
		return
	}
	if hasMarshaler(t) {
		g.Id("w").Dot("Marshal").Call(jen.Add(expr).Dot("MarshalBinary").Call())
		return
	}
	x, i, k := fmt.Sprintf("x%d", depth+1), fmt.Sprintf("i%d", depth+1), fmt.Sprintf("k%d", depth+1)
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch u.Kind() {
		case types.Complex64:
			g.Id("w").Dot("Float32").Call(jen.Real(expr))
			g.Id("w").Dot("Float32").Call(jen.Imag(expr))
			return
		case types.Complex128:
			g.Id("w").Dot("Float64").Call(jen.Real(expr))
			g.Id("w").Dot("Float64").Call(jen.Imag(expr))
			return
		}
		method, goType := basicWrite(u.Kind())
		arg := jen.Id(goType).Call(expr)
		if b, ok := types.Unalias(t).(*types.Basic); ok && b.Name() == goType {
			arg = jen.Add(expr)
		}
		g.Id("w").Dot(method).Call(arg)
	case *types.Pointer:
		g.Id("w").Dot("Bool").Call(jen.Add(expr).Op("!=").Nil())
		g.If(jen.Add(expr).Op("!=").Nil()).BlockFunc(func(g *jen.Group) {
			cw.encode(g, u.Elem(), deref(u.Elem(), expr), depth+1, false)
		})
	case *types.Slice:
		if b, ok := types.Unalias(u.Elem()).(*types.Basic); ok && b.Kind() == types.Byte {
			g.Id("w").Dot("Bytes8").Call(expr)
			return
		}
		g.Id("w").Dot("Len").Call(jen.Len(expr), jen.Add(expr).Op("==").Nil())
		g.For(jen.List(jen.Id("_"), jen.Id(x)).Op(":=").Range().Add(expr)).BlockFunc(func(g *jen.Group) {
			cw.encode(g, u.Elem(), jen.Id(x), depth+1, false)
		})
	case *types.Array:
		g.For(jen.Id(i).Op(":=").Range().Add(expr)).BlockFunc(func(g *jen.Group) {
			cw.encode(g, u.Elem(), jen.Add(expr).Index(jen.Id(i)), depth+1, false)
		})
	case *types.Map:
		g.Id("w").Dot("Len").Call(jen.Len(expr), jen.Add(expr).Op("==").Nil())
		g.For(jen.List(jen.Id(k), jen.Id(x)).Op(":=").Range().Add(expr)).BlockFunc(func(g *jen.Group) {
			cw.encode(g, u.Key(), jen.Id(k), depth+1, false)
			cw.encode(g, u.Elem(), jen.Id(x), depth+1, false)
		})
	case *types.Struct:
		for f := range u.Fields() {
			if f.Name() == "_" {
				continue
			}
			cw.encode(g, f.Type(), jen.Add(expr).Dot(f.Name()), depth, false)
		}
	}
}

// deref is *expr, in parentheses when what follows needs them (a
// field, an index, a method).
func deref(elem types.Type, expr jen.Code) jen.Code {
	if _, basic := elem.Underlying().(*types.Basic); basic && !hasMarshaler(elem) || OwnCodec(elem) {
		return jen.Op("*").Add(expr)
	}
	return jen.Parens(jen.Op("*").Add(expr))
}

// convert is value converted to t, unless t is the unnamed goType.
func convert(t types.Type, goType string, value jen.Code, typ *jen.Statement) jen.Code {
	if b, ok := types.Unalias(t).(*types.Basic); ok && b.Name() == goType {
		return value
	}
	return typ.Call(value)
}

// decode writes the code that reads a value of type t into target.
func (cw *codecWriter) decode(g *jen.Group, t types.Type, target jen.Code, depth int, top bool) {
	if c := cw.other(t, top); c != nil {
		g.Add(target).Op("=").Id(c.Decode).Call(jen.Id("r"))
		return
	}
	if hasMarshaler(t) {
		g.Id("r").Dot("Unmarshal").Call(jen.Add(target).Dot("UnmarshalBinary"))
		return
	}
	x, i, k, n := fmt.Sprintf("x%d", depth+1), fmt.Sprintf("i%d", depth+1), fmt.Sprintf("k%d", depth+1), fmt.Sprintf("n%d", depth+1)
	typ := cw.e.typ(t)
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch u.Kind() {
		case types.Complex64:
			g.Add(target).Op("=").Add(convert(t, "complex64", jen.Complex(jen.Id("r").Dot("Float32").Call(), jen.Id("r").Dot("Float32").Call()), typ))
			return
		case types.Complex128:
			g.Add(target).Op("=").Add(convert(t, "complex128", jen.Complex(jen.Id("r").Dot("Float64").Call(), jen.Id("r").Dot("Float64").Call()), typ))
			return
		}
		method, goType := basicWrite(u.Kind())
		read := jen.Id("r").Dot(method).Call()
		if b, ok := types.Unalias(t).(*types.Basic); ok && b.Name() == goType {
			g.Add(target).Op("=").Add(read)
		} else {
			g.Add(target).Op("=").Add(typ).Call(read)
		}
	case *types.Pointer:
		g.If(jen.Id("r").Dot("Bool").Call()).BlockFunc(func(g *jen.Group) {
			g.Add(target).Op("=").New(cw.e.typ(u.Elem()))
			cw.decode(g, u.Elem(), deref(u.Elem(), target), depth+1, false)
		})
	case *types.Slice:
		if b, ok := types.Unalias(u.Elem()).(*types.Basic); ok && b.Kind() == types.Byte {
			g.Add(target).Op("=").Id("r").Dot("Bytes8").Call()
			return
		}
		g.If(jen.List(jen.Id(n), jen.Id("isNil")).Op(":=").Id("r").Dot("Len").Call(), jen.Op("!").Id("isNil")).BlockFunc(func(g *jen.Group) {
			g.Add(target).Op("=").Make(typ, jen.Id(n))
			g.For(jen.Id(i).Op(":=").Range().Add(target)).BlockFunc(func(g *jen.Group) {
				cw.decode(g, u.Elem(), jen.Add(target).Index(jen.Id(i)), depth+1, false)
			})
		})
	case *types.Array:
		g.For(jen.Id(i).Op(":=").Range().Add(target)).BlockFunc(func(g *jen.Group) {
			cw.decode(g, u.Elem(), jen.Add(target).Index(jen.Id(i)), depth+1, false)
		})
	case *types.Map:
		g.If(jen.List(jen.Id(n), jen.Id("isNil")).Op(":=").Id("r").Dot("Len").Call(), jen.Op("!").Id("isNil")).BlockFunc(func(g *jen.Group) {
			g.Add(target).Op("=").Make(typ, jen.Id(n))
			g.For(jen.Range().Id(n)).BlockFunc(func(g *jen.Group) {
				g.Var().Id(k).Add(cw.e.typ(u.Key()))
				cw.decode(g, u.Key(), jen.Id(k), depth+1, false)
				g.Var().Id(x).Add(cw.e.typ(u.Elem()))
				cw.decode(g, u.Elem(), jen.Id(x), depth+1, false)
				g.Add(target).Index(jen.Id(k)).Op("=").Id(x)
			})
		})
	case *types.Struct:
		for f := range u.Fields() {
			if f.Name() == "_" {
				continue
			}
			cw.decode(g, f.Type(), jen.Add(target).Dot(f.Name()), depth, false)
		}
	}
}
