package e2e

import (
	"context"
	"iter"
	"runtime"
	"sync/atomic"
	"time"
)

// Stages and pipelines for the field report's cases (field_test.go).

// GoexitOn is the element on which Exiter calls runtime.Goexit.
const GoexitOn = -4

// Exiter passes x on, but calls runtime.Goexit on GoexitOn, as t.FailNow
// does inside a test helper.
//
//pipegen:map workers=3
func Exiter(x int) int {
	if x == GoexitOn {
		runtime.Goexit()
	}
	return x
}

// Lasting takes 5ms per element, well within its timeout.
//
//pipegen:map workers=4 timeout=1s
func Lasting(ctx context.Context, x int) (int, error) {
	select {
	case <-time.After(5 * time.Millisecond):
		return x, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Late yields 10, waits for its deadline, then yields 11 and 12.
//
//pipegen:flatmap timeout=30ms
func Late(ctx context.Context, x int) iter.Seq[int] {
	return func(yield func(int) bool) {
		if !yield(10) {
			return
		}
		<-ctx.Done()
		_ = yield(11) && yield(12)
	}
}

// CutOn is the element on which Cutter cancels the caller's context
// (cutCancel, set by the test) and returns what a function cut short
// might: a value that is not its result, -CutOn.
const CutOn = 7

// cutCancel is the caller's cancel, for Cutter.
var cutCancel atomic.Pointer[context.CancelFunc]

// Cutter passes x on, except on CutOn (see there).
//
//pipegen:map
func Cutter(ctx context.Context, x int) int {
	if x == CutOn {
		(*cutCancel.Load())()
		return -x
	}
	return x
}

// cutSeen counts the calls of Witness on -CutOn.
var cutSeen atomic.Int64

// Witness passes x on, counting the calls on Cutter's cut-short value.
//
//pipegen:map
func Witness(x int) int {
	if x == -CutOn {
		cutSeen.Add(1)
	}
	return x
}

//pipegen:pipeline exiting = Exiter
//pipegen:pipeline exitingInOrder = Exiter | ordered
//pipegen:pipeline exitingAlone = Exiter(workers=1)
//pipegen:pipeline lasting = Lasting
//pipegen:pipeline late = Late
//pipegen:pipeline cut = Cutter | Witness
//pipegen:pipeline cutApart = Cutter | Witness(workers=2)
