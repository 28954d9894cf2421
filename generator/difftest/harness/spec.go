// Package harness is the part of pipegen's differential tester that runs
// inside the test programs: the pipeline specs, their sequential reference
// interpreter, the fault hooks that every generated stage function calls,
// and the checks of each run.
//
// A test program is written by package difftest from a [Spec]: stage
// functions with pipegen directives whose bodies call [Map], [Filter],
// [FlatSlice], [FlatSeq], [FlatSeq2] or [Each], worker hooks that call
// [Start] and [Done], the pipeline directives, and a main that hands the
// spec (as JSON) and one [Entry] per pipeline to [Main]. Main draws
// inputs, faults and options for every run, runs the generated pipeline,
// computes what the spec says it must yield, compares, checks hooks and
// goroutines, and prints one JSON line per failure and a summary.
package harness

import (
	"fmt"
	"strings"
	"time"
)

// Kind is a stage kind, as in the directive.
type Kind string

// The stage kinds.
const (
	KMap     Kind = "map"
	KFilter  Kind = "filter"
	KFlatMap Kind = "flatmap"
	KEach    Kind = "each"
)

// Type is an element type of the test programs. Every type carries an
// int, which is what the reference interpreter computes with.
type Type string

// The element types.
const (
	TInt    Type = "int"    // int
	TNum    Type = "num"    // harness.Num, a named int of another package
	TString Type = "string" // decimal string
	TBox    Type = "box"    // harness.Box, a struct of another package
	TPBox   Type = "pbox"   // *harness.Box
	TValuer Type = "valuer" // harness.Valuer, an interface Box, *Box and rec implement
	TRec    Type = "rec"    // rec, a struct declared in the test program
	TAlias  Type = "alias"  // numAlias = harness.Num, an alias declared in the test program
)

// AllTypes lists the types that a stage may yield.
var AllTypes = []Type{TInt, TNum, TString, TBox, TPBox, TValuer, TRec, TAlias}

// Assignable reports whether a value of type t may flow into a stage
// taking in: an identical type (Num and its alias are identical), or an
// implementation of Valuer.
func Assignable(t, in Type) bool {
	if Identical(t, in) {
		return true
	}
	return in == TValuer && (t == TBox || t == TPBox || t == TRec)
}

// Identical reports whether t and u are the same Go type, as concat
// branches must be.
func Identical(t, u Type) bool {
	return t == u || (t == TNum && u == TAlias) || (t == TAlias && u == TNum)
}

// Flat is the result form of a flatmap function.
type Flat string

// The flatmap forms.
const (
	FlatSliceForm Flat = "slice" // []U
	FlatSeqForm   Flat = "seq"   // iter.Seq[U]
	FlatSeq2Form  Flat = "seq2"  // iter.Seq2[U, error]
)

// Func is one stage function of a test program, named s<ID>. What it
// computes on x is fixed by its kind and constants (see [Func.Apply]).
type Func struct {
	ID   int  `json:"id"`
	Kind Kind `json:"kind"`
	// In is the element parameter's type; Out what a map or flatmap
	// yields.
	In  Type `json:"in"`
	Out Type `json:"out,omitempty"`
	// Ctx and Index: the function takes a context.Context and a
	// pipegen.Index before the element.
	Ctx   bool `json:"ctx,omitempty"`
	Index bool `json:"index,omitempty"`
	// Err: the function also returns an error.
	Err  bool `json:"err,omitempty"`
	Flat Flat `json:"flat,omitempty"`
	// Directive keys: Workers 0 and MaxSize -1 mean unset (defaults 1
	// and pipegen.DefaultMaxSize); TimeoutMS 0 means none.
	Workers     int  `json:"workers,omitempty"`
	MaxSize     int  `json:"maxsize"`
	TimeoutMS   int  `json:"timeout_ms,omitempty"`
	TimeoutFail bool `json:"timeout_fail,omitempty"`
	// Hooks, when set, make the stage a method with start and done hooks.
	Hooks *Hooks `json:"hooks,omitempty"`
	// A, B, M parametrize the computation.
	A   int  `json:"a"`
	B   int  `json:"b"`
	M   int  `json:"m"`
	Inv bool `json:"inv,omitempty"`
}

// Name is the function's name in the test program.
func (f *Func) Name() string { return fmt.Sprintf("s%d", f.ID) }

// Hooks describes a stage's worker hooks: start=s<ID>Start, and done=Close
// when Done is set. The booleans say which parameters and results they
// have.
type Hooks struct {
	StartCtx    bool `json:"start_ctx,omitempty"`
	StartWorker bool `json:"start_worker,omitempty"`
	StartErr    bool `json:"start_err,omitempty"`
	Done        bool `json:"done,omitempty"`
	DoneCtx     bool `json:"done_ctx,omitempty"`
	DoneStatus  bool `json:"done_status,omitempty"`
	DoneErr     bool `json:"done_err,omitempty"`
}

// Apply computes what f yields for x: one element for a map, x or nothing
// for a filter, the children for a flatmap, nothing for an each.
func (f *Func) Apply(x int) []int {
	switch f.Kind {
	case KMap:
		return []int{f.mapOne(x)}
	case KFilter:
		if f.keep(x) {
			return []int{x}
		}
		return nil
	case KFlatMap:
		n := f.Children(x)
		out := make([]int, n)
		for i := range out {
			out[i] = (x*f.B + i) % f.M
		}
		return out
	}
	return nil
}

func (f *Func) mapOne(x int) int { return (x*f.A + f.B) % f.M }

func (f *Func) keep(x int) bool {
	return (x%f.A == f.B) == f.Inv
}

// Children is how many elements a flatmap yields for x.
func (f *Func) Children(x int) int { return x % (f.A + 1) }

// Timeout is the stage's directive timeout.
func (f *Func) Timeout() time.Duration { return time.Duration(f.TimeoutMS) * time.Millisecond }

// Override is a stage's per-pipeline settings, Stage(key=value, ...).
// Zero values (MaxSize: -1) are unset.
type Override struct {
	Workers   int    `json:"workers,omitempty"`
	MaxSize   int    `json:"maxsize"`
	TimeoutMS int    `json:"timeout_ms,omitempty"`
	OnTimeout string `json:"ontimeout,omitempty"` // "", "drop" or "fail"
}

// Op is the kind of a pipeline term.
type Op string

// The terms of a pipeline expression.
const (
	OpStage   Op = "stage"
	OpInput   Op = "input"
	OpPipe    Op = "pipe"
	OpConcat  Op = "concat"
	OpOrdered Op = "ordered"
)

// Term is one term of a pipeline expression.
type Term struct {
	Op Op `json:"op"`
	// Name is the stage function, input or pipeline named.
	Name string `json:"name,omitempty"`
	// Func is the stage function's ID, for OpStage.
	Func     int       `json:"func,omitempty"`
	Over     *Override `json:"over,omitempty"`
	Branches []Expr    `json:"branches,omitempty"`
}

// Expr is a pipeline expression: terms joined by |.
type Expr []*Term

// Pipeline is one pipeline directive.
type Pipeline struct {
	Name string `json:"name"`
	// Inputs are the declared inputs; InputList says whether they are
	// written out (without it, the one input is "in").
	Inputs    []string `json:"inputs"`
	InputList bool     `json:"input_list,omitempty"`
	// InTypes are the element types of the inputs, as pipegen infers
	// them; Out is the output type ("" for a pipeline ending in each).
	InTypes []Type `json:"in_types"`
	Out     Type   `json:"out,omitempty"`
	Expr    Expr   `json:"expr"`
	// Split: write the directive over several comment lines.
	Split bool `json:"split,omitempty"`
}

// Each reports whether p ends in an each stage.
func (p *Pipeline) Each() bool { return p.Out == "" }

// Spec is one test program: its stage functions and pipelines.
type Spec struct {
	Seed int64 `json:"seed"`
	// NoFuse: generate with pipegen --nofuse.
	NoFuse    bool        `json:"nofuse,omitempty"`
	Funcs     []*Func     `json:"funcs"`
	Pipelines []*Pipeline `json:"pipelines"`
	// Runs is how many runs Main makes of each pipeline.
	Runs int `json:"runs"`
	// Avoided counts the pipelines drawn differently to avoid a known
	// pipegen bug (see KnownFusedEachErr).
	Avoided map[string]int `json:"avoided,omitempty"`
	// Rejected are the pipelines drawn that pipegen must reject (and that
	// were drawn again for Pipelines): each becomes a program of its own,
	// which the generator must reject with exactly the expected error.
	// The test programs do not need them.
	Rejected []*Rejected `json:"-"`
}

// Rejected is a pipeline that pipegen must reject, with what its program
// needs: the stage functions as they were when it was drawn (the
// drawer then draws others in their place), and the pipelines drawn
// before it, which it may name.
type Rejected struct {
	Pipeline *Pipeline
	// Err is the error pipegen must report, and only that one.
	Err error
	// Funcs and Pipelines are those of the spec when it was drawn.
	Funcs     []*Func
	Pipelines []*Pipeline
}

// Spec returns the spec of the program of r: its functions, and the
// pipelines that r's pipeline names, directly or not, followed by it.
func (r *Rejected) Spec(seed int64) *Spec {
	s := &Spec{Seed: seed, Funcs: r.Funcs}
	named := map[string]bool{}
	var walk func(e Expr)
	walk = func(e Expr) {
		for _, t := range e {
			if t.Op == OpPipe && !named[t.Name] {
				named[t.Name] = true
				for _, p := range r.Pipelines {
					if p.Name == t.Name {
						walk(p.Expr)
					}
				}
			}
			for _, br := range t.Branches {
				walk(br)
			}
		}
	}
	walk(r.Pipeline.Expr)
	for _, p := range r.Pipelines {
		if named[p.Name] {
			s.Pipelines = append(s.Pipelines, p)
		}
	}
	s.Pipelines = append(s.Pipelines, r.Pipeline)
	return s
}

// Func returns the function with the given ID.
func (s *Spec) Func(id int) *Func { return s.Funcs[id] }

// Pipeline returns the pipeline named name, or nil.
func (s *Spec) Pipeline(name string) *Pipeline {
	for _, p := range s.Pipelines {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// String writes e as in a pipeline directive.
func (e Expr) String() string {
	var b strings.Builder
	for i, t := range e {
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(t.String())
	}
	return b.String()
}

// String writes t as in a pipeline directive.
func (t *Term) String() string {
	switch t.Op {
	case OpOrdered:
		return "ordered"
	case OpConcat:
		var parts []string
		for _, br := range t.Branches {
			parts = append(parts, br.String())
		}
		return "concat(" + strings.Join(parts, ", ") + ")"
	case OpStage:
		if o := t.Over; o != nil {
			var kv []string
			if o.Workers > 0 {
				kv = append(kv, fmt.Sprintf("workers=%d", o.Workers))
			}
			if o.MaxSize >= 0 {
				kv = append(kv, fmt.Sprintf("maxsize=%d", o.MaxSize))
			}
			if o.TimeoutMS > 0 {
				kv = append(kv, fmt.Sprintf("timeout=%dms", o.TimeoutMS))
			}
			if o.OnTimeout != "" {
				kv = append(kv, "ontimeout="+o.OnTimeout)
			}
			return t.Name + "(" + strings.Join(kv, ", ") + ")"
		}
	}
	return t.Name
}

// Directive writes p's pipeline directive, without the leading //.
func (p *Pipeline) Directive() string {
	head := "pipegen:pipeline " + p.Name
	if p.InputList {
		head += "(" + strings.Join(p.Inputs, ", ") + ")"
	}
	return head + " = " + p.Expr.String()
}
