package pipegen

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// StageError is the error a pipeline returns when one of its stages, inputs
// or workers failed or panicked. It is the first failure of the run: the
// failure stopped everything else, so later failures (often mere
// consequences, like a context error) are not reported.
//
// errors.Is and errors.As see the original error through Unwrap.
type StageError struct {
	// Pipeline is the name of the generated pipeline function.
	Pipeline string
	// Stage is the name of the stage (its function's name), or of the input
	// for a failure of the input sequence.
	Stage string
	// Worker is the index (from 0) of the worker goroutine that failed, or -1
	// for an input.
	Worker int
	// Index identifies the element being processed when the failure
	// happened; it is the zero Index for a failure of a worker hook.
	Index Index
	// Hook names the worker hook that failed: the stage's start function
	// or done method; "" for a failure on an element.
	Hook string
	// Err is the error returned by the stage function or input sequence. For a
	// panic it is the panic value when that is an error, else an error that
	// describes the value.
	Err error
	// Panic is the value passed to panic, or nil when the stage returned an
	// error.
	Panic any
	// Stack is the goroutine's stack at the panic, or nil.
	Stack []byte
}

// Error describes the failure: pipeline, stage, worker, element and cause.
func (e *StageError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "pipeline %s: ", e.Pipeline)
	switch {
	case e.Stage == StatsStage:
		fmt.Fprintf(&b, "statistics report: ")
	case e.Worker < 0:
		fmt.Fprintf(&b, "input %s, element %s: ", e.Stage, e.Index)
	case e.Hook != "":
		fmt.Fprintf(&b, "stage %s, worker %d, hook %s: ", e.Stage, e.Worker, e.Hook)
	default:
		fmt.Fprintf(&b, "stage %s, worker %d, element %s: ", e.Stage, e.Worker, e.Index)
	}
	if e.Panic != nil {
		b.WriteString("panic: ")
		if _, isErr := e.Panic.(error); !isErr {
			fmt.Fprint(&b, e.Panic)
			return b.String()
		}
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the original error.
func (e *StageError) Unwrap() error {
	return e.Err
}

// StatsStage is the Stage of the error of a call whose statistics report
// (see [Stats]) panicked.
const StatsStage = "Stats"

// TimeoutError is the error of an element whose stage function ran past
// the stage's timeout, when the stage says ontimeout=fail. It unwraps to
// context.DeadlineExceeded.
type TimeoutError struct {
	Timeout time.Duration
}

// Error says how long the element was allowed.
func (e *TimeoutError) Error() string {
	return fmt.Sprintf("element ran past the stage's timeout of %v", e.Timeout)
}

// Unwrap returns context.DeadlineExceeded.
func (e *TimeoutError) Unwrap() error {
	return context.DeadlineExceeded
}
