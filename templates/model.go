package templates

import (
	"go/types"
	"time"
)

// Package is everything generated into one package's file: the model that
// the generator plans and the emitters of this package write out. Every
// name in it is final: chosen, checked against the user's package and made
// unique by the generator.
type Package struct {
	// Path and Name are the import path and name of the package.
	Path string
	Name string
	// Items are the item types that flow through the queues between
	// stages, shared by all pipelines of the package.
	Items []*Item
	// Pipelines are the pipelines in the order of their directives.
	Pipelines []*Pipeline
}

// Item is a generated item type: what one queue between stages holds per
// element. The queues themselves are pipegenimpl.Queue[Item], specialized
// by the compiler for each item type.
type Item struct {
	// Type is the element type.
	Type types.Type
	// Name is the item type's name, e.g. stringItem.
	Name string
	// Indexed is set when the item carries a full pipegen.Index (field
	// at): the queue holds elements of several index depths. Otherwise
	// every element of the queue has Depth levels below its source
	// position, and the item carries the position (field pos) and the
	// levels (field path, when Depth > 0): a few bytes instead of a
	// pipegen.Index.
	Indexed bool
	Depth   int
	// Shares is how many ordered terms' shares the item carries (field
	// share, an array), and Mark is set for the items that reach an
	// ordered term (field mark: element, tombstone or end of a source).
	Shares int
	Mark   bool
}

// Pipeline is one generated entry point and the code behind it.
type Pipeline struct {
	// Name is the entry point's name as the directive writes it.
	Name string
	// Expr is the pipeline expression, for the doc comment.
	Expr string
	// Where is the directive's position as file:line, for the doc comment.
	Where string
	// RunType, StartFunc and StagesVar name the run struct, the function
	// that starts a run and the table of stage settings.
	RunType   string
	StartFunc string
	StagesVar string
	// NamesVar names the variable of the pipeline's stages for typed
	// options (Name+"Stages"), and StageFields its fields, one per
	// stage in the order of the stages table.
	NamesVar    string
	StageFields []string
	// Inputs are where elements come from, in parameter order.
	Inputs []*Input
	// Stages are the stages in the order the expression names them.
	Stages []*Stage
	// Out is the queue that the caller reads, or nil when the pipeline
	// ends in an each stage and the entry point returns only an error.
	Out *Edge
	// Ordered is set when the output is in order: the pipeline ends in an
	// ordered term.
	Ordered bool
	// CallerTerm is that ordered term when it sends only to the output:
	// the caller's goroutine then restores the order itself, as it reads
	// the term's input queue, with no goroutine and no queue of its own
	// for the term; Out is then not a queue of the run.
	CallerTerm *Stage
	// Distribute is what a distribute directive adds, or nil (distribute.go).
	Distribute *Distribution
}

// Input is one input sequence of a pipeline.
type Input struct {
	// Name is the entry point's parameter; also the stage name that errors
	// of the sequence report.
	Name string
	// Type is the element type.
	Type types.Type
	// TypeParam names the parameter's type parameter.
	TypeParam string
	// Feed names the method that copies an iter.Seq input to its targets;
	// Feed+"Seq2" the one for an iter.Seq2.
	Feed string
	// Targets are the queues its elements go to.
	Targets []*Target
	// Orders are the ordered terms it is a source of.
	Orders []*OrderUse
	// Extra are queues it sends to besides its targets: the inputs of the
	// ordered terms it is a source of, for the end of the input.
	Extra []*Edge
}

// Edge is a queue instance in a run: a field of the run struct.
type Edge struct {
	Field string
	Item  *Item
	// Terms are the ordered terms whose shares the items carry, in the
	// order of their share fields.
	Terms []*Stage
	// Consumer is the name of the stage that reads it, "" for the output.
	Consumer string
	// Ordered is set when the consumer is an ordered term.
	Ordered bool
	// ProducerStages name the stages whose workers send to it;
	// ProducerSingles counts the inputs and ordered terms that do (one
	// goroutine each).
	ProducerStages  []string
	ProducerSingles int
}

// OrderUse is a node's part in the bookkeeping of an ordered term (see
// pipegenimpl.Term): Copies is how many queues leading to the term each
// element it sends goes to; Source is its number among the term's sources,
// -1 for a stage between them and the term.
type OrderUse struct {
	Term   *Stage
	Copies int
	Source int
}

// Target is a queue that a node sends its elements to. Branches are the
// concat branches (innermost first) that elements pass on the way: each
// becomes a level of their index.
type Target struct {
	Edge     *Edge
	Branches []int
}

// Kind is a stage kind, as in the directives.
type Kind string

// The stage kinds.
const (
	Map     Kind = "map"
	Filter  Kind = "filter"
	FlatMap Kind = "flatmap"
	Each    Kind = "each"
	// Ordered is an ordered term: not a user stage, but one goroutine
	// that restores the order of what it receives.
	Ordered Kind = "ordered"
)

// FlatResult says what a flatmap function returns.
type FlatResult int

// The flatmap result forms.
const (
	FlatSlice FlatResult = iota // []U
	FlatSeq                     // iter.Seq[U]
	FlatSeq2                    // iter.Seq2[U, error]
)

// Stage is one stage of one pipeline.
type Stage struct {
	// Name is the stage's name in options and errors: its function's name,
	// with a #N suffix when the function appears more than once.
	Name string
	// Func is the function the stage calls.
	Func string
	// Kind is what the stage does with the function's result.
	Kind Kind
	// Where is the stage directive's position as file:line.
	Where string
	// Ctx is set when the function takes a leading context.Context; Err
	// when it returns a trailing error.
	Ctx bool
	Err bool
	// Index is set when the function takes the element's pipegen.Index
	// before the element.
	Index bool
	// Start and Done are the worker hooks of a method stage: Start makes
	// each worker's receiver, on which Func is called; Done is a method of
	// it, called once when the worker ends.
	Start *Hook
	Done  *Hook
	// Timeout is the per-element deadline, 0 for none; TimeoutFail makes
	// a timeout fail the run rather than drop the element.
	Timeout     time.Duration
	TimeoutFail bool
	// Flat is the flatmap result form.
	Flat FlatResult
	// Workers and MaxSize are the settings of the directive and pipeline
	// overrides; MaxSize < 0 means the default.
	Workers int
	MaxSize int
	// Worker names the method that runs one worker of the stage.
	Worker string
	// In is the stage's input queue; Targets are where it sends its
	// results (none for an each stage; several when it broadcasts).
	In      *Edge
	Targets []*Target
	// Orders are the ordered terms whose bookkeeping the stage takes part
	// in; for an ordered term, those it is a source of.
	Orders []*OrderUse
	// Extra are queues it sends to besides its targets: the inputs of the
	// ordered terms it sends tombstones or the end of a source to.
	Extra []*Edge
	// Fused are the stages fused into this one: its workers run them on
	// what it yields, in order, without a queue between; Targets are then
	// where the last of them sends.
	Fused []*Stage
	// OrderField names an ordered term's pipegenimpl.Term, and Sources is
	// how many sources it has.
	OrderField string
	Sources    int
	// TermNo numbers the ordered terms of a pipeline from 1, for the
	// names of locals.
	TermNo int
}

// Hook is a worker hook: a start function or a done method.
type Hook struct {
	// Name is the function's or method's name.
	Name string
	// Ctx is set when it takes a leading context.Context; Info when it
	// takes a pipegen.Worker (start) or pipegen.StageStatus (done); Err
	// when it returns an error.
	Ctx  bool
	Info bool
	Err  bool
}
