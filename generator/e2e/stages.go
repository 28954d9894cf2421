// Package e2e holds pipelines whose generated code the tests of this
// package run: results, errors, panics, cancellation, early exit and
// goroutine leaks. Its stage functions act on special element values so
// that every test can run in parallel with its own inputs.
package e2e

//go:generate go run github.com/pipegen/pipegen/cmd/pipegen

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// Special elements for Check.
const (
	FailOn  = -1 // Check returns ErrBoom
	PanicOn = -2 // Check panics
	HangOn  = -3 // Check waits for its context to be cancelled
)

// ErrBoom is what Check returns for FailOn.
var ErrBoom = errors.New("boom")

// Square squares x.
//
//pipegen:map workers=4
func Square(x int) int { return x * x }

// Even keeps even numbers.
//
//pipegen:filter
func Even(x int) bool { return x%2 == 0 }

// Dup yields x twice.
//
//pipegen:flatmap workers=2 maxsize=4
func Dup(x int) []int { return []int{x, x} }

// Check passes x through, unless it is one of the special elements.
//
//pipegen:map workers=3
func Check(ctx context.Context, x int) (int, error) {
	switch x {
	case FailOn:
		return 0, ErrBoom
	case PanicOn:
		panic("check panicked")
	case HangOn:
		<-ctx.Done()
		return 0, ctx.Err()
	}
	return x, nil
}

// Expand yields x, x+1000 and x+2000, or fails after x when x is FailOn.
//
//pipegen:flatmap
func Expand(x int) iter.Seq2[int, error] {
	return func(yield func(int, error) bool) {
		if !yield(x, nil) {
			return
		}
		if x == FailOn {
			yield(0, ErrBoom)
			return
		}
		_ = yield(x+1000, nil) && yield(x+2000, nil)
	}
}

// Job is work for Add: it adds N to Total.
type Job struct {
	N     int
	Total *atomic.Int64
}

// Add adds j.N to j.Total; it fails on FailOn.
//
//pipegen:each workers=2
func Add(ctx context.Context, j *Job) error {
	if j.N == FailOn {
		return ErrBoom
	}
	j.Total.Add(int64(j.N))
	return nil
}

// Identity passes x on, in one worker: a pipeline of such stages keeps
// order.
//
//pipegen:map
func Identity(x int) int { return x }

//pipegen:pipeline Squares = Square
//pipegen:pipeline EvenSquares = Square | Even
//pipegen:pipeline Checked = Check | Square
//pipegen:pipeline Twice = Dup | Square
//pipegen:pipeline Expanded = Expand
//pipegen:pipeline Sum(jobs) = Add
//pipegen:pipeline ordered1 = Identity | Identity | Identity
//pipegen:pipeline chain = Square(workers=4) | Even | Dup(workers=2) | Check

// sharedCalls counts the calls of Shared.
var sharedCalls atomic.Int64

// Shared counts its calls and passes x on.
//
//pipegen:map workers=2 maxsize=2
func Shared(x int) int {
	sharedCalls.Add(1)
	return x
}

// Len is the length of s.
//
//pipegen:map
func Len(s string) int { return len(s) }

//pipegen:pipeline shared = Shared
//pipegen:pipeline thrice = concat(concat(shared, shared), shared)
//pipegen:pipeline merged(a, b, c) = concat(a, b | Square, c | Len) | Check

// Tag writes x with its index.
//
//pipegen:map
func Tag(i pipegen.Index, x int) string { return fmt.Sprintf("%v:%d", i, x) }

// Patient passes x on, waiting for its deadline when x is HangOn.
//
//pipegen:map workers=2 timeout=30ms
func Patient(ctx context.Context, x int) (int, error) {
	if x == HangOn {
		<-ctx.Done()
		return 0, ctx.Err()
	}
	return x, nil
}

//pipegen:pipeline tagged = Dup | Tag
//pipegen:pipeline patient = Patient
//pipegen:pipeline strict = Patient(ontimeout=fail)

// Worker hooks: each worker of Scale gets its own *scaler from newScaler,
// and Close runs when the worker ends. The hooks record what they see in
// hookLog, and fail when failStart or failDone is set.
var (
	hookLog             hooksSeen
	failStart, failDone atomic.Bool
	// ErrDone is what Close returns when failDone is set.
	ErrDone = errors.New("done failed")
)

type hooksSeen struct {
	mu      sync.Mutex
	started []pipegen.Worker
	done    []pipegen.StageStatus
}

func (h *hooksSeen) reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.started, h.done = nil, nil
}

type scaler struct {
	factor int
}

func newScaler(ctx context.Context, w pipegen.Worker) (*scaler, error) {
	if failStart.Load() && w.Index == 1 {
		return nil, ErrBoom
	}
	hookLog.mu.Lock()
	defer hookLog.mu.Unlock()
	hookLog.started = append(hookLog.started, w)
	return &scaler{factor: 10}, nil
}

// Scale multiplies x by the worker's factor; special elements fail, panic
// or hang as for Check.
//
//pipegen:map workers=3 start=newScaler done=Close
func (s *scaler) Scale(ctx context.Context, x int) (int, error) {
	if _, err := Check(ctx, x); err != nil {
		return 0, err
	}
	return x * s.factor, nil
}

// Close records the stage status it is given.
func (s *scaler) Close(status pipegen.StageStatus) error {
	hookLog.mu.Lock()
	hookLog.done = append(hookLog.done, status)
	hookLog.mu.Unlock()
	if failDone.Load() {
		return ErrDone
	}
	return nil
}

//pipegen:pipeline scaled = Scale

// Jitter passes x on after a pause that depends on x, so that workers
// finish out of order.
//
//pipegen:map workers=8
func Jitter(x int) int {
	time.Sleep(time.Duration(x*7%5) * 100 * time.Microsecond)
	return x
}

//pipegen:pipeline inOrder = Jitter | ordered
//pipegen:pipeline orderedTwice = Jitter | Dup | ordered | Even | Jitter | ordered
//pipegen:pipeline orderedConcat(a, b) = concat(a | Jitter, b) | ordered
//pipegen:pipeline orderedShared = concat(shared, shared | Jitter) | ordered
//pipegen:pipeline checkedInOrder = Check | ordered
//pipegen:pipeline jittered = Jitter

// Nothing yields no elements.
//
//pipegen:flatmap
func Nothing(x int) []int { return nil }

// Many yields x, x times.
//
//pipegen:flatmap workers=3
func Many(x int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for range x {
			if !yield(x) {
				return
			}
		}
	}
}

// Reject keeps nothing.
//
//pipegen:filter workers=2
func Reject(x int) bool { return false }

//pipegen:pipeline squaresInOrder = Square | ordered
//pipegen:pipeline none = Square | Nothing
//pipegen:pipeline many = Many | ordered
//pipegen:pipeline rejected = Square | Reject

// Stages with the same workers and nothing between them run fused, in one
// worker loop.
//
//pipegen:pipeline fusedCheck = Identity | Dup(workers=1) | Check(workers=1)

// gateHook is what Gate does with each element; tests set it.
var gateHook = func(x int) int { return x }

// Gate hands its element to gateHook, with four workers.
//
//pipegen:map workers=4
func Gate(x int) int { return gateHook(x) }

//pipegen:pipeline gated = Gate

// Regressions found by the differential tester (generator/difftest).

// PanicAfter makes Burst panic after yielding its first child.
const PanicAfter = -7

// Burst yields x, x+1 and x+2, one at a time; for PanicAfter it panics
// after the first.
//
//pipegen:flatmap
func Burst(x int) iter.Seq[int] {
	return func(yield func(int) bool) {
		if !yield(x) {
			return
		}
		if x == PanicAfter {
			panic("burst")
		}
		_ = yield(x+1) && yield(x+2)
	}
}

// Odd keeps odd numbers.
//
//pipegen:filter
func Odd(x int) bool { return x%2 != 0 }

// Halve halves even numbers and fails on odd ones.
//
//pipegen:map
func Halve(x int) (int, error) {
	if x%2 != 0 {
		return 0, fmt.Errorf("%d is odd", x)
	}
	return x / 2, nil
}

// sunk counts what Sink received.
var sunk atomic.Int64

// Sink counts x, and fails on 13.
//
//pipegen:each
func Sink(x int) error {
	if x == 13 {
		return errors.New("13")
	}
	sunk.Add(1)
	return nil
}

// Burst and Odd are fused (one worker each, nothing between them); so are
// Halve and Sink, whose functions both return errors.
//
//pipegen:pipeline burstOdd = Burst | Odd
//pipegen:pipeline halveSink = Halve | Sink

// An ordered term that broadcasts to two branches (found by difftest: the
// generated code did not compile).
//
//pipegen:pipeline orderedFanOut = Jitter | ordered | concat(Identity, Square)
