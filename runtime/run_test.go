package pipegen

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// newTestRun starts a run of a pipeline "P" with one stage "S".
func newTestRun(t *testing.T, ctx context.Context) *Run {
	t.Helper()
	r, err := NewRun(ctx, "P", []StageConfig{{Name: "S", Workers: 1, MaxSize: DefaultMaxSize}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// isClosed reports whether done is closed, without waiting.
func isClosed(done <-chan struct{}) bool {
	select {
	case <-done:
		return true
	default:
		return false
	}
}

// busy yields the processor a number of times, so that a goroutine that does
// it after some event ends well after the event.
func busy() {
	for range 50 {
		runtime.Gosched()
	}
}

// explodeForTest panics with v. It is a named function so that the stack of
// the panic can be checked for it.
//
//go:noinline
func explodeForTest(v any) {
	panic(v)
}

// asStageError returns err as a *StageError or fails the test.
func asStageError(t *testing.T, err error) *StageError {
	t.Helper()
	var se *StageError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *StageError", err, err)
	}
	return se
}

func TestRunString(t *testing.T) {
	r := newTestRun(t, t.Context())
	defer r.Stop()
	if got, want := r.String(), "pipegen.Run(P)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestRunGoWait(t *testing.T) {
	r := newTestRun(t, t.Context())
	const n = 20
	var ended atomic.Int32
	release := make(chan struct{})
	for range n {
		r.Go(func() {
			<-release
			busy()
			ended.Add(1)
		})
	}
	if isClosed(r.Done()) || r.Context().Err() != nil {
		t.Fatal("run stopped before anything happened")
	}
	close(release)
	if err := r.Wait(); err != nil {
		t.Fatalf("Wait() = %v, want nil", err)
	}
	if got := ended.Load(); got != n {
		t.Errorf("Wait returned with %d of %d goroutines ended", got, n)
	}
}

func TestRunFail(t *testing.T) {
	r := newTestRun(t, t.Context())
	var ended atomic.Int32
	const n = 5
	for range n {
		r.Go(func() {
			<-r.Done() // as every send and receive of generated code does
			ended.Add(1)
		})
	}
	errFirst := errors.New("first")
	index := chain(3, 1)
	r.Go(func() {
		r.Fail("Decode", 2, index, errFirst)
		// Later failures are consequences of the first and are dropped.
		r.Fail("Save", 0, SourceIndex(9), errors.New("second"))
		r.Fail("in", -1, SourceIndex(10), context.Canceled)
	})
	<-r.Done()
	if err := r.Context().Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("after Fail, Context().Err() = %v, want context.Canceled", err)
	}

	err := r.Wait()
	if got := ended.Load(); got != n {
		t.Errorf("Wait returned with %d of %d goroutines ended", got, n)
	}
	se := asStageError(t, err)
	if se.Pipeline != "P" || se.Stage != "Decode" || se.Worker != 2 || se.Index != index {
		t.Errorf("StageError = %+v, want pipeline P, stage Decode, worker 2, index %s", se, index)
	}
	if se.Err != errFirst || !errors.Is(err, errFirst) {
		t.Errorf("StageError.Err = %v, want the first error", se.Err)
	}
	if se.Panic != nil || se.Stack != nil {
		t.Errorf("StageError of a returned error has Panic %v, Stack %d bytes", se.Panic, len(se.Stack))
	}
	if got, want := err.Error(), "pipeline P: stage Decode, worker 2, element 3.1: first"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	// Wait keeps returning the failure.
	if again := r.Wait(); again != err {
		t.Errorf("second Wait() = %v, want %v", again, err)
	}
}

func TestRunFailInput(t *testing.T) {
	r := newTestRun(t, t.Context())
	errRead := errors.New("read failed")
	r.Go(func() { r.Fail("lines", -1, SourceIndex(4), errRead) })
	se := asStageError(t, r.Wait())
	if se.Worker != -1 || se.Stage != "lines" || se.Index != SourceIndex(4) || se.Err != errRead {
		t.Errorf("StageError = %+v", se)
	}
	if got, want := se.Error(), "pipeline P: input lines, element 4: read failed"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestRunRecoverPanicValue(t *testing.T) {
	r := newTestRun(t, t.Context())
	var others atomic.Int32
	r.Go(func() {
		<-r.Done()
		others.Add(1)
	})
	r.Go(func() {
		var index Index
		defer r.Recover("Explode", 3, &index)
		index = SourceIndex(5)
		index = index.Child(1) // Recover reports the index at the panic
		explodeForTest("boom")
	})
	err := r.Wait()
	if others.Load() != 1 {
		t.Error("the panic did not stop the other goroutine")
	}
	if r.Context().Err() == nil {
		t.Error("the panic did not cancel the run's context")
	}
	se := asStageError(t, err)
	if se.Pipeline != "P" || se.Stage != "Explode" || se.Worker != 3 {
		t.Errorf("StageError = %+v, want pipeline P, stage Explode, worker 3", se)
	}
	if want := SourceIndex(5).Child(1); se.Index != want {
		t.Errorf("Index = %s, want %s (the value pointed to at the panic)", se.Index, want)
	}
	if se.Panic != "boom" {
		t.Errorf("Panic = %#v, want \"boom\"", se.Panic)
	}
	if se.Err == nil || se.Err.Error() != "panic: boom" {
		t.Errorf("Err = %v, want an error saying \"panic: boom\"", se.Err)
	}
	if got, want := se.Error(), "pipeline P: stage Explode, worker 3, element 5.1: panic: boom"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	stack := string(se.Stack)
	if !strings.Contains(stack, "explodeForTest") {
		t.Errorf("Stack does not show the panicking function:\n%s", stack)
	}
	if !strings.Contains(stack, "goroutine ") {
		t.Errorf("Stack does not look like a goroutine stack:\n%s", stack)
	}
}

func TestRunRecoverPanicError(t *testing.T) {
	r := newTestRun(t, t.Context())
	cause := &codeError{42}
	r.Go(func() {
		index := SourceIndex(8)
		defer r.Recover("in", -1, &index)
		explodeForTest(fmt.Errorf("wrapped: %w", cause))
	})
	err := r.Wait()
	se := asStageError(t, err)
	if perr, ok := se.Panic.(error); !ok || perr != se.Err {
		t.Errorf("Panic = %#v, Err = %#v: want the same error", se.Panic, se.Err)
	}
	var ce *codeError
	if !errors.As(err, &ce) || ce != cause {
		t.Errorf("errors.As does not see the error the stage panicked with")
	}
	if got, want := err.Error(), "pipeline P: input in, element 8: panic: wrapped: code 42"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !strings.Contains(string(se.Stack), "explodeForTest") {
		t.Errorf("Stack does not show the panicking function:\n%s", se.Stack)
	}
}

func TestRunRecoverPanicNil(t *testing.T) {
	// Since Go 1.21, panic(nil) panics with a *runtime.PanicNilError, so it
	// is not mistaken for no panic.
	r := newTestRun(t, t.Context())
	r.Go(func() {
		var index Index
		defer r.Recover("S", 0, &index)
		explodeForTest(nil)
	})
	err := r.Wait()
	var pne *runtime.PanicNilError
	if !errors.As(err, &pne) {
		t.Fatalf("Wait() = %v, want a StageError around *runtime.PanicNilError", err)
	}
	asStageError(t, err)
}

func TestRunRecoverNoPanic(t *testing.T) {
	r := newTestRun(t, t.Context())
	var finished atomic.Bool
	r.Go(func() {
		var index Index
		defer r.Recover("S", 0, &index)
		index = SourceIndex(1)
		finished.Store(true)
	})
	if err := r.Wait(); err != nil {
		t.Fatalf("Wait() = %v after a goroutine that did not panic", err)
	}
	if !finished.Load() {
		t.Error("goroutine did not run")
	}
}

func TestRunRecoverOnlyFirstFailure(t *testing.T) {
	r := newTestRun(t, t.Context())
	errFirst := errors.New("first")
	r.Fail("A", 0, SourceIndex(1), errFirst)
	r.Go(func() {
		var index Index
		defer r.Recover("B", 1, &index)
		explodeForTest("second")
	})
	se := asStageError(t, r.Wait())
	if se.Err != errFirst || se.Panic != nil {
		t.Errorf("StageError = %+v, want the first failure", se)
	}
}

func TestRunFailAfterParentCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	r := newTestRun(t, ctx)
	cancel()
	r.Go(func() {
		<-r.Done()
		// The stage saw the cancellation and returned an error of its own.
		r.Fail("S", 0, SourceIndex(2), fmt.Errorf("fetching: %w", r.Context().Err()))
	})
	err := r.Wait()
	if err != context.Canceled {
		t.Errorf("Wait() = %#v, want ctx.Err() itself", err)
	}
	var se *StageError
	if errors.As(err, &se) {
		t.Errorf("a failure after cancellation is reported as a StageError: %v", se)
	}
}

func TestRunFailAfterParentDeadline(t *testing.T) {
	ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	r := newTestRun(t, ctx)
	r.Fail("S", 0, SourceIndex(0), errors.New("too late"))
	if err := r.Wait(); err != context.DeadlineExceeded {
		t.Errorf("Wait() = %v, want context.DeadlineExceeded", err)
	}
}

func TestRunFailBeforeParentCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	r := newTestRun(t, ctx)
	errReal := errors.New("real")
	r.Fail("S", 0, SourceIndex(0), errReal)
	cancel() // after the failure: the failure is still the cause
	se := asStageError(t, r.Wait())
	if se.Err != errReal {
		t.Errorf("Wait() = %v, want the failure before the cancellation", se)
	}
}

func TestRunWaitParentCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	r := newTestRun(t, ctx)
	const n = 10
	var ended atomic.Int32
	for range n {
		r.Go(func() {
			<-r.Done() // the goroutines just end, without failing
			busy()
			ended.Add(1)
		})
	}
	cancel()
	err := r.Wait()
	if err != context.Canceled {
		t.Errorf("Wait() = %v, want context.Canceled", err)
	}
	if got := ended.Load(); got != n {
		t.Errorf("Wait returned with %d of %d goroutines ended", got, n)
	}
	if !isClosed(r.Done()) {
		t.Error("Done is not closed after the parent was cancelled")
	}
}

func TestRunStop(t *testing.T) {
	r := newTestRun(t, t.Context())
	const n = 10
	var started sync.WaitGroup
	var ended atomic.Int32
	started.Add(n)
	for range n {
		r.Go(func() {
			started.Done()
			<-r.Done()
			busy()
			ended.Add(1)
		})
	}
	started.Wait()
	r.Stop()
	if got := ended.Load(); got != n {
		t.Errorf("Stop returned with %d of %d goroutines ended", got, n)
	}
	if !isClosed(r.Done()) || r.Context().Err() != context.Canceled {
		t.Errorf("after Stop, Done closed = %v, Context().Err() = %v", isClosed(r.Done()), r.Context().Err())
	}
	if err := r.Wait(); err != nil {
		t.Errorf("Wait() after Stop = %v, want nil", err)
	}
}

func TestRunFailureAfterStopIsDropped(t *testing.T) {
	r := newTestRun(t, t.Context())
	var started sync.WaitGroup
	started.Add(2)
	r.Go(func() {
		started.Done()
		<-r.Done()
		// A stage that sees the stop as an error.
		r.Fail("S", 0, SourceIndex(1), r.Context().Err())
	})
	r.Go(func() {
		var index Index
		defer r.Recover("S", 1, &index)
		started.Done()
		<-r.Done()
		explodeForTest("while stopping")
	})
	started.Wait()
	r.Stop()
	if err := r.Wait(); err != nil {
		t.Errorf("Wait() = %v: failures after Stop are consequences and must be dropped", err)
	}
}

func TestRunFailureBeforeStopIsKept(t *testing.T) {
	r := newTestRun(t, t.Context())
	errReal := errors.New("real")
	r.Fail("S", 0, SourceIndex(1), errReal)
	r.Stop()
	if err := r.Wait(); !errors.Is(err, errReal) {
		t.Errorf("Wait() = %v, want the failure before Stop", err)
	}
}

func TestRunStopWaitAnyOrder(t *testing.T) {
	calls := map[string]func(*Run) error{
		"Stop": func(r *Run) error { r.Stop(); return nil },
		"Wait": (*Run).Wait,
	}
	orders := [][]string{
		{"Stop"},
		{"Wait"},
		{"Stop", "Stop"},
		{"Wait", "Wait"},
		{"Stop", "Wait"},
		{"Wait", "Stop"},
		{"Stop", "Wait", "Stop", "Wait"},
		{"Wait", "Stop", "Wait", "Stop"},
	}
	for _, order := range orders {
		t.Run(strings.Join(order, ","), func(t *testing.T) {
			r := newTestRun(t, t.Context())
			const n = 3
			var ended atomic.Int32
			release := make(chan struct{})
			for range n {
				r.Go(func() {
					select {
					case <-release: // the goroutine's work is over
					case <-r.Done(): // the run was stopped
					}
					busy()
					ended.Add(1)
				})
			}
			go close(release)
			for i, c := range order {
				if err := calls[c](r); err != nil {
					t.Errorf("%s: %v", c, err)
				}
				if got := ended.Load(); got != n {
					t.Errorf("%s returned with %d of %d goroutines ended", c, got, n)
				}
				if i > 0 && !isClosed(r.Done()) {
					t.Errorf("Done is open after %v", order[:i+1])
				}
			}
		})
	}
}

func TestRunStopWaitConcurrent(t *testing.T) {
	r := newTestRun(t, t.Context())
	const n = 10
	var ended atomic.Int32
	for range n {
		r.Go(func() {
			<-r.Done()
			busy()
			ended.Add(1)
		})
	}
	var callers sync.WaitGroup
	for i := range 2 * n {
		callers.Go(func() {
			if i%2 == 0 {
				r.Stop()
			} else if err := r.Wait(); err != nil {
				t.Errorf("Wait() = %v", err)
			}
			if got := ended.Load(); got != n {
				t.Errorf("Stop or Wait returned with %d of %d goroutines ended", got, n)
			}
		})
	}
	callers.Wait()
}

func TestRunConcurrentFail(t *testing.T) {
	const n = 64
	for range 20 {
		r := newTestRun(t, t.Context())
		errs := make([]error, n)
		for w := range n {
			errs[w] = fmt.Errorf("worker %d failed", w)
		}
		start := make(chan struct{})
		for w := range n {
			r.Go(func() {
				<-start
				if w%4 == 0 {
					index := SourceIndex(uint64(w))
					defer r.Recover("S", w, &index)
					explodeForTest(errs[w])
				}
				r.Fail("S", w, SourceIndex(uint64(w)), errs[w])
				r.Fail("S", w, SourceIndex(uint64(w)+1000), errors.New("again"))
			})
		}
		close(start)
		err := r.Wait()
		se := asStageError(t, err)
		// The fields all belong to one failure.
		w := se.Worker
		if w < 0 || w >= n {
			t.Fatalf("Worker = %d", w)
		}
		if se.Err != errs[w] || se.Index != SourceIndex(uint64(w)) {
			t.Fatalf("StageError mixes failures: %+v", se)
		}
		if (se.Panic != nil) != (w%4 == 0) {
			t.Fatalf("Panic = %v for worker %d", se.Panic, w)
		}
		if again := r.Wait(); again != err {
			t.Fatalf("second Wait() = %v, want %v", again, err)
		}
	}
}

func TestRunConcurrentFailAndStop(t *testing.T) {
	// Failures racing with the consumer's Stop: the run reports either
	// nothing (Stop came first) or one whole failure.
	const n = 16
	for range 20 {
		r := newTestRun(t, t.Context())
		start := make(chan struct{})
		for w := range n {
			r.Go(func() {
				<-start
				r.Fail("S", w, SourceIndex(uint64(w)), fmt.Errorf("worker %d", w))
			})
		}
		var stopper sync.WaitGroup
		stopper.Go(func() {
			<-start
			r.Stop()
		})
		close(start)
		stopper.Wait()
		err := r.Wait()
		if err == nil {
			continue
		}
		se := asStageError(t, err)
		if want := fmt.Sprintf("worker %d", se.Worker); se.Err.Error() != want || se.Index != SourceIndex(uint64(se.Worker)) {
			t.Fatalf("StageError mixes failures: %+v", se)
		}
	}
}
