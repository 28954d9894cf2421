package e2e

import (
	"context"
	"errors"
	"iter"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// The defects of the field report (issue 11), each with the case that
// showed it.

// TestGoexitFailsTheRun: a stage or an input that exits through
// runtime.Goexit fails the run with a StageError that says so, with
// several workers, before ordered, with one worker (which hung), and in
// an input.
func TestGoexitFailsTheRun(t *testing.T) {
	in := ints(1000)
	in[500] = GoexitOn
	check := func(name string, err error, stage string) {
		t.Helper()
		var se *pipegen.StageError
		if !errors.As(err, &se) || se.Stage != stage || !strings.Contains(err.Error(), "runtime.Goexit") {
			t.Errorf("%s: err = %v, want a StageError of %s saying runtime.Goexit", name, err, stage)
		}
	}
	_, err := collect(t, exiting(context.Background(), slices.Values(in)))
	check("3 workers", err, "Exiter")
	_, err = collect(t, exitingInOrder(context.Background(), slices.Values(in)))
	check("ordered", err, "Exiter")
	_, err = collect(t, exitingAlone(context.Background(), slices.Values(in)))
	check("1 worker", err, "Exiter")
	input := func(yield func(int) bool) {
		for i := range 1000 {
			if i == 500 {
				runtime.Goexit()
			}
			if !yield(i) {
				return
			}
		}
	}
	_, err = collect(t, Squares(context.Background(), input))
	check("input", err, "in")
	noLeaks(t)
}

// TestStatsReportPanicFailsTheCall: a panic in the Stats callback, periodic
// or final, becomes the call's error instead of killing the process.
func TestStatsReportPanicFailsTheCall(t *testing.T) {
	// Periodic: the input waits until the report has run (and panicked).
	reported := make(chan struct{})
	var once atomic.Bool
	report := func(s pipegen.Snapshot) {
		if once.CompareAndSwap(false, true) {
			close(reported)
		}
		panic("report boom")
	}
	input := func(yield func(int) bool) {
		for i := 0; ; i++ {
			if !yield(i) {
				return
			}
			if i == 10 {
				select {
				case <-reported:
				case <-time.After(watch):
					t.Error("the statistics were never reported")
					return
				}
			}
		}
	}
	_, err := collect(t, Squares(context.Background(), input, pipegen.Stats(time.Millisecond, report)))
	var se *pipegen.StageError
	if !errors.As(err, &se) || se.Stage != pipegen.StatsStage || se.Panic != "report boom" {
		t.Errorf("periodic report: err = %v, want a StageError of the statistics report", err)
	}
	// Final: the call's result is the error.
	final := func(s pipegen.Snapshot) {
		if s.Final {
			panic("final boom")
		}
	}
	_, err = collect(t, Squares(context.Background(), slices.Values(ints(10)), pipegen.Stats(time.Hour, final)))
	if !errors.As(err, &se) || se.Panic != "final boom" {
		t.Errorf("final report: err = %v, want a StageError of the statistics report", err)
	}
	noLeaks(t)
}

// TestCallerDeadlineIsNoStageTimeout: elements cut short by the caller's
// deadline are not stage timeouts: OnTimeout is not called and Stats
// counts no drop.
func TestCallerDeadlineIsNoStageTimeout(t *testing.T) {
	var dropped atomic.Int64
	var final pipegen.Snapshot
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := collect(t, lasting(ctx, slices.Values(ints(1000)),
		pipegen.OnTimeout(func(string, pipegen.Index, any) { dropped.Add(1) }),
		pipegen.Stats(time.Hour, func(s pipegen.Snapshot) { final = s })))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the caller's deadline", err)
	}
	if n := dropped.Load(); n != 0 {
		t.Errorf("OnTimeout called %d times for the caller's deadline", n)
	}
	if d := final.Stages[0].Dropped; d != 0 {
		t.Errorf("Stats counts %d drops for the caller's deadline", d)
	}
	noLeaks(t)
}

// TestTimedOutStreamingFlatmapDeliversNothingLate: a streaming flatmap
// whose deadline passes delivers what it yielded before, and nothing
// after.
func TestTimedOutStreamingFlatmapDeliversNothingLate(t *testing.T) {
	var dropped atomic.Int64
	got, err := collect(t, late(context.Background(), slices.Values([]int{1}),
		pipegen.OnTimeout(func(string, pipegen.Index, any) { dropped.Add(1) })))
	if err != nil || !slices.Equal(got, []int{10}) || dropped.Load() != 1 {
		t.Fatalf("got %v, %v with %d dropped; want [10], one timeout", got, err, dropped.Load())
	}
	noLeaks(t)
}

// TestHookFailureNamesTheHook: a failing start or done is reported as the
// hook's, with no element.
func TestHookFailureNamesTheHook(t *testing.T) {
	defer hookLog.reset()
	failStart.Store(true)
	_, err := collect(t, scaled(context.Background(), slices.Values(ints(10))))
	failStart.Store(false)
	var se *pipegen.StageError
	if !errors.As(err, &se) || se.Hook != "newScaler" || !strings.Contains(err.Error(), "hook newScaler") || strings.Contains(err.Error(), "element") {
		t.Errorf("failing start: err = %v, want the hook newScaler named and no element", err)
	}
	failDone.Store(true)
	_, err = collect(t, scaled(context.Background(), slices.Values(ints(10))))
	failDone.Store(false)
	if !errors.As(err, &se) || se.Hook != "Close" || strings.Contains(err.Error(), "element") {
		t.Errorf("failing done: err = %v, want the hook Close named and no element", err)
	}
	noLeaks(t)
}

// TestNoGoroutineOutlivesACancelledCall: right after a cancelled call
// returns, none of its goroutines is at work (once, 61 calls in 500 left
// the watcher of the caller's context behind).
func TestNoGoroutineOutlivesACancelledCall(t *testing.T) {
	for range 500 {
		ctx, cancel := context.WithCancel(context.Background())
		n := 0
		for _, err := range Squares(ctx, slices.Values(ints(100))) {
			if err != nil {
				break
			}
			if n++; n == 3 {
				cancel()
			}
		}
		cancel()
		noLeaks(t)
	}
}

// TestInputThatIgnoresStopThenCancel: an input that keeps yielding after
// yield returned false, when the caller has cancelled, ends the call with
// ctx.Err(), not the Go runtime's panic about the iterator.
func TestInputThatIgnoresStopThenCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stubborn := func(yield func(int) bool) {
		for i := 0; i < 100000; i++ {
			yield(i) // ignores false
		}
	}
	var err error
	n := 0
	for _, err = range Squares(ctx, stubborn) {
		if err != nil {
			break
		}
		if n++; n == 10 {
			cancel()
		}
	}
	if err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	noLeaks(t)
}

// TestChannelInput: a channel is an input; a break returns at once even
// while the channel is quiet.
func TestChannelInput(t *testing.T) {
	ch := make(chan int)
	go func() {
		for i := range 5 {
			ch <- i
		}
		close(ch)
	}()
	got, err := collect(t, Squares(context.Background(), ch))
	if err != nil || !slices.Equal(sorted(got), []int{0, 1, 4, 9, 16}) {
		t.Fatalf("got %v, %v", got, err)
	}
	quiet := make(chan int, 1)
	quiet <- 3
	returned := make(chan struct{})
	go func() {
		defer close(returned)
		for range Squares(context.Background(), (<-chan int)(quiet)) {
			break // the channel stays open and quiet
		}
	}()
	select {
	case <-returned:
	case <-time.After(watch):
		t.Fatal("break did not return while the input channel was quiet")
	}
	noLeaks(t)
}

// numbers is an iterator type of the user's own.
type numbers iter.Seq[int]

// TestNamedIteratorInput: a type whose underlying type is an iterator is
// an input.
func TestNamedIteratorInput(t *testing.T) {
	got, err := collect(t, Squares(context.Background(), numbers(slices.Values([]int{1, 2, 3}))))
	if err != nil || !slices.Equal(sorted(got), []int{1, 4, 9}) {
		t.Fatalf("got %v, %v", got, err)
	}
}

// TestTimeoutOption: pipegen.Timeout changes a stage's deadline at run
// time, and is refused for a stage without one.
func TestTimeoutOption(t *testing.T) {
	var dropped atomic.Int64
	got, err := collect(t, patient(context.Background(), slices.Values([]int{1, HangOn, 3}),
		pipegen.Timeout("Patient", time.Millisecond),
		pipegen.OnTimeout(func(string, pipegen.Index, any) { dropped.Add(1) })))
	if err != nil || !slices.Equal(sorted(got), []int{1, 3}) || dropped.Load() != 1 {
		t.Errorf("got %v, %v with %d dropped", got, err, dropped.Load())
	}
	_, err = collect(t, Squares(context.Background(), slices.Values([]int{1}), pipegen.Timeout("Square", time.Second)))
	if err == nil || !strings.Contains(err.Error(), "has no timeout=") {
		t.Errorf("Timeout on a stage without one: err = %v", err)
	}
	noLeaks(t)
}

// TestTypedStageOptions: the generated PStages name the stages for
// options; a misspelled field does not compile.
func TestTypedStageOptions(t *testing.T) {
	got, err := collect(t, chain(context.Background(), slices.Values(ints(100)),
		chainStages.Square.Workers(2), chainStages.Check.MaxSize(8), chainStages.Dup.Workers(1)))
	if err != nil || len(got) != 100 {
		t.Fatalf("got %d elements, %v", len(got), err)
	}
	if s := chainStages.Even.String(); s != "Even" {
		t.Errorf("chainStages.Even = %q", s)
	}
	_, err = collect(t, chain(context.Background(), slices.Values(ints(1)), chainStages.Square.Workers(0)))
	if err == nil || !strings.Contains(err.Error(), `Workers("Square", 0)`) {
		t.Errorf("Workers(0) through the typed name: err = %v", err)
	}
	noLeaks(t)
}

// TestNothingCutShortGoesOn: a stage that takes ctx sees the caller cancel
// during its call and returns what a function cut short might; that value
// reaches neither the next stage (fused with it, or its own workers) nor
// the caller, and the call ends with context.Canceled (found by the
// difftest soak, seed 9017: a hanging element's value, returned after the
// caller's cancel, was passed to the next stage).
func TestNothingCutShortGoesOn(t *testing.T) {
	for name, p := range map[string]func(context.Context, iter.Seq[int], ...pipegen.Option) iter.Seq2[int, error]{
		"fused": cut[iter.Seq[int]], "apart": cutApart[iter.Seq[int]],
	} {
		cutSeen.Store(0)
		ctx, cancel := context.WithCancel(context.Background())
		cutCancel.Store(&cancel)
		got, err := collect(t, p(ctx, slices.Values(ints(100))))
		cancel()
		if err != context.Canceled || slices.Contains(got, -CutOn) || cutSeen.Load() != 0 {
			t.Errorf("%s: err %v, yielded the cut-short value: %v, Witness called on it %d times; want context.Canceled, no, 0",
				name, err, slices.Contains(got, -CutOn), cutSeen.Load())
		}
		noLeaks(t)
	}
}
