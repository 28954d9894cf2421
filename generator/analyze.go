package generator

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/tools/go/packages"

	"github.com/pipegen/pipegen/generator/directive"
	"github.com/pipegen/pipegen/generator/suggest"
	"github.com/pipegen/pipegen/templates"
)

// stageFunc is a function with a valid stage directive.
type stageFunc struct {
	dir  *directive.Stage
	name string
	kind directive.Kind
	// ctx and err: the function takes a leading context.Context and returns
	// a trailing error.
	ctx, err bool
	flat     templates.FlatResult
	// in is the element type the function takes; out the element type it
	// yields (for a filter, in; nil for each).
	in, out types.Type
	workers int
	maxsize int // -1: the default
	// index: the function takes the element's pipegen.Index before the
	// element.
	index bool
	// timeout is the per-element deadline (0: none); timeoutFail makes a
	// timeout fail the run instead of dropping the element.
	timeout     time.Duration
	timeoutFail bool
	// start and done are the worker hooks of a method stage, whose
	// receiver type is recv.
	start, done *templates.Hook
	recv        types.Type
}

// analysis is what analyze finds in one package.
type analysis struct {
	stages    map[string]*stageFunc
	pipelines []*pipelineDef
	// pending are the names of the pipelines, which user code may already
	// use although the generated file that defines them is blanked.
	pending map[string]bool
	// inlinedOnly are the pipelines that generate no code of their own
	// (see inlinedOnly); set after the analysis.
	inlinedOnly map[*pipelineDef]bool
	// distributed are the pipelines with a distribute directive (distribute.go).
	distributed map[*pipelineDef]*directive.Distribute
}

// analyzer checks the directives of one package.
type analyzer struct {
	reporter
	pkg   *types.Package
	info  *types.Info
	namer *templates.Namer

	stages    map[string]*stageFunc
	pipelines map[string]*directive.Pipeline
	// badStages are functions whose directive had errors: pipelines naming
	// them are not checked further, to avoid cascades.
	badStages map[string]bool
	// typeErrors is set when the package does not type-check: invalid
	// types are then the type checker's to report.
	typeErrors bool
	// excluded describes the stages and pipelines of files that the build
	// excludes.
	excluded map[string]string
}

// analyze checks the directives of l against its types.
func analyze(fset *token.FileSet, l *loaded, files []*directive.File) (*analysis, Errors) {
	a := &analyzer{
		reporter:  reporter{fset: fset},
		pkg:       l.pkg.Types,
		info:      l.pkg.TypesInfo,
		namer:     templates.NewNamer(l.pkg.PkgPath),
		stages:    map[string]*stageFunc{},
		pipelines: map[string]*directive.Pipeline{},
		badStages: map[string]bool{},
		excluded:  l.excluded,
	}
	for _, e := range l.pkg.Errors {
		if e.Kind == packages.TypeError {
			a.typeErrors = true
		}
	}
	res := &analysis{stages: a.stages, pending: map[string]bool{}}
	for _, name := range predeclaredUsed {
		if obj := a.pkg.Scope().Lookup(name); obj != nil {
			a.errorf(obj.Pos(), "%s hides the predeclared %s, which the generated code uses; rename it", objectKind(obj), name)
		}
	}
	for _, f := range files {
		for _, s := range f.Stages {
			a.stage(s)
		}
	}
	// Register every pipeline before checking any, so that pipelines may
	// refer to pipelines declared after them.
	var order []*directive.Pipeline
	for _, f := range files {
		for _, p := range f.Pipelines {
			res.pending[p.Name.Name] = true
			res.pending[p.Name.Name+"WithIndex"] = true
			res.pending[p.Name.Name+"Stages"] = true
			if first, dup := a.pipelines[p.Name.Name]; dup {
				a.errorf(p.Name.Pos, "duplicate pipeline %s (first declared at %s)", p.Name.Name, a.where(first.Name.Pos))
				continue
			}
			a.pipelines[p.Name.Name] = p
			order = append(order, p)
		}
	}
	for _, p := range order {
		if def := a.pipeline(p); def != nil {
			res.pipelines = append(res.pipelines, def)
		}
	}
	a.distributions(files, res)
	return res, a.errs
}

// predeclaredUsed are the predeclared identifiers that generated code
// uses: a package-level declaration of one of them would change its
// meaning there.
var predeclaredUsed = []string{"bool", "error", "false", "int", "len", "nil", "string", "true", "uint64", "uint8"}

// stage checks one stage directive and its function's signature.
func (a *analyzer) stage(d *directive.Stage) {
	fd := d.Func
	name := fd.Name.Name
	bad := func(pos token.Pos, format string, args ...any) {
		a.errorf(pos, format, args...)
		a.badStages[name] = true
	}
	startKey, hasStart := d.Key("start")
	doneKey, hasDone := d.Key("done")
	if recv := genericReceiver(fd); recv != "" {
		bad(fd.Recv.Pos(), "stage directive on method %s of generic type %s: the worker state of a method stage must be a concrete type; declare the stage on a method of a non-generic type (a struct with a %s[...] field, say)", name, recv, recv)
		return
	}
	switch {
	case fd.Recv != nil && !hasStart && slices.Contains(d.Rejected, "start"):
		// start has a bad value, already reported.
		a.badStages[name] = true
		return
	case fd.Recv != nil && !hasStart:
		bad(d.KindPos, "stage directive on method %s needs start=F: F makes each worker's receiver (pypeln's on_start)", name)
		return
	case fd.Recv == nil && hasStart:
		bad(startKey.NamePos, "start=%s needs a method: the stage becomes a method of the worker state that %s returns", startKey.Value, startKey.Value)
		return
	case fd.Recv == nil && hasDone:
		bad(doneKey.NamePos, "done=%s needs a method stage with start=F: done is a method of the worker state", doneKey.Value)
		return
	}
	if prev, dup := a.stages[name]; dup {
		bad(fd.Name.Pos(), "a stage named %s is already declared at %s: stage names must be unique in the package", name, a.where(prev.dir.Func.Name.Pos()))
		return
	}
	if fd.Type.TypeParams != nil && fd.Type.TypeParams.NumFields() > 0 {
		bad(fd.Type.TypeParams.Pos(), "generic function %s cannot be a stage: stages need concrete element types; call an instantiation of it from a plain function", name)
		return
	}
	if templates.Reserved(name) {
		bad(fd.Name.Pos(), "stage function name %s is used by the generated code; rename the function", name)
		return
	}
	obj, _ := a.info.Defs[fd.Name].(*types.Func)
	if obj == nil {
		if a.typeErrors {
			// Its file was left out of the type check: the type
			// checker says why.
			a.badStages[name] = true
			return
		}
		bad(fd.Name.Pos(), "cannot type-check function %s; fix the package so that it compiles", name)
		return
	}
	sig := obj.Type().(*types.Signature)
	s := &stageFunc{dir: d, name: name, kind: d.Kind, workers: 1, maxsize: -1}
	if hasStart {
		if s.start = a.startHook(startKey, sig.Recv().Type()); s.start == nil {
			a.badStages[name] = true
			return
		}
		s.recv = sig.Recv().Type()
	}
	if hasDone {
		if s.done = a.doneHook(doneKey, sig.Recv().Type()); s.done == nil {
			a.badStages[name] = true
			return
		}
	}
	if k, ok := d.Key("workers"); ok {
		s.workers = k.Int
	}
	if k, ok := d.Key("maxsize"); ok {
		s.maxsize = k.Int
	}

	if k, ok := d.Key("timeout"); ok {
		s.timeout = k.Duration
	}
	if k, ok := d.Key("ontimeout"); ok {
		if s.timeout == 0 {
			// Reported here once: the stage keeps no ontimeout, so that
			// pipelines naming it do not report it again.
			bad(k.NamePos, "ontimeout without timeout: set timeout=D too")
		} else {
			s.timeoutFail = k.Value == "fail"
		}
	}

	// Parameters: [ctx context.Context,] [index pipegen.Index,] element.
	params := sig.Params()
	want := forms[d.Kind]
	np, i := params.Len(), 0
	if np > 1 && isContext(params.At(0).Type()) {
		s.ctx, i = true, 1
	}
	if np-i == 2 && isIndex(params.At(i).Type()) {
		s.index, i = true, i+1
	}
	switch {
	case sig.Variadic():
		bad(fd.Type.Params.Pos(), "%s stage %s cannot be variadic; want %s", d.Kind, name, want)
		return
	case np-i != 1 || isContext(params.At(np-1).Type()) || isIndex(params.At(np-1).Type()):
		bad(fd.Type.Params.Pos(), "%s stage %s takes %s: %s; want %s", d.Kind, name, tupleString(params, a.pkg), paramProblem(params), want)
		return
	}
	s.in = params.At(np - 1).Type()
	if k, ok := d.Key("timeout"); ok && !s.ctx {
		bad(k.NamePos, "timeout needs a context: %s must take a leading context.Context, which carries the deadline (Go cannot stop a function that does not watch one)", name)
		return
	}

	// Results, per kind, each optionally followed by an error.
	results := sig.Results()
	n := results.Len()
	if n > 0 && isError(results.At(n-1).Type()) && !(d.Kind == directive.Map && n == 1) {
		s.err = true
		n--
	}
	ok := false
	switch d.Kind {
	case directive.Map:
		if n == 1 {
			s.out, ok = results.At(0).Type(), true
		}
	case directive.Filter:
		if n == 1 && types.Identical(results.At(0).Type(), types.Typ[types.Bool]) {
			s.out, ok = s.in, true
		}
	case directive.FlatMap:
		if n == 1 {
			s.out, s.flat, ok = flatElem(results.At(0).Type())
		}
	case directive.Each:
		ok = n == 0
	}
	if !ok {
		pos := fd.Type.Pos()
		if fd.Type.Results != nil {
			pos = fd.Type.Results.Pos()
		}
		why := resultProblem(d.Kind, results)
		if why != "" {
			why = ": " + why
		}
		bad(pos, "%s stage %s returns %s%s; want %s", d.Kind, name, tupleString(results, a.pkg), why, want)
		return
	}
	for _, t := range []types.Type{s.in, s.out} {
		if t == nil {
			continue
		}
		if a.typeErrors && hasInvalid(t) {
			// The type checker says what is wrong with the type.
			a.badStages[name] = true
			return
		}
		if err := a.namer.Nameable(t); err != nil {
			bad(fd.Type.Pos(), "stage %s: element type %s cannot be used in generated code: %v", name, a.typeString(t), err)
			return
		}
	}
	a.stages[name] = s
}

// startHook checks start=F for a method stage with receiver type recv: F
// is a function taking [ctx context.Context,] [w pipegen.Worker] and
// returning recv or (recv, error).
func (a *analyzer) startHook(k directive.Key, recv types.Type) *templates.Hook {
	want := fmt.Sprintf("want func([ctx context.Context,] [w pipegen.Worker]) %s or (%s, error)", a.typeString(recv), a.typeString(recv))
	fn, _ := a.pkg.Scope().Lookup(k.Value).(*types.Func)
	if fn == nil {
		a.errorf(k.ValuePos, "start=%s: no function %s in the package; %s", k.Value, k.Value, want)
		return nil
	}
	sig := fn.Type().(*types.Signature)
	h, i := hookParams(k.Value, sig, "Worker")
	params, results := sig.Params(), sig.Results()
	if results.Len() == 2 && isError(results.At(1).Type()) {
		h.Err = true
	}
	if i != params.Len() || sig.Variadic() || sig.TypeParams().Len() > 0 ||
		!(results.Len() == 1 || (results.Len() == 2 && h.Err)) || !types.Identical(results.At(0).Type(), recv) {
		a.errorf(k.ValuePos, "start=%s has type %s; %s", k.Value, a.typeString(sig), want)
		return nil
	}
	return h
}

// hookParams reads the optional leading parameters of a hook: a
// context.Context, then the runtime type info (Worker or StageStatus). It
// returns how many it read.
func hookParams(name string, sig *types.Signature, info string) (*templates.Hook, int) {
	h := &templates.Hook{Name: name}
	params, i := sig.Params(), 0
	if i < params.Len() && isContext(params.At(i).Type()) {
		h.Ctx, i = true, i+1
	}
	if i < params.Len() && isRuntimeType(params.At(i).Type(), info) {
		h.Info, i = true, i+1
	}
	return h, i
}

// doneHook checks done=M for a method stage with receiver type recv: M is
// a method of recv taking [ctx context.Context,] [s pipegen.StageStatus]
// and returning nothing or an error.
func (a *analyzer) doneHook(k directive.Key, recv types.Type) *templates.Hook {
	want := "want a method func([ctx context.Context,] [s pipegen.StageStatus]) with no result or an error"
	obj, _, _ := types.LookupFieldOrMethod(recv, true, a.pkg, k.Value)
	fn, _ := obj.(*types.Func)
	if fn == nil {
		a.errorf(k.ValuePos, "done=%s: %s has no method %s; %s", k.Value, a.typeString(recv), k.Value, want)
		return nil
	}
	sig := fn.Type().(*types.Signature)
	h, i := hookParams(k.Value, sig, "StageStatus")
	params, results := sig.Params(), sig.Results()
	h.Err = results.Len() == 1 && isError(results.At(0).Type())
	if i != params.Len() || sig.Variadic() || !(results.Len() == 0 || h.Err) {
		a.errorf(k.ValuePos, "done=%s has type %s; %s", k.Value, a.typeString(sig), want)
		return nil
	}
	return h
}

// paramProblem says what is wrong with the parameters of a stage
// function, which do not have the shape [ctx,] [index,] element.
func paramProblem(params *types.Tuple) string {
	np := params.Len()
	if np == 0 {
		return "it has no parameter for the element, which comes last"
	}
	if last := params.At(np - 1).Type(); isContext(last) || isIndex(last) {
		return "the element must be the last parameter"
	}
	for j := range np - 1 {
		t := params.At(j).Type()
		switch {
		case isContext(t) && j != 0:
			return "a context.Context must be the first parameter"
		case isIndex(t) && j != np-2:
			return "a pipegen.Index must come just before the element"
		}
	}
	return "only a context.Context and a pipegen.Index may come before the element"
}

// resultProblem says what is wrong with the results of a stage function
// when it is their number or order, or "" when it is their types.
func resultProblem(kind directive.Kind, results *types.Tuple) string {
	n := results.Len()
	most := 2
	if kind == directive.Each {
		most = 1
	}
	if n > most {
		return "too many results"
	}
	for j := range n - 1 {
		if isError(results.At(j).Type()) {
			return "the error must be the last result"
		}
	}
	switch {
	case n == 2 && !isError(results.At(1).Type()):
		return "a second result must be an error"
	}
	return ""
}

// genericReceiver returns the name of the receiver's type when fd is a
// method of a generic type, else "".
func genericReceiver(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return ""
	}
	x := fd.Recv.List[0].Type
	for {
		switch t := x.(type) {
		case *ast.StarExpr:
			x = t.X
		case *ast.ParenExpr:
			x = t.X
		case *ast.IndexExpr:
			return types.ExprString(t.X)
		case *ast.IndexListExpr:
			return types.ExprString(t.X)
		default:
			return ""
		}
	}
}

// hasInvalid reports whether t is, or is made of, the invalid type that
// the type checker gives to expressions it could not type.
func hasInvalid(t types.Type) bool {
	switch t := types.Unalias(t).(type) {
	case *types.Basic:
		return t.Kind() == types.Invalid
	case *types.Pointer:
		return hasInvalid(t.Elem())
	case *types.Slice:
		return hasInvalid(t.Elem())
	case *types.Array:
		return hasInvalid(t.Elem())
	case *types.Chan:
		return hasInvalid(t.Elem())
	case *types.Map:
		return hasInvalid(t.Key()) || hasInvalid(t.Elem())
	case *types.Named:
		for at := range t.TypeArgs().Types() {
			if hasInvalid(at) {
				return true
			}
		}
	case *types.Struct:
		for f := range t.Fields() {
			if hasInvalid(f.Type()) {
				return true
			}
		}
	case *types.Signature:
		for _, tuple := range []*types.Tuple{t.Params(), t.Results()} {
			for v := range tuple.Variables() {
				if hasInvalid(v.Type()) {
					return true
				}
			}
		}
	}
	return false
}

// forms describes the accepted signatures of each stage kind, for errors.
var forms = map[directive.Kind]string{
	directive.Map:     "func([ctx context.Context,] [i pipegen.Index,] x T) U or (U, error)",
	directive.Filter:  "func([ctx context.Context,] [i pipegen.Index,] x T) bool or (bool, error)",
	directive.FlatMap: "func([ctx context.Context,] [i pipegen.Index,] x T) R or (R, error), where R is []U, iter.Seq[U] or iter.Seq2[U, error]",
	directive.Each:    "func([ctx context.Context,] [i pipegen.Index,] x T) with no result or an error",
}

// flatElem returns the element type of a flatmap result: []U, iter.Seq[U]
// or iter.Seq2[U, error].
func flatElem(t types.Type) (types.Type, templates.FlatResult, bool) {
	if s, ok := types.Unalias(t).(*types.Slice); ok {
		return s.Elem(), templates.FlatSlice, true
	}
	if named, ok := types.Unalias(t).(*types.Named); ok {
		obj := named.Obj()
		if obj.Pkg() != nil && obj.Pkg().Path() == "iter" {
			args := named.TypeArgs()
			switch {
			case obj.Name() == "Seq" && args.Len() == 1:
				return args.At(0), templates.FlatSeq, true
			case obj.Name() == "Seq2" && args.Len() == 2 && isError(args.At(1)):
				return args.At(0), templates.FlatSeq2, true
			}
		}
	}
	return nil, 0, false
}

func isContext(t types.Type) bool {
	named, ok := types.Unalias(t).(*types.Named)
	return ok && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == "context" && named.Obj().Name() == "Context"
}

// isIndex reports whether t is pipegen.Index.
func isIndex(t types.Type) bool {
	return isRuntimeType(t, "Index")
}

// isRuntimeType reports whether t is the named type of the runtime
// package.
func isRuntimeType(t types.Type, name string) bool {
	named, ok := types.Unalias(t).(*types.Named)
	return ok && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == templates.RuntimePath && named.Obj().Name() == name
}

func isError(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

// qualifier writes the types of pkg unqualified and those of other
// packages with their package name, as the user's code would:
// pipegen.Index, not github.com/pipegen/pipegen/runtime.Index.
func qualifier(pkg *types.Package) types.Qualifier {
	return func(other *types.Package) string {
		if other == pkg {
			return ""
		}
		return other.Name()
	}
}

// tupleString writes a parameter or result list the way a user would,
// with the package's own types unqualified.
func tupleString(t *types.Tuple, pkg *types.Package) string {
	parts := make([]string, t.Len())
	for i := range parts {
		parts[i] = types.TypeString(t.At(i).Type(), qualifier(pkg))
	}
	switch len(parts) {
	case 0:
		return "nothing"
	case 1:
		return parts[0]
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// typeString writes t relative to the package being analyzed.
func (a *analyzer) typeString(t types.Type) string {
	return types.TypeString(t, qualifier(a.pkg))
}

// unknownName is the message for a name in a pipeline expression that is
// no stage, input or pipeline: it says what the name is, if anything, and
// what it might have been meant to be. inputs are the names of the inputs
// in scope. declare, if not "", says how to declare the name as an input,
// for a name where one could go: it replaces the list of known names.
func (a *analyzer) unknownName(name string, inputs []string, declare string) string {
	msg := "unknown name " + name + ": "
	if where, ok := a.excluded[name]; ok {
		return msg + fmt.Sprintf("it is declared in %s; run pipegen with the build tags (--tags) or GOOS/GOARCH that include the file, or move %s to a file of this build", where, name)
	}
	switch obj := a.pkg.Scope().Lookup(name).(type) {
	case *types.Func:
		return msg + fmt.Sprintf("function %s (%s) has no stage directive; write //pipegen:map (or filter, flatmap, each) on the line directly above it, with no space after //", name, a.where(obj.Pos()))
	case nil:
	default:
		return msg + fmt.Sprintf("it is %s (%s), not a stage, input or pipeline%s", objectKind(obj), a.where(obj.Pos()), a.suggest(name, inputs...))
	}
	suggestion := a.suggest(name, inputs...)
	if declare != "" {
		if strings.HasPrefix(suggestion, ";") {
			suggestion = "" // a list of names: declaring is the likelier fix
		}
		suggestion += "; " + declare
	}
	return msg + "not a stage, input or pipeline" + suggestion
}

// keywords are the words of the pipeline language that a mistyped name
// may have been meant to be. (concat takes branches: a mistyped concat
// is a stage with settings that are not key=value, a syntax error.)
var keywords = []string{"ordered"}

// suggest returns ` (did you mean X?)` for the known name (stage,
// pipeline, one of inputs, or a keyword) closest to name, or a list of
// them when none is close.
func (a *analyzer) suggest(name string, inputs ...string) string {
	names := slices.Clone(inputs)
	for n := range a.stages {
		names = append(names, n)
	}
	for n := range a.badStages {
		names = append(names, n)
	}
	for n := range a.pipelines {
		names = append(names, n)
	}
	sort.Strings(names)
	names = slices.Compact(names) // a stage may be both known and bad
	// A short name is close to too many others: allow fewer edits, and
	// for names of one or two letters, none but a change of case.
	lower := strings.ToLower(name)
	best, bestDist := "", min(3, max(2, len(name)/3+1))
	if len(name) <= 2 {
		bestDist = 1
	}
	for _, n := range names {
		if d := suggest.Distance(lower, strings.ToLower(n)); d < bestDist {
			best, bestDist = n, d
		}
	}
	for _, kw := range keywords {
		d := suggest.Distance(lower, kw)
		if len(lower) >= 3 && strings.HasPrefix(kw, lower) {
			d = min(d, 1) // a prefix: "order", "ord"
		}
		if d < bestDist {
			best, bestDist = kw, d
		}
	}
	if best != "" {
		return fmt.Sprintf(" (did you mean %s?)", best)
	}
	if len(names) == 0 {
		return "; the package has no stage directives"
	}
	if len(names) > 8 {
		names = append(names[:8], "…")
	}
	return "; the stages, pipelines and inputs are " + strings.Join(names, ", ")
}

// objectKind names what kind of declaration obj is, for messages.
func objectKind(obj types.Object) string {
	switch obj.(type) {
	case *types.Func:
		return "func " + obj.Name()
	case *types.TypeName:
		return "type " + obj.Name()
	case *types.Var:
		return "var " + obj.Name()
	case *types.Const:
		return "const " + obj.Name()
	}
	return obj.Name()
}
