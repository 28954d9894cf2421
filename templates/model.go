package templates

import "go/types"

// Package is everything generated into one package's file: the model that
// the generator plans and the emitters of this package write out. Every
// name in it is final: chosen, checked against the user's package and made
// unique by the generator.
type Package struct {
	// Path and Name are the import path and name of the package.
	Path string
	Name string
	// Queues are the queue types, one per element type that flows between
	// stages, shared by all pipelines of the package.
	Queues []*Queue
	// Pipelines are the pipelines in the order of their directives.
	Pipelines []*Pipeline
}

// Queue is a generated IterableQueue type: a bounded channel of one
// element type that closes when its last producer is done.
type Queue struct {
	// Type is the element type.
	Type types.Type
	// Name is the queue type's name, e.g. stringQueue; New is its
	// constructor's, e.g. newStringQueue.
	Name string
	New  string
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
	// Input is where elements come from.
	Input *Input
	// Stages run in this order, each feeding the next.
	Stages []*Stage
	// Out is the queue that the caller reads, or nil when the last stage is
	// an each stage and the entry point returns only an error.
	Out *Edge
}

// Input is a pipeline's input sequence.
type Input struct {
	// Name is the entry point's parameter; also the stage name that errors
	// of the sequence report.
	Name string
	// Type is the element type.
	Type types.Type
	// Seq2 is set for an iter.Seq2[Type, error] input.
	Seq2 bool
	// Feed names the method that copies the input into the first queue.
	Feed string
}

// Edge is a queue instance in a run: a field of the run struct.
type Edge struct {
	Field string
	Queue *Queue
}

// Kind is a stage kind, as in the directives.
type Kind string

// The stage kinds.
const (
	Map     Kind = "map"
	Filter  Kind = "filter"
	FlatMap Kind = "flatmap"
	Each    Kind = "each"
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
	// Flat is the flatmap result form.
	Flat FlatResult
	// Workers and MaxSize are the settings of the directive and pipeline
	// overrides; MaxSize < 0 means the default.
	Workers int
	MaxSize int
	// Worker names the method that runs one worker of the stage.
	Worker string
	// In is the stage's input queue; Out is where it sends its results
	// (nil for an each stage).
	In  *Edge
	Out *Edge
}
