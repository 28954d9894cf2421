package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/token"
	"go/types"
	"strings"

	"github.com/pipegen/pipegen/generator/directive"
	"github.com/pipegen/pipegen/generator/suggest"
	"github.com/pipegen/pipegen/templates"
)

// This file checks //pipegen:distribute directives and plans what they
// add to a pipeline: codecs for the element types that cross processes,
// the stage groups, and the fingerprint that driver and workers compare.

// distributions checks the distribute directives of files against the
// pipelines that were built, and records which pipelines they distribute.
func (a *analyzer) distributions(files []*directive.File, res *analysis) {
	res.distributed = map[*pipelineDef]*directive.Distribute{}
	defs := map[string]*pipelineDef{}
	for _, def := range res.pipelines {
		defs[def.dir.Name.Name] = def
	}
	seen := map[string]*directive.Distribute{}
	remoteTaken := a.pkg.Scope().Lookup("remote")
	for _, f := range files {
		for _, d := range f.Distributes {
			name := d.Name.Name
			// User code may call Serve<Name> before it is generated.
			res.pending["Serve"+name] = true
			if first, dup := seen[name]; dup {
				a.errorf(d.Name.Pos, "pipeline %s is distributed twice (first at %s)", name, a.where(first.Name.Pos))
				continue
			}
			seen[name] = d
			if a.pipelines[name] == nil {
				a.errorf(d.Name.Pos, "cannot distribute %s: no pipeline named %s in the package%s", name, name, a.suggestPipeline(name))
				continue
			}
			def := defs[name]
			if def == nil {
				continue // the pipeline has errors of its own, reported
			}
			if templates.Reserved("Serve"+name) || a.pkg.Scope().Lookup("Serve"+name) != nil {
				a.errorf(d.Name.Pos, "cannot distribute %s: the package already declares Serve%s, which the distribute directive generates", name, name)
				continue
			}
			if remoteTaken != nil {
				a.errorf(d.Name.Pos, "cannot distribute %s: the package declares %s (%s), and generated code of distributed pipelines names package github.com/pipegen/pipegen/runtime/remote remote; rename it", name, objectKind(remoteTaken), a.where(remoteTaken.Pos()))
				continue
			}
			if a.distributable(d, def) {
				res.distributed[def] = d
			}
		}
	}
}

// suggestPipeline names the pipeline closest to name, if any is close.
func (a *analyzer) suggestPipeline(name string) string {
	best, bestDist := "", min(3, max(2, len(name)/3+1))
	for n := range a.pipelines {
		if d := suggest.Distance(strings.ToLower(name), strings.ToLower(n)); d < bestDist || d == bestDist && n < best {
			best, bestDist = n, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

// distributable reports whether def can run on worker processes, and
// reports at the directive why not. Version 1 distributes pipelines with
// one input and a chain of stages, optionally ending in ordered, whose
// element types all have a binary form.
func (a *analyzer) distributable(d *directive.Distribute, def *pipelineDef) bool {
	name := def.dir.Name.Name
	yet := func(format string, args ...any) bool {
		a.errorf(d.Name.Pos, "pipeline %s cannot be distributed yet: %s", name, fmt.Sprintf(format, args...))
		return false
	}
	if len(def.inputs) != 1 {
		var names []string
		for _, in := range def.inputs {
			names = append(names, in.name)
		}
		return yet("it has %d inputs (%s); a distributed pipeline has one", len(def.inputs), strings.Join(names, ", "))
	}
	ok := true
	cur := def.inputs[0]
	for {
		what := "input " + cur.name
		if cur.kind != inputNode {
			what = "stage " + cur.name
		}
		if len(cur.targets) == 0 {
			break // an each stage ends the chain
		}
		if len(cur.targets) > 1 {
			return yet("%s sends each element to several stages (a broadcast); a distributed pipeline is a chain of stages", what)
		}
		t := cur.targets[0]
		if len(t.branches) > 0 || len(t.q.producers) > 1 {
			return yet("it has a concat; a distributed pipeline is a chain of stages")
		}
		next := t.q.consumer
		// The element type crossing from cur to next.
		if problem := a.wireProblem(t.q.elem, map[*types.Named]bool{}); problem != "" {
			where := "the output of " + what
			if next != nil && next.kind == stageNode {
				where = "the input of stage " + next.name
			}
			a.errorf(d.Name.Pos, "pipeline %s cannot be distributed: its element type %s, %s, cannot cross a process boundary: %s",
				name, a.typeString(t.q.elem), where, problem)
			ok = false
		}
		if next == nil {
			break
		}
		if next.kind == orderedNode {
			if len(next.targets) != 1 || next.targets[0].q.consumer != nil {
				return yet("ordered is followed by other terms; in a distributed pipeline it can only be the last term")
			}
			break
		}
		cur = next
	}
	return ok
}

// wireProblem says why values of type t cannot be written to bytes by
// generated code and read back in another process, or returns "".
func (a *analyzer) wireProblem(t types.Type, seen map[*types.Named]bool) string {
	// The codecs name every type but the underlying structs of named types.
	if _, isStruct := t.(*types.Struct); !isStruct {
		if err := a.namer.Nameable(t); err != nil {
			return fmt.Sprintf("%s cannot be written in generated code: %v", a.typeString(t), err)
		}
	}
	switch t := types.Unalias(t).(type) {
	case *types.Named:
		if seen[t] {
			return ""
		}
		seen[t] = true
		if binaryMarshaler(t) {
			return ""
		}
		if _, isIface := t.Underlying().(*types.Interface); isIface {
			return fmt.Sprintf("%s is an interface: the receiving process cannot know which concrete type to make; use a concrete type, or a named type with MarshalBinary and UnmarshalBinary methods", a.typeString(t))
		}
		if p := a.wireProblem(t.Underlying(), seen); p != "" {
			return fmt.Sprintf("type %s: %s", a.typeString(t), p)
		}
		return ""
	case *types.Basic:
		if t.Kind() == types.UnsafePointer {
			return "an unsafe.Pointer is an address in one process's memory"
		}
		return ""
	case *types.Pointer:
		return a.wireProblem(t.Elem(), seen)
	case *types.Slice:
		return a.wireProblem(t.Elem(), seen)
	case *types.Array:
		return a.wireProblem(t.Elem(), seen)
	case *types.Map:
		if p := a.wireProblem(t.Key(), seen); p != "" {
			return p
		}
		return a.wireProblem(t.Elem(), seen)
	case *types.Struct:
		for f := range t.Fields() {
			if f.Name() == "_" {
				continue
			}
			if !f.Exported() && f.Pkg() != a.pkg {
				return fmt.Sprintf("field %s is unexported (in package %s), and the type has no MarshalBinary and UnmarshalBinary methods (encoding.BinaryMarshaler, encoding.BinaryUnmarshaler)", f.Name(), f.Pkg().Path())
			}
			if p := a.wireProblem(f.Type(), seen); p != "" {
				return fmt.Sprintf("field %s: %s", f.Name(), p)
			}
		}
		return ""
	case *types.Chan:
		return fmt.Sprintf("%s is a channel, which cannot leave its process", a.typeString(t))
	case *types.Signature:
		return fmt.Sprintf("%s is a function, which cannot leave its process", a.typeString(t))
	case *types.Interface:
		return fmt.Sprintf("%s is an interface: the receiving process cannot know which concrete type to make; use a concrete type, or a named type with MarshalBinary and UnmarshalBinary methods", a.typeString(t))
	}
	return fmt.Sprintf("%s has no binary form", a.typeString(t))
}

// binaryMarshaler reports whether t's codec uses its MarshalBinary and
// UnmarshalBinary methods.
func binaryMarshaler(t *types.Named) bool { return templates.BinaryMarshaler(t) }

// planDistributions adds the distributed part to the model of every
// distributed pipeline: its groups, codecs and fingerprint.
func planDistributions(fset *token.FileSet, n *names, res *analysis, out *templates.Package) {
	var codecs []*templates.Codec
	codecFor := func(t types.Type) *templates.Codec {
		for _, c := range codecs {
			if types.Identical(c.Type, t) {
				return c
			}
		}
		base := upperFirst(templates.Ident(t))
		c := &templates.Codec{Type: t, Encode: n.get("encode" + base), Decode: n.get("decode" + base)}
		codecs = append(codecs, c)
		return c
	}
	for i, def := range res.pipelines {
		d := res.distributed[def]
		if d == nil {
			continue
		}
		p := out.Pipelines[i]
		name := p.Name
		base := lowerFirst(name)
		dist := &templates.Distribution{
			Where:     where(fset, d.Pos),
			Serve:     "Serve" + name, // checked to be free by distributions
			Drive:     n.get("drive" + upperFirst(name)),
			SpecVar:   n.get(base + "Spec"),
			RemoteVar: n.get(base + "Remote"),
			DriverVar: n.get(base + "Driver"),
			ServeType: n.get(base + "Workers"),
			In:        p.Inputs[0].Type,
		}
		stage := 0
		for _, s := range p.Stages {
			if s.Kind == templates.Ordered {
				continue
			}
			g := &templates.Group{Head: s, First: stage, In: s.In.Item.Type}
			if fn := res.stages[s.Func]; fn != nil && fn.start != nil {
				g.State = fn.recv
			}
			stage += 1 + len(s.Fused)
			g.Last = stage - 1
			if len(s.Targets) > 0 {
				g.Out = s.Targets[0].Edge.Item.Type
			}
			dist.Groups = append(dist.Groups, g)
		}
		for k, g := range dist.Groups {
			g.Method = fmt.Sprintf("group%d", k)
			g.InCodec = codecFor(g.In)
			if g.Out != nil {
				g.OutCodec = codecFor(g.Out)
			}
		}
		if p.Out != nil {
			dist.Out = p.Out.Item.Type
		}
		// Named types inside the elements get codecs of their own, so
		// that recursive types can be encoded.
		for _, g := range dist.Groups {
			for _, t := range []types.Type{g.In, g.Out} {
				if t != nil {
					walkCodecTypes(t, func(nt types.Type) { codecFor(nt) }, map[types.Type]bool{})
				}
			}
		}
		dist.Fingerprint = fingerprint(p, dist)
		p.Distribute = dist
	}
	// Each pipeline's codecs are all of them: the emitter writes each
	// once, whichever pipeline it meets it in.
	for _, p := range out.Pipelines {
		if p.Distribute != nil {
			p.Distribute.Codecs = codecs
		}
	}
}

// walkCodecTypes calls f for each named type that values of t contain and
// that gets a codec function of its own (see templates.OwnCodec).
func walkCodecTypes(t types.Type, f func(types.Type), seen map[types.Type]bool) {
	t = types.Unalias(t)
	if seen[t] {
		return
	}
	seen[t] = true
	if named, ok := t.(*types.Named); ok {
		if binaryMarshaler(named) {
			return
		}
		if templates.OwnCodec(t) {
			f(t)
		}
		walkCodecTypes(named.Underlying(), f, seen)
		return
	}
	switch t := t.(type) {
	case *types.Pointer:
		walkCodecTypes(t.Elem(), f, seen)
	case *types.Slice:
		walkCodecTypes(t.Elem(), f, seen)
	case *types.Array:
		walkCodecTypes(t.Elem(), f, seen)
	case *types.Map:
		walkCodecTypes(t.Key(), f, seen)
		walkCodecTypes(t.Elem(), f, seen)
	case *types.Struct:
		for fld := range t.Fields() {
			walkCodecTypes(fld.Type(), f, seen)
		}
	}
}

// fingerprint identifies what driver and workers must agree on: the
// pipeline's stages and groups, and the binary form of every element
// type that crosses between processes (named types by their structure,
// not just their name).
func fingerprint(p *templates.Pipeline, d *templates.Distribution) string {
	var b strings.Builder
	fmt.Fprintf(&b, "pipegen-remote-1 %s ordered=%v\n", p.Name, p.Ordered)
	for _, g := range d.Groups {
		for _, s := range append([]*templates.Stage{g.Head}, g.Head.Fused...) {
			fmt.Fprintf(&b, "stage %s %s %s flat=%d\n", s.Name, s.Kind, s.Func, s.Flat)
		}
		b.WriteString("in ")
		shape(&b, g.In, map[types.Type]bool{})
		b.WriteString("\nout ")
		if g.Out != nil {
			shape(&b, g.Out, map[types.Type]bool{})
		}
		b.WriteString("\n")
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:8])
}

// shape writes the structure of t, as its codec sees it.
func shape(b *strings.Builder, t types.Type, seen map[types.Type]bool) {
	t = types.Unalias(t)
	switch t := t.(type) {
	case *types.Named:
		obj := t.Obj()
		if obj.Pkg() != nil {
			b.WriteString(obj.Pkg().Path() + ".")
		}
		b.WriteString(obj.Name())
		if args := t.TypeArgs(); args.Len() > 0 {
			b.WriteString("[")
			for a := range args.Types() {
				shape(b, a, seen)
				b.WriteString(",")
			}
			b.WriteString("]")
		}
		if seen[t] {
			return
		}
		seen[t] = true
		if binaryMarshaler(t) {
			b.WriteString("(binary)")
			return
		}
		b.WriteString("=")
		shape(b, t.Underlying(), seen)
	case *types.Basic:
		b.WriteString(t.Name())
	case *types.Pointer:
		b.WriteString("*")
		shape(b, t.Elem(), seen)
	case *types.Slice:
		b.WriteString("[]")
		shape(b, t.Elem(), seen)
	case *types.Array:
		fmt.Fprintf(b, "[%d]", t.Len())
		shape(b, t.Elem(), seen)
	case *types.Map:
		b.WriteString("map[")
		shape(b, t.Key(), seen)
		b.WriteString("]")
		shape(b, t.Elem(), seen)
	case *types.Struct:
		b.WriteString("struct{")
		for f := range t.Fields() {
			b.WriteString(f.Name() + " ")
			shape(b, f.Type(), seen)
			b.WriteString(";")
		}
		b.WriteString("}")
	default:
		b.WriteString(t.String())
	}
}
