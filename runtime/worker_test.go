package pipegen

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// newWorkerRun starts a run of a pipeline "P" with stages "A" (3 workers)
// and "B" (2 workers).
func newWorkerRun(t *testing.T, ctx context.Context, opts ...Option) *Run {
	t.Helper()
	r, err := NewRun(ctx, "P", []StageConfig{
		{Name: "A", Workers: 3, MaxSize: DefaultMaxSize},
		{Name: "B", Workers: 2, MaxSize: DefaultMaxSize},
	}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestWorkerStartedDone(t *testing.T) {
	r := newWorkerRun(t, t.Context())
	defer r.Stop()
	for range 3 {
		r.WorkerStarted("A")
	}
	r.WorkerStarted("B")
	r.WorkerStarted("B")

	steps := []struct {
		stage string
		want  StageStatus
	}{
		{"A", StageStatus{Stage: "A", Done: true, ActiveWorkers: 2}},
		{"B", StageStatus{Stage: "B", Done: true, ActiveWorkers: 1}},
		{"A", StageStatus{Stage: "A", Done: true, ActiveWorkers: 1}},
		{"A", StageStatus{Stage: "A", Done: true, ActiveWorkers: 0}},
		{"B", StageStatus{Stage: "B", Done: true, ActiveWorkers: 0}},
	}
	for i, s := range steps {
		if got := r.WorkerDone(s.stage); got != s.want {
			t.Errorf("step %d: WorkerDone(%q) = %+v, want %+v", i, s.stage, got, s.want)
		}
	}
	// Only started workers count: a worker whose start failed never
	// called WorkerStarted.
	r.WorkerStarted("B")
	if got, want := r.WorkerDone("B"), (StageStatus{Stage: "B", Done: true, ActiveWorkers: 0}); got != want {
		t.Errorf("WorkerDone(B) = %+v, want %+v", got, want)
	}
}

func TestWorkerDoneConcurrent(t *testing.T) {
	const n = 16
	r, err := NewRun(t.Context(), "P", []StageConfig{{Name: "S", Workers: n, MaxSize: 1}, {Name: "T", Workers: n, MaxSize: 1}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	left := map[string][]int{}
	var started sync.WaitGroup
	started.Add(2 * n)
	for _, stage := range []string{"S", "T"} {
		for range n {
			r.Go(func() {
				r.WorkerStarted(stage)
				started.Done()
				started.Wait() // every worker of both stages runs
				st := r.WorkerDone(stage)
				if st.Stage != stage || !st.Done {
					t.Errorf("WorkerDone(%q) = %+v", stage, st)
				}
				mu.Lock()
				left[stage] = append(left[stage], st.ActiveWorkers)
				mu.Unlock()
			})
		}
	}
	if err := r.Wait(); err != nil {
		t.Fatal(err)
	}
	want := make([]int, n)
	for i := range want {
		want[i] = i
	}
	for _, stage := range []string{"S", "T"} {
		got := left[stage]
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("stage %s: ActiveWorkers seen = %v, want each of 0..%d once", stage, got, n-1)
		}
	}
}

func TestWorkerDoneAfterStop(t *testing.T) {
	r := newWorkerRun(t, t.Context())
	var st [2]StageStatus
	var started sync.WaitGroup
	started.Add(2)
	for w := range 2 {
		r.Go(func() {
			r.WorkerStarted("A")
			started.Done()
			<-r.Done() // the consumer stopped early
			st[w] = r.WorkerDone("A")
		})
	}
	started.Wait()
	r.Stop()
	for w, s := range st {
		if s.Done || s.Stage != "A" {
			t.Errorf("worker %d: WorkerDone after Stop = %+v, want Done false", w, s)
		}
	}
	if st[0].ActiveWorkers+st[1].ActiveWorkers != 1 {
		t.Errorf("ActiveWorkers = %d and %d, want 0 and 1", st[0].ActiveWorkers, st[1].ActiveWorkers)
	}
	// And after Stop, from the caller's goroutine.
	r.WorkerStarted("B")
	if st := r.WorkerDone("B"); st.Done {
		t.Errorf("WorkerDone after Stop = %+v, want Done false", st)
	}
}

func TestWorkerDoneAfterFailure(t *testing.T) {
	r := newWorkerRun(t, t.Context())
	r.WorkerStarted("A")
	r.WorkerStarted("B")
	errBad := errors.New("bad")
	r.Go(func() {
		r.Fail("A", 0, SourceIndex(1), errBad)
		if st := r.WorkerDone("A"); st.Done {
			t.Errorf("WorkerDone of the failed worker = %+v, want Done false", st)
		}
	})
	r.Go(func() {
		<-r.Done()
		if st := r.WorkerDone("B"); st.Done || st.ActiveWorkers != 0 {
			t.Errorf("WorkerDone after another stage failed = %+v, want Done false", st)
		}
	})
	if err := r.Wait(); !errors.Is(err, errBad) {
		t.Errorf("Wait() = %v, want the failure", err)
	}
}

func TestWorkerDoneAfterParentCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	r := newWorkerRun(t, ctx)
	defer r.Stop()
	r.WorkerStarted("A")
	cancel()
	if st := r.WorkerDone("A"); st.Done {
		t.Errorf("WorkerDone after the caller cancelled = %+v, want Done false", st)
	}
}

func TestTimeoutError(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{30 * time.Millisecond, "element ran past the stage's timeout of 30ms"},
		{1500 * time.Millisecond, "element ran past the stage's timeout of 1.5s"},
		{2 * time.Minute, "element ran past the stage's timeout of 2m0s"},
	} {
		if got := (&TimeoutError{Timeout: tt.d}).Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}

	te := &TimeoutError{Timeout: 30 * time.Millisecond}
	var err error = te
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Error("errors.Is(TimeoutError, context.DeadlineExceeded) = false")
	}
	if errors.Is(err, context.Canceled) {
		t.Error("errors.Is(TimeoutError, context.Canceled) = true")
	}

	se := &StageError{Pipeline: "P", Stage: "Patient", Worker: 2, Index: chain(3, 1), Err: te}
	if got, want := se.Error(), "pipeline P: stage Patient, worker 2, element 3.1: element ran past the stage's timeout of 30ms"; got != want {
		t.Errorf("StageError.Error() = %q, want %q", got, want)
	}
	err = fmt.Errorf("caller: %w", se)
	var got *TimeoutError
	if !errors.As(err, &got) || got != te || got.Timeout != 30*time.Millisecond {
		t.Errorf("errors.As(*TimeoutError) through a StageError = %v", got)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Error("errors.Is(context.DeadlineExceeded) through a StageError = false")
	}
}

func TestTimeoutErrorThroughRun(t *testing.T) {
	var dropped atomic.Int32
	r := newWorkerRun(t, t.Context(), OnTimeout(func(string, Index) { dropped.Add(1) }))
	// ontimeout=fail: the stage fails the run instead of dropping.
	r.Go(func() {
		r.Fail("A", 1, SourceIndex(8), &TimeoutError{Timeout: time.Second})
	})
	err := r.Wait()
	se := asStageError(t, err)
	if se.Stage != "A" || se.Worker != 1 || se.Index != SourceIndex(8) {
		t.Errorf("StageError = %+v", se)
	}
	var te *TimeoutError
	if !errors.As(err, &te) || te.Timeout != time.Second {
		t.Errorf("errors.As(*TimeoutError) = %v", te)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Error("errors.Is(context.DeadlineExceeded) = false")
	}
	if n := dropped.Load(); n != 0 {
		t.Errorf("a failing timeout called the OnTimeout callback %d times", n)
	}
}

func TestOnTimeoutDropped(t *testing.T) {
	type drop struct {
		stage string
		index Index
	}
	var mu sync.Mutex
	var got []drop
	r := newWorkerRun(t, t.Context(),
		Workers("A", 5),
		OnTimeout(func(stage string, index Index) {
			mu.Lock()
			got = append(got, drop{stage, index})
			mu.Unlock()
		}),
		MaxSize("B", 0),
	)
	// Other options still apply.
	if r.Workers("A") != 5 || r.MaxSize("B") != 0 {
		t.Errorf("Workers(A) = %d, MaxSize(B) = %d; want 5, 0", r.Workers("A"), r.MaxSize("B"))
	}
	r.Dropped("A", chain(3, 1))
	r.Dropped("B", SourceIndex(0).Branch(1))
	if want := []drop{{"A", chain(3, 1)}, {"B", SourceIndex(0).Branch(1)}}; !slices.Equal(got, want) {
		t.Errorf("callback got %v, want %v", got, want)
	}

	// From the stage's workers, concurrently.
	got = nil
	const n = 50
	for w := range 5 {
		r.Go(func() {
			for i := range n {
				r.Dropped("A", SourceIndex(uint64(w*n+i)))
			}
		})
	}
	if err := r.Wait(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 5*n {
		t.Fatalf("callback called %d times, want %d", len(got), 5*n)
	}
	seen := map[uint64]bool{}
	for _, d := range got {
		if d.stage != "A" || seen[d.index.Source()] {
			t.Fatalf("unexpected or repeated call %v", d)
		}
		seen[d.index.Source()] = true
	}
}

func TestDroppedWithoutCallback(t *testing.T) {
	for name, opts := range map[string][]Option{
		"no options":     nil,
		"other options":  {Workers("A", 1)},
		"OnTimeout(nil)": {OnTimeout(nil)},
	} {
		t.Run(name, func(t *testing.T) {
			r := newWorkerRun(t, t.Context(), opts...)
			defer r.Stop()
			r.Dropped("A", SourceIndex(1)) // must not panic
			if isClosed(r.Done()) {
				t.Error("Dropped stopped the run")
			}
		})
	}
}
