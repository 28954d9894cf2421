package difftest

import (
	"encoding/json"
	"fmt"
	"go/format"
	"strings"

	"github.com/pipegen/pipegen/generator/difftest/harness"
)

// goType is how t is written in a test program.
func goType(t harness.Type) string {
	switch t {
	case harness.TInt:
		return "int"
	case harness.TNum:
		return "harness.Num"
	case harness.TString:
		return "string"
	case harness.TBox:
		return "harness.Box"
	case harness.TPBox:
		return "*harness.Box"
	case harness.TValuer:
		return "harness.Valuer"
	case harness.TRec:
		return "rec"
	case harness.TAlias:
		return "numAlias"
	}
	panic("unknown type " + string(t))
}

// toInt is the int an expression e of type t carries.
func toInt(e string, t harness.Type) string {
	switch t {
	case harness.TInt:
		return e
	case harness.TNum, harness.TAlias:
		return "int(" + e + ")"
	case harness.TString:
		return "harness.Atoi(" + e + ")"
	case harness.TBox, harness.TPBox:
		return e + ".V"
	case harness.TValuer:
		return e + ".Value()"
	case harness.TRec:
		return e + ".v"
	}
	panic("unknown type " + string(t))
}

// fromInt is a value of type t carrying the int e.
func fromInt(e string, t harness.Type) string {
	switch t {
	case harness.TInt:
		return e
	case harness.TNum:
		return "harness.Num(" + e + ")"
	case harness.TAlias:
		return "numAlias(" + e + ")"
	case harness.TString:
		return "strconv.Itoa(" + e + ")"
	case harness.TBox:
		return "harness.Box{V: " + e + "}"
	case harness.TPBox:
		return "&harness.Box{V: " + e + "}"
	case harness.TValuer:
		return "&harness.Box{V: " + e + "}"
	case harness.TRec:
		return "rec{v: " + e + "}"
	}
	panic("unknown type " + string(t))
}

// Render writes the test program of spec: its stage functions, hooks and
// pipeline directives, and a main that runs every pipeline through
// harness.Main. pipegen then adds pipegen_gen.go beside it.
func Render(spec *harness.Spec) ([]byte, error) {
	js, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	writeHeader(&b, spec.Seed, fmt.Sprintf(`// Command p%d runs the pipelines of one random spec against the reference
// interpreter of package harness.`, spec.Seed))
	for _, f := range spec.Funcs {
		renderFunc(&b, f)
	}
	b.WriteString("\n")
	for _, p := range spec.Pipelines {
		renderPipeline(&b, p)
	}
	b.WriteString("\nfunc main() {\n\tharness.Main(specJSON, []harness.Entry{\n")
	for _, p := range spec.Pipelines {
		renderEntry(&b, p)
	}
	b.WriteString("\t})\n}\n\n")
	fmt.Fprintf(&b, "// specJSON is the spec this program was written from.\nconst specJSON = `%s`\n", js)
	return formatProgram(b.String())
}

// RenderRejected writes the program of a pipeline that pipegen must
// reject: the stage functions and the pipelines of r.Spec, and a main
// that does nothing. pipegen must reject it with r.Err, and only that.
// name is the program's directory.
func RenderRejected(name string, seed int64, r *harness.Rejected) ([]byte, error) {
	spec := r.Spec(seed)
	var b strings.Builder
	writeHeader(&b, seed, fmt.Sprintf(`// Command %s holds pipeline %s, drawn from seed %d, which pipegen must
// reject: %v.`, name, r.Pipeline.Name, seed, r.Err))
	for _, f := range spec.Funcs {
		renderFunc(&b, f)
	}
	b.WriteString("\n")
	for _, p := range spec.Pipelines {
		renderPipeline(&b, p)
	}
	b.WriteString("func main() {}\n")
	return formatProgram(b.String())
}

// formatProgram formats the source of a test program.
func formatProgram(src string) ([]byte, error) {
	out, err := format.Source([]byte(src))
	if err != nil {
		return []byte(src), fmt.Errorf("formatting the test program: %w", err)
	}
	return out, nil
}

// writeHeader writes the start of a test program: its package clause
// after doc, its imports and the types of the package.
func writeHeader(b *strings.Builder, seed int64, doc string) {
	fmt.Fprintf(b, `// Code written by pipegen's difftest from seed %d. DO NOT EDIT.

%s
package main

import (
	"context"
	"iter"
	"strconv"

	"github.com/pipegen/pipegen/generator/difftest/harness"
	pipegen "github.com/pipegen/pipegen/runtime"
)

var (
	_ context.Context
	_ iter.Seq[int]
	_ = strconv.Itoa
	_ pipegen.Index
)

// rec is a struct element type of this package.
type rec struct{ v int }

// Value returns r.v.
func (r rec) Value() int { return r.v }

// numAlias is an alias element type.
type numAlias = harness.Num
`, seed, doc)
}

// renderFunc writes stage function f, with its hooks.
func renderFunc(b *strings.Builder, f *harness.Func) {
	name := f.Name()
	recv := ""
	if h := f.Hooks; h != nil {
		state := name + "Worker"
		recv = "(w *" + state + ") "
		fmt.Fprintf(b, "\n// %s is the state of a worker of %s.\ntype %s struct{ tok int }\n", state, name, state)
		var params, args []string
		if h.StartCtx {
			params, args = append(params, "ctx context.Context"), append(args, "ctx")
		} else {
			args = append(args, "nil")
		}
		if h.StartWorker {
			params, args = append(params, "wk pipegen.Worker"), append(args, "&wk")
		} else {
			args = append(args, "nil")
		}
		fmt.Fprintf(b, "\n// %sStart makes the state of a worker of %s.\n", name, name)
		call := fmt.Sprintf("harness.Start(%d, %s)", f.ID, strings.Join(args, ", "))
		if h.StartErr {
			fmt.Fprintf(b, "func %sStart(%s) (*%s, error) {\n\ttok, err := %s\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treturn &%s{tok: tok}, nil\n}\n",
				name, strings.Join(params, ", "), state, call, state)
		} else {
			fmt.Fprintf(b, "func %sStart(%s) *%s {\n\ttok, _ := %s\n\treturn &%s{tok: tok}\n}\n", name, strings.Join(params, ", "), state, call, state)
		}
		if h.Done {
			params, args = nil, []string{fmt.Sprint(f.ID), "w.tok"}
			if h.DoneCtx {
				params, args = append(params, "ctx context.Context"), append(args, "ctx")
			} else {
				args = append(args, "nil")
			}
			if h.DoneStatus {
				params, args = append(params, "st pipegen.StageStatus"), append(args, "&st")
			} else {
				args = append(args, "nil")
			}
			call := fmt.Sprintf("harness.Done(%s)", strings.Join(args, ", "))
			fmt.Fprintf(b, "\n// Close ends a worker of %s.\n", name)
			if h.DoneErr {
				fmt.Fprintf(b, "func (w *%s) Close(%s) error {\n\treturn %s\n}\n", state, strings.Join(params, ", "), call)
			} else {
				fmt.Fprintf(b, "func (w *%s) Close(%s) {\n\t_ = %s\n}\n", state, strings.Join(params, ", "), call)
			}
		}
	}

	// The directive.
	keys := []string{"pipegen:" + string(f.Kind)}
	if f.Workers > 0 {
		keys = append(keys, fmt.Sprintf("workers=%d", f.Workers))
	}
	if f.MaxSize >= 0 {
		keys = append(keys, fmt.Sprintf("maxsize=%d", f.MaxSize))
	}
	if f.TimeoutMS > 0 {
		keys = append(keys, fmt.Sprintf("timeout=%dms", f.TimeoutMS))
		if f.TimeoutFail {
			keys = append(keys, "ontimeout=fail")
		}
	}
	if h := f.Hooks; h != nil {
		keys = append(keys, fmt.Sprintf("start=%sStart", name))
		if h.Done {
			keys = append(keys, "done=Close")
		}
	}
	fmt.Fprintf(b, "\n// %s is a %s stage of the spec.\n//\n//%s\n", name, f.Kind, strings.Join(keys, " "))

	var params []string
	ctx, idx := "nil", "nil"
	if f.Ctx {
		params, ctx = append(params, "ctx context.Context"), "ctx"
	}
	if f.Index {
		params, idx = append(params, "i pipegen.Index"), "&i"
	}
	params = append(params, "x "+goType(f.In))
	args := fmt.Sprintf("%s, %d, %s, %s", ctx, f.ID, idx, toInt("x", f.In))
	errVar := "_"
	if f.Err {
		errVar = "err"
	}
	withErr := func(res string) string {
		if f.Err {
			return "(" + res + ", error)"
		}
		return res
	}
	ret := func(v string) string {
		if f.Err {
			return v + ", err"
		}
		return v
	}
	out := ""
	if f.Out != "" {
		out = goType(f.Out)
	}
	conv := ""
	if f.Kind == harness.KFlatMap {
		conv = fmt.Sprintf("func(v int) %s { return %s }", out, fromInt("v", f.Out))
	}
	var result, body string
	switch f.Kind {
	case harness.KMap:
		result = withErr(out)
		body = fmt.Sprintf("v, %s := harness.Map(%s)\n\treturn %s", errVar, args, ret(fromInt("v", f.Out)))
	case harness.KFilter:
		result = withErr("bool")
		body = fmt.Sprintf("keep, %s := harness.Filter(%s)\n\treturn %s", errVar, args, ret("keep"))
	case harness.KEach:
		if f.Err {
			result = "error"
			body = fmt.Sprintf("return harness.Each(%s)", args)
		} else {
			body = fmt.Sprintf("_ = harness.Each(%s)", args)
		}
	case harness.KFlatMap:
		switch f.Flat {
		case harness.FlatSliceForm:
			result = withErr("[]" + out)
			body = fmt.Sprintf("vs, %s := harness.FlatSlice(%s)\n\treturn %s", errVar, args, ret(fmt.Sprintf("harness.ConvertSlice(vs, %s)", conv)))
		case harness.FlatSeqForm, harness.FlatSeq2Form:
			seqType, call, wrap, empty := "iter.Seq["+out+"]", "FlatSeq", "Convert", "func(func("+out+") bool) {}"
			if f.Flat == harness.FlatSeq2Form {
				seqType, call, wrap, empty = "iter.Seq2["+out+", error]", "FlatSeq2", "Convert2", "func(func("+out+", error) bool) {}"
			}
			result = withErr(seqType)
			if f.Err {
				body = fmt.Sprintf("seq, err := harness.%s(%s)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treturn harness.%s(seq, %s), nil", call, args, wrap, conv)
			} else {
				body = fmt.Sprintf("seq, _ := harness.%s(%s)\n\tif seq == nil {\n\t\treturn %s\n\t}\n\treturn harness.%s(seq, %s)", call, args, empty, wrap, conv)
			}
		}
	}
	fmt.Fprintf(b, "func %s%s(%s) %s {\n\t%s\n}\n", recv, name, strings.Join(params, ", "), result, body)
}

// renderPipeline writes p's directive, over several lines when p.Split.
func renderPipeline(b *strings.Builder, p *harness.Pipeline) {
	if !p.Split || len(p.Expr) < 2 {
		fmt.Fprintf(b, "//%s\n\n", p.Directive())
		return
	}
	head := (&harness.Pipeline{Name: p.Name, Inputs: p.Inputs, InputList: p.InputList, Expr: p.Expr[:1]}).Directive()
	fmt.Fprintf(b, "//%s\n", head)
	for _, t := range p.Expr[1:] {
		fmt.Fprintf(b, "//\t| %s\n", t)
	}
	b.WriteString("\n")
}

// renderEntry writes the harness.Entry of p: a call of the generated
// function per input mode and variant.
func renderEntry(b *strings.Builder, p *harness.Pipeline) {
	fmt.Fprintf(b, "\t\t{Name: %q, Run: func(r *harness.Run) error {\n", p.Name)
	for i, t := range p.InTypes {
		fmt.Fprintf(b, "\t\t\tin%d := func(v int) %s { return %s }\n", i, goType(t), fromInt("v", t))
	}
	if !p.Each() {
		fmt.Fprintf(b, "\t\t\tout := func(v %s) int { return %s }\n", goType(p.Out), toInt("v", p.Out))
	}
	b.WriteString("\t\t\tswitch r.Mode {\n")
	for _, mode := range []string{"Seq", "Seq2", "FuncLit"} {
		if mode == "FuncLit" {
			b.WriteString("\t\t\tdefault:\n")
		} else {
			fmt.Fprintf(b, "\t\t\tcase harness.Mode%s:\n", mode)
		}
		var ins []string
		for i := range p.InTypes {
			ins = append(ins, fmt.Sprintf("harness.%s(r, %d, in%d)", mode, i, i))
		}
		args := "r.Ctx, " + strings.Join(ins, ", ") + ", r.Opts..."
		if p.Each() {
			fmt.Fprintf(b, "\t\t\t\treturn %s(%s)\n", p.Name, args)
			continue
		}
		fmt.Fprintf(b, "\t\t\t\tif r.WithIndex {\n\t\t\t\t\treturn harness.CollectItems(r, %sWithIndex(%s), out)\n\t\t\t\t}\n", p.Name, args)
		fmt.Fprintf(b, "\t\t\t\treturn harness.Collect(r, %s(%s), out)\n", p.Name, args)
	}
	b.WriteString("\t\t\t}\n\t\t}},\n")
}
