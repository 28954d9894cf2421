package e2e

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/pipegen/pipegen/generator"
	"github.com/pipegen/pipegen/generator/internal/leakcheck"
	pipegen "github.com/pipegen/pipegen/runtime"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// noLeaks fails t if any goroutine of a pipeline run is still at work.
// It looks once and at once (goleak waits and retries): a pipeline call
// must not return before its goroutines have ended. Every goroutine a run
// starts begins in the closure of pipegen.(*Run).Go, which calls the
// worker and then marks it done; a goroutine still in that closure but
// past the worker (its top frame is the closure itself, or the WaitGroup
// it just released) has finished its work and is only returning.
func noLeaks(t *testing.T) {
	t.Helper()
	if g := leakcheck.Working(); g != "" {
		t.Fatalf("a pipeline goroutine is still at work after the call returned:\n%s", g)
	}
}

// collect ranges over seq and returns its elements and final error.
func collect[T any](t *testing.T, seq iter.Seq2[T, error]) ([]T, error) {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

func ints(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// sorted returns s sorted, to compare results as multisets.
func sorted(s []int) []int {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// counting returns an endless source 0, 1, 2, … and the number of elements
// pulled from it so far.
func counting() (iter.Seq[int], *atomic.Int64) {
	var pulled atomic.Int64
	return func(yield func(int) bool) {
		for i := 0; ; i++ {
			pulled.Add(1)
			if !yield(i) {
				return
			}
		}
	}, &pulled
}

func TestGeneratedCodeIsFresh(t *testing.T) {
	stale, err := generator.Check(context.Background(), generator.Config{}, ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Fatalf("stale generated code %v: run go generate ./generator/e2e", stale)
	}
}

func TestResultsAsMultiset(t *testing.T) {
	in := ints(1000)
	got, err := collect(t, Squares(context.Background(), slices.Values(in)))
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	for _, x := range in {
		want = append(want, x*x)
	}
	if !slices.Equal(sorted(got), want) {
		t.Fatalf("Squares: got %d elements %v…, want the squares of 0..999", len(got), got[:min(10, len(got))])
	}
}

func TestOneWorkerPerStageKeepsOrder(t *testing.T) {
	in := ints(500)
	got, err := collect(t, ordered1(context.Background(), slices.Values(in)))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, in) {
		t.Fatalf("identity pipeline changed order: %v…", got[:10])
	}
}

func TestFilterAndFlatMap(t *testing.T) {
	ctx := context.Background()
	got, err := collect(t, EvenSquares(ctx, slices.Values(ints(100))))
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	for x := range 100 {
		if x*x%2 == 0 {
			want = append(want, x*x)
		}
	}
	if !slices.Equal(sorted(got), want) {
		t.Errorf("EvenSquares = %v, want %v", sorted(got), want)
	}

	got, err = collect(t, Twice(ctx, slices.Values([]int{1, 2, 3})))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{1, 1, 4, 4, 9, 9}; !slices.Equal(sorted(got), want) {
		t.Errorf("Twice = %v, want %v", sorted(got), want)
	}

	got, err = collect(t, Expanded(ctx, slices.Values([]int{1, 2})))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{1, 2, 1001, 1002, 2001, 2002}; !slices.Equal(sorted(got), want) {
		t.Errorf("Expanded = %v, want %v", sorted(got), want)
	}

	// Square(workers=4) | Even | Dup(workers=2) | Check
	got, err = collect(t, chain(ctx, slices.Values(ints(50))))
	if err != nil {
		t.Fatal(err)
	}
	want = nil
	for x := range 50 {
		if x%2 == 0 {
			want = append(want, x*x, x*x)
		}
	}
	if !slices.Equal(sorted(got), want) {
		t.Errorf("chain = %v, want %v", sorted(got), want)
	}
}

func TestEmptyInput(t *testing.T) {
	got, err := collect(t, chain(context.Background(), slices.Values([]int(nil))))
	if err != nil || len(got) != 0 {
		t.Fatalf("chain(empty) = %v, %v; want nothing", got, err)
	}
	if err := Sum(context.Background(), slices.Values([]*Job(nil))); err != nil {
		t.Fatalf("Sum(empty) = %v", err)
	}
	noLeaks(t)
}

func TestEachPipelineReturnsError(t *testing.T) {
	var total atomic.Int64
	var jobs []*Job
	for i := range 100 {
		jobs = append(jobs, &Job{N: i, Total: &total})
	}
	if err := Sum(context.Background(), slices.Values(jobs)); err != nil {
		t.Fatal(err)
	}
	if got := total.Load(); got != 4950 {
		t.Fatalf("Sum added %d, want 4950", got)
	}

	jobs[42].N = FailOn
	err := Sum(context.Background(), slices.Values(jobs))
	var se *pipegen.StageError
	if !errors.As(err, &se) || !errors.Is(err, ErrBoom) {
		t.Fatalf("Sum with a failing job = %v, want a StageError wrapping ErrBoom", err)
	}
	if se.Pipeline != "Sum" || se.Stage != "Add" || se.Index.Source() != 42 || se.Panic != nil {
		t.Fatalf("StageError = %+v, want pipeline Sum, stage Add, element 42", se)
	}
	noLeaks(t)
}

func TestStageErrorStopsPipeline(t *testing.T) {
	// An endless input: only the error can end the run.
	src, _ := counting()
	in := func(yield func(int) bool) {
		for x := range src {
			if x == 25 {
				x = FailOn
			}
			if !yield(x) {
				return
			}
		}
	}
	_, err := collect(t, Checked(context.Background(), in))
	var se *pipegen.StageError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a *pipegen.StageError", err)
	}
	if !errors.Is(err, ErrBoom) {
		t.Errorf("errors.Is(%v, ErrBoom) = false", err)
	}
	if se.Pipeline != "Checked" || se.Stage != "Check" || se.Index.Source() != 25 || se.Worker < 0 || se.Worker >= 3 {
		t.Errorf("StageError = %+v, want pipeline Checked, stage Check, element 25, worker in [0,3)", se)
	}
	if want := "pipeline Checked: stage Check, worker"; !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), "element 25: boom") {
		t.Errorf("err.Error() = %q", err.Error())
	}
	noLeaks(t)
}

func TestPanicBecomesStageError(t *testing.T) {
	_, err := collect(t, Checked(context.Background(), slices.Values([]int{1, 2, PanicOn, 4})))
	var se *pipegen.StageError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a *pipegen.StageError", err)
	}
	if se.Panic != "check panicked" || se.Stage != "Check" || se.Index.Source() != 2 {
		t.Errorf("StageError = %+v, want the panic of Check at element 2", se)
	}
	if !strings.Contains(string(se.Stack), "e2e.Check(") {
		t.Errorf("stack does not show the panicking function:\n%s", se.Stack)
	}
	if !strings.Contains(err.Error(), "panic: check panicked") {
		t.Errorf("err.Error() = %q", err.Error())
	}
	noLeaks(t)
}

func TestFlatMapSeq2Error(t *testing.T) {
	got, err := collect(t, Expanded(context.Background(), slices.Values([]int{FailOn})))
	if !errors.Is(err, ErrBoom) {
		t.Fatalf("err = %v, want ErrBoom", err)
	}
	if len(got) > 1 {
		t.Errorf("got %v: nothing after the error should be yielded by Expand", got)
	}
	noLeaks(t)
}

func TestInputSeq2ErrorFailsPipeline(t *testing.T) {
	errSource := errors.New("source broke")
	in := func(yield func(int, error) bool) {
		for i := range 10 {
			if !yield(i, nil) {
				return
			}
		}
		yield(0, errSource)
	}
	_, err := collect(t, Squares(context.Background(), iter.Seq2[int, error](in)))
	var se *pipegen.StageError
	if !errors.As(err, &se) || !errors.Is(err, errSource) {
		t.Fatalf("err = %v, want a StageError wrapping the source's error", err)
	}
	if se.Stage != "in" || se.Worker != -1 || se.Index.Source() != 10 {
		t.Errorf("StageError = %+v, want input in, worker -1, element 10", se)
	}
	noLeaks(t)
}

func TestInputPanic(t *testing.T) {
	in := func(yield func(int) bool) {
		yield(1)
		panic("source panicked")
	}
	_, err := collect(t, Squares(context.Background(), iter.Seq[int](in)))
	var se *pipegen.StageError
	if !errors.As(err, &se) || se.Panic != "source panicked" || se.Stage != "in" {
		t.Fatalf("err = %v, want the source's panic as a StageError", err)
	}
	noLeaks(t)
}

func TestCancelReturnsContextError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	src, _ := counting()
	in := func(yield func(int) bool) {
		for x := range src {
			if x == 10 {
				x = HangOn
			}
			if !yield(x) {
				return
			}
		}
	}
	time.AfterFunc(20*time.Millisecond, cancel)
	_, err := collect(t, Checked(ctx, in))
	if err != context.Canceled {
		t.Fatalf("err = %v, want exactly context.Canceled", err)
	}
	noLeaks(t)

	// The same for an each pipeline, with a deadline.
	dctx, dcancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer dcancel()
	var total atomic.Int64
	jobs := func(yield func(*Job) bool) {
		for {
			if !yield(&Job{N: 1, Total: &total}) {
				return
			}
		}
	}
	if err := Sum(dctx, jobs); err != context.DeadlineExceeded {
		t.Fatalf("Sum = %v, want context.DeadlineExceeded", err)
	}
	noLeaks(t)
}

func TestCancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := collect(t, Squares(ctx, slices.Values(ints(10))))
	if err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	noLeaks(t)
}

func TestBreakStopsEverything(t *testing.T) {
	src, pulled := counting()
	n := 0
	for v, err := range chain(context.Background(), src) {
		if err != nil {
			t.Fatal(err)
		}
		_ = v
		n++
		if n == 5 {
			break
		}
	}
	// The loop has ended: every goroutine must be gone already.
	noLeaks(t)
	if pulled.Load() == 0 {
		t.Fatal("nothing pulled")
	}
}

func TestPanicInLoopBodyStopsEverything(t *testing.T) {
	src, _ := counting()
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("panic in loop body did not propagate")
			}
		}()
		for range Squares(context.Background(), src) {
			panic("consumer panicked")
		}
	}()
	noLeaks(t)
}

func TestSourceIsNotPulledAheadOfQueues(t *testing.T) {
	src, pulled := counting()
	// Dup has maxsize=4; with one worker everywhere and the output queue
	// of pipegen.DefaultMaxSize, the input can run ahead of the consumer
	// by at most the queues' capacities plus one element held by each
	// goroutine.
	opts := []pipegen.Option{
		pipegen.Workers("Square", 1), pipegen.Workers("Dup", 1), pipegen.Workers("Check", 1),
		pipegen.MaxSize("Square", 2), pipegen.MaxSize("Even", 2), pipegen.MaxSize("Check", 2),
	}
	for range chain(context.Background(), src, opts...) {
		// Let the pipeline fill up behind the first element.
		time.Sleep(50 * time.Millisecond)
		break
	}
	// A queue holds its maxsize, plus a batch (a quarter of maxsize, at
	// most pipegen.DefaultMaxBatch, at least 1) in each producer and each
	// consumer. Items before Even stand for one element of the input each,
	// between Even and Dup for two (Even keeps half), after Dup for one
	// again (Dup doubles); each of 5 goroutines holds one more.
	hold := func(size int) int { return size + 2*min(max(size/4, 1), pipegen.DefaultMaxBatch) }
	bound := int64(hold(2) + hold(2) + 2*hold(4) + hold(2) + hold(pipegen.DefaultMaxSize) + 5)
	if got := pulled.Load(); got > bound {
		t.Fatalf("pulled %d elements from the source, more than the queues allow (%d)", got, bound)
	}
	noLeaks(t)
}

func TestRangeTwiceRunsTwice(t *testing.T) {
	seq := Squares(context.Background(), slices.Values(ints(10)))
	a, err1 := collect(t, seq)
	b, err2 := collect(t, seq)
	if err1 != nil || err2 != nil || len(a) != 10 || len(b) != 10 {
		t.Fatalf("two ranges gave %v, %v and %v, %v", a, err1, b, err2)
	}
}

func TestOptions(t *testing.T) {
	ctx := context.Background()
	got, err := collect(t, Squares(ctx, slices.Values(ints(100)), pipegen.Workers("Square", 16), pipegen.MaxSize("Square", 0)))
	if err != nil || len(got) != 100 {
		t.Fatalf("with options: %d elements, %v", len(got), err)
	}
	_, err = collect(t, Squares(ctx, slices.Values(ints(3)), pipegen.Workers("Sqaure", 2)))
	if err == nil || !strings.Contains(err.Error(), `no stage named "Sqaure"`) {
		t.Fatalf("unknown stage in option: err = %v", err)
	}
	err = Sum(ctx, slices.Values([]*Job{}), pipegen.Workers("Add", 0))
	if err == nil || !strings.Contains(err.Error(), "workers must be from 1 to 65536") {
		t.Fatalf("workers=0 option: err = %v", err)
	}
	noLeaks(t)
}

func TestBroadcastRunsSharedStageOncePerElement(t *testing.T) {
	sharedCalls.Store(0)
	got, err := collect(t, thrice(context.Background(), slices.Values(ints(100))))
	if err != nil {
		t.Fatal(err)
	}
	if n := sharedCalls.Load(); n != 100 {
		t.Errorf("Shared ran %d times for 100 elements, want 100", n)
	}
	var want []int
	for x := range 100 {
		want = append(want, x, x, x)
	}
	if !slices.Equal(sorted(got), want) {
		t.Errorf("thrice yielded %d elements, want every element three times", len(got))
	}
	noLeaks(t)
}

func TestBroadcastIsBoundedBySlowestConsumer(t *testing.T) {
	sharedCalls.Store(0)
	src, pulled := counting()
	for range thrice(context.Background(), src) {
		// A consumer that stops reading: Shared must stop soon after.
		time.Sleep(50 * time.Millisecond)
		break
	}
	// Shared's queue holds 2, its 2 workers one each, and each of them
	// may have put an element to some of the 3 branches of the output
	// queue (DefaultMaxSize) before blocking.
	const bound = 2 + 2 + pipegen.DefaultMaxSize + 2
	if n := sharedCalls.Load(); n > bound {
		t.Errorf("Shared ran %d times while the consumer read one element; want at most %d", n, bound)
	}
	if p := pulled.Load(); p > bound+2 {
		t.Errorf("pulled %d elements, want at most %d", p, bound+2)
	}
	noLeaks(t)
}

func TestConcatOfInputsOfDifferentLengths(t *testing.T) {
	a := ints(3)                                 // 0 1 2
	b := []int{10, 20}                           // squared: 100 400
	c := []string{"x", "yy", "zzz", "wwww", "v"} // lengths 1 2 3 4 1
	got, err := collect(t, merged(context.Background(), slices.Values(a), slices.Values(b), slices.Values(c)))
	if err != nil {
		t.Fatal(err)
	}
	want := []int{0, 1, 1, 1, 2, 2, 3, 4, 100, 400}
	if !slices.Equal(sorted(got), want) {
		t.Fatalf("merged = %v, want %v", sorted(got), want)
	}

	got, err = collect(t, merged(context.Background(), slices.Values([]int(nil)), slices.Values([]int(nil)), slices.Values([]string(nil))))
	if err != nil || len(got) != 0 {
		t.Fatalf("merged(empty inputs) = %v, %v", got, err)
	}
	noLeaks(t)
}

func TestConcatInputErrorNamesTheInput(t *testing.T) {
	errB := errors.New("b failed")
	b := func(yield func(int, error) bool) {
		_ = yield(1, nil) && yield(0, errB)
	}
	src, _ := counting() // a never ends: the error must stop it
	_, err := collect(t, merged(context.Background(), src, b, slices.Values([]string{"x"})))
	var se *pipegen.StageError
	if !errors.As(err, &se) || se.Stage != "b" || !errors.Is(err, errB) || se.Index.Source() != 1 {
		t.Fatalf("err = %v, want input b failing at element 1", err)
	}
	noLeaks(t)
}

func TestConcatBreakAndCancel(t *testing.T) {
	a, _ := counting()
	b, _ := counting()
	n := 0
	for range merged(context.Background(), a, b, slices.Values([]string{"x"})) {
		if n++; n == 10 {
			break
		}
	}
	noLeaks(t)

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel)
	a, _ = counting()
	b, _ = counting()
	_, err := collect(t, merged(ctx, a, b, slices.Values([]string{"x"})))
	if err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	noLeaks(t)
}

func TestStageSeesElementIndex(t *testing.T) {
	got, err := collect(t, tagged(context.Background(), slices.Values([]int{5, 7})))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if want := []string{"0.0:5", "0.1:5", "1.0:7", "1.1:7"}; !slices.Equal(got, want) {
		t.Fatalf("tagged = %q, want %q", got, want)
	}
}

func TestWithIndexYieldsIndices(t *testing.T) {
	in := []int{3, 1, 4}
	seen := map[string]int{}
	for it, err := range TwiceWithIndex(context.Background(), slices.Values(in)) {
		if err != nil {
			t.Fatal(err)
		}
		src := in[it.Index.Source()]
		if it.Value != src*src || len(it.Index.Path()) != 1 {
			t.Errorf("element %v at index %v: not the square of input %d with one child level", it.Value, it.Index, src)
		}
		seen[it.Index.String()]++
	}
	if len(seen) != 6 || seen["2.1"] != 1 {
		t.Errorf("indices %v, want 0.0 … 2.1 once each", seen)
	}
	noLeaks(t)
}

func TestTimeoutDropsHangingElement(t *testing.T) {
	var mu sync.Mutex
	var dropped []string
	onTimeout := pipegen.OnTimeout(func(stage string, index pipegen.Index, element any) {
		mu.Lock()
		defer mu.Unlock()
		dropped = append(dropped, fmt.Sprintf("%s@%v=%v", stage, index, element))
	})
	got, err := collect(t, patient(context.Background(), slices.Values([]int{1, HangOn, 3}), onTimeout))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sorted(got), []int{1, 3}) {
		t.Errorf("patient = %v, want [1 3]: the hanging element dropped", got)
	}
	// OnTimeout hears the stage, the index and the element itself.
	if want := fmt.Sprintf("Patient@1=%d", HangOn); !slices.Equal(dropped, []string{want}) {
		t.Errorf("OnTimeout saw %v, want [%s]", dropped, want)
	}
	noLeaks(t)
}

func TestTimeoutCanFailThePipeline(t *testing.T) {
	_, err := collect(t, strict(context.Background(), slices.Values([]int{1, HangOn, 3})))
	var se *pipegen.StageError
	var te *pipegen.TimeoutError
	if !errors.As(err, &se) || !errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a StageError wrapping a TimeoutError", err)
	}
	if se.Stage != "Patient" || se.Index.Source() != 1 || te.Timeout != 30*time.Millisecond {
		t.Errorf("StageError %+v, TimeoutError %+v", se, te)
	}
	noLeaks(t)
}

// checkHooks checks that done ran once for every started worker.
func checkHooks(t *testing.T, wantStarted int) []pipegen.StageStatus {
	t.Helper()
	hookLog.mu.Lock()
	defer hookLog.mu.Unlock()
	if len(hookLog.started) != wantStarted {
		t.Errorf("%d workers started, want %d", len(hookLog.started), wantStarted)
	}
	if len(hookLog.done) != len(hookLog.started) {
		t.Errorf("done ran %d times for %d started workers", len(hookLog.done), len(hookLog.started))
	}
	return slices.Clone(hookLog.done)
}

func TestWorkerHooks(t *testing.T) {
	hookLog.reset()
	got, err := collect(t, scaled(context.Background(), slices.Values(ints(100))))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 100 || sorted(got)[99] != 990 {
		t.Fatalf("scaled: %d elements, max %d", len(got), sorted(got)[99])
	}
	statuses := checkHooks(t, 3)
	var workers []int
	for _, w := range hookLog.started {
		if w.Pipeline != "scaled" || w.Stage != "Scale" {
			t.Errorf("start saw %+v", w)
		}
		workers = append(workers, w.Index)
	}
	if !slices.Equal(sorted(workers), []int{0, 1, 2}) {
		t.Errorf("worker indices %v, want 0 1 2", workers)
	}
	var active []int
	for _, s := range statuses {
		if !s.Done || s.Stage != "Scale" {
			t.Errorf("status %+v, want Done for stage Scale", s)
		}
		active = append(active, s.ActiveWorkers)
	}
	// Workers start and end at their own pace, so a worker may end before
	// another starts; but the counts are of other live workers, and the
	// last to end sees none.
	if a := sorted(active); a[0] != 0 || a[2] > 2 {
		t.Errorf("active workers seen by done: %v, want values in 0..2, one 0", active)
	}
	noLeaks(t)
}

func TestDoneRunsOnEveryPath(t *testing.T) {
	ctx := context.Background()
	// Endless inputs, so that no worker ends because its input ended.
	endless := func(special int) iter.Seq[int] {
		return func(yield func(int) bool) {
			for i := 0; ; i++ {
				x := i
				if i == 5 {
					x = special
				}
				if !yield(x) {
					return
				}
			}
		}
	}
	paths := map[string]func(){
		"error": func() { collect(t, scaled(ctx, endless(FailOn))) },
		"panic": func() { collect(t, scaled(ctx, endless(PanicOn))) },
		"cancel": func() {
			ctx, cancel := context.WithCancel(ctx)
			time.AfterFunc(10*time.Millisecond, cancel)
			collect(t, scaled(ctx, endless(0)))
		},
		"break": func() {
			src, _ := counting()
			for range scaled(ctx, src) {
				break
			}
		},
	}
	for name, run := range paths {
		t.Run(name, func(t *testing.T) {
			hookLog.reset()
			run()
			for _, s := range checkHooks(t, 3) {
				if s.Done {
					t.Errorf("status %+v: Done set although the run stopped", s)
				}
			}
			noLeaks(t)
		})
	}
}

func TestFailingHooksFailThePipeline(t *testing.T) {
	hookLog.reset()
	failStart.Store(true)
	_, err := collect(t, scaled(context.Background(), slices.Values(ints(10))))
	failStart.Store(false)
	var se *pipegen.StageError
	if !errors.As(err, &se) || !errors.Is(err, ErrBoom) || se.Stage != "Scale" || se.Worker != 1 {
		t.Fatalf("start failing: err = %v, want a StageError of worker 1 wrapping ErrBoom", err)
	}
	hookLog.mu.Lock()
	started, done := len(hookLog.started), len(hookLog.done)
	hookLog.mu.Unlock()
	if started != done || started > 2 {
		t.Errorf("%d workers started, done ran %d times", started, done)
	}

	hookLog.reset()
	failDone.Store(true)
	_, err = collect(t, scaled(context.Background(), slices.Values(ints(10))))
	failDone.Store(false)
	if !errors.As(err, &se) || !errors.Is(err, ErrDone) {
		t.Fatalf("done failing: err = %v, want a StageError wrapping ErrDone", err)
	}
	checkHooks(t, 3)
	noLeaks(t)
}

func TestOrderedRestoresInputOrder(t *testing.T) {
	in := ints(1000)
	got, err := collect(t, inOrder(context.Background(), slices.Values(in)))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, in) {
		t.Fatalf("inOrder is not in input order: %v…", got[:20])
	}
	// Without ordered, the same stage does reorder: the check above is
	// not passed by luck.
	unordered, err := collect(t, jittered(context.Background(), slices.Values(in)))
	if err != nil || slices.Equal(unordered, in) || !slices.Equal(sorted(unordered), in) {
		t.Fatalf("jittered: %v; kept order: %v", err, slices.Equal(unordered, in))
	}
	noLeaks(t)
}

func TestOrderedTwiceWithFlatMapAndFilter(t *testing.T) {
	got, err := collect(t, orderedTwice(context.Background(), slices.Values(ints(200))))
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	for x := 0; x < 200; x += 2 {
		want = append(want, x, x)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("orderedTwice = %v…, want %v…", got[:min(10, len(got))], want[:10])
	}
	noLeaks(t)
}

func TestOrderedConcatBreaksTiesByBranch(t *testing.T) {
	got, err := collect(t, orderedConcat(context.Background(), slices.Values(ints(10)), slices.Values([]int{100, 101, 102, 103, 104})))
	if err != nil {
		t.Fatal(err)
	}
	want := []int{0, 100, 1, 101, 2, 102, 3, 103, 4, 104, 5, 6, 7, 8, 9}
	if !slices.Equal(got, want) {
		t.Fatalf("orderedConcat = %v, want %v", got, want)
	}
	noLeaks(t)
}

func TestOrderedAfterBroadcast(t *testing.T) {
	sharedCalls.Store(0)
	got, err := collect(t, orderedShared(context.Background(), slices.Values(ints(300))))
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	for x := range 300 {
		want = append(want, x, x)
	}
	if !slices.Equal(got, want) || sharedCalls.Load() != 300 {
		t.Fatalf("orderedShared = %v… (%d calls of Shared), want each element twice in order, 300 calls", got[:min(10, len(got))], sharedCalls.Load())
	}
	noLeaks(t)
}

func TestOrderedStreams(t *testing.T) {
	// An endless input: ordered must yield before the input ends.
	src, _ := counting()
	var got []int
	for v, err := range inOrder(context.Background(), src) {
		if err != nil {
			t.Fatal(err)
		}
		if got = append(got, v); len(got) == 5 {
			break
		}
	}
	if !slices.Equal(got, []int{0, 1, 2, 3, 4}) {
		t.Fatalf("got %v, want 0 1 2 3 4", got)
	}
	noLeaks(t)
}

func TestOrderedWindowBoundsMemory(t *testing.T) {
	// Element 2 hangs until the deadline: ordered can release nothing past
	// it, and the window must stop the input.
	src, pulled := counting()
	in := func(yield func(int) bool) {
		for x := range src {
			if x == 2 {
				x = HangOn
			}
			if !yield(x) {
				return
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	got, err := collect(t, checkedInOrder(ctx, in))
	if err != context.DeadlineExceeded || !slices.Equal(got, []int{0, 1}) {
		t.Fatalf("got %v, %v; want [0 1] and the deadline", got, err)
	}
	// The window, plus what the queues and workers hold.
	const bound = pipegen.DefaultWindow + 2*pipegen.DefaultMaxSize + 3 + 2
	if p := pulled.Load(); p > bound || p < pipegen.DefaultWindow/2 {
		t.Fatalf("pulled %d elements past a hanging one; the window allows about %d", p, bound)
	}
	noLeaks(t)
}

func TestFusedStagesReportTheirOwnFailures(t *testing.T) {
	// Identity | Dup | Check run in one worker: errors and panics must
	// still name the stage and the element (a child of Dup) they concern.
	got, err := collect(t, fusedCheck(context.Background(), slices.Values([]int{1, 2, 3})))
	if err != nil || !slices.Equal(got, []int{1, 1, 2, 2, 3, 3}) {
		t.Fatalf("fusedCheck = %v, %v", got, err)
	}
	for _, special := range []int{FailOn, PanicOn} {
		_, err := collect(t, fusedCheck(context.Background(), slices.Values([]int{1, special, 3})))
		var se *pipegen.StageError
		if !errors.As(err, &se) || se.Stage != "Check" || se.Index.String() != "1.0" {
			t.Errorf("element %d: err = %v, want a StageError of Check at element 1.0", special, err)
		}
	}
	// An option on a member of the fused group applies to the group.
	got, err = collect(t, fusedCheck(context.Background(), slices.Values(ints(3)), pipegen.Workers("Check", 2)))
	if err != nil || !slices.Equal(sorted(got), []int{0, 0, 1, 1, 2, 2}) {
		t.Errorf("Workers on a fused stage: got %v, %v", got, err)
	}
	noLeaks(t)
}
