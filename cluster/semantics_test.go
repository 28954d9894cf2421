package cluster_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"

	"github.com/pipegen/pipegen/cluster/internal/testpipe"
)

// collect runs Squares with opts and returns its values and indices.
func collect(t *testing.T, ctx context.Context, in []int, opts ...pipegen.Option) (values []int, indices []string, err error) {
	t.Helper()
	for it, err := range testpipe.SquaresWithIndex(ctx, slices.Values(in), opts...) {
		if err != nil {
			return values, indices, err
		}
		values = append(values, it.Value)
		indices = append(indices, it.Index.String()+"="+itoa(it.Value))
	}
	return values, indices, nil
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestDistributedMatchesLocal: the same multiset of outputs with the same
// indices as a local run; ordered gives exactly the local order; a run
// leaves nothing in the stream and no driver goroutine.
func TestDistributedMatchesLocal(t *testing.T) {
	parallel(t)
	e := newEnv(t, 2)
	ctx := context.Background()
	in := ints(3000)
	local, localIdx, err := collect(t, ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	dist, distIdx, err := collect(t, ctx, in, pipegen.Remote(e.tr), pipegen.MaxBatch(64))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sorted(local), sorted(dist)) {
		t.Errorf("multisets differ: local %d elements, distributed %d", len(local), len(dist))
	}
	if !slices.Equal(sorted(localIdx), sorted(distIdx)) {
		t.Errorf("indices differ")
	}
	checkNoDriverGoroutine(t)
	e.waitEmpty("Squares")

	var localOrder, distOrder []testpipe.Result
	for r, err := range testpipe.InOrder(ctx, slices.Values(in)) {
		if err != nil {
			t.Fatal(err)
		}
		localOrder = append(localOrder, r)
	}
	for r, err := range testpipe.InOrder(ctx, slices.Values(in), pipegen.Remote(e.tr), pipegen.MaxBatch(50)) {
		if err != nil {
			t.Fatal(err)
		}
		distOrder = append(distOrder, r)
	}
	if !slices.Equal(localOrder, distOrder) {
		t.Errorf("ordered: distributed order differs from local (%d and %d elements)", len(localOrder), len(distOrder))
	}
	checkNoDriverGoroutine(t)
}

// TestRemoteStageErrorAndPanic: a stage's error or panic in a worker fails
// the driver's call with a *pipegen.StageError naming stage and element.
func TestRemoteStageErrorAndPanic(t *testing.T) {
	parallel(t)
	e := newEnv(t, 1)
	ctx := context.Background()
	for _, c := range []struct {
		bad   int
		panic bool
		msg   string
	}{{testpipe.Fail, false, "element -1 fails"}, {testpipe.Panic, true, "element -2 panics"}} {
		in := append(ints(500), c.bad)
		in = append(in, ints(500)...)
		_, _, err := collect(t, ctx, in, pipegen.Remote(e.tr), pipegen.MaxBatch(16))
		var se *pipegen.StageError
		if !errors.As(err, &se) {
			t.Fatalf("error %v (%T), want a *pipegen.StageError", err, err)
		}
		if se.Pipeline != "Squares" || se.Stage != "Square" || se.Index.String() != "500" || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("error %+v: want pipeline Squares, stage Square, element 500, %q", se, c.msg)
		}
		if c.panic && (se.Panic == nil || !strings.Contains(string(se.Stack), "testpipe.Square")) {
			t.Errorf("panic: value %v, stack %q: want the value and the worker's stack", se.Panic, se.Stack)
		}
		checkNoDriverGoroutine(t)
	}
}

// TestCancelAndBreak: cancel and break return promptly, leave no driver
// goroutine and no message of the run in the stream, and the next run on
// the same workers runs as usual.
func TestCancelAndBreak(t *testing.T) {
	parallel(t)
	e := newEnv(t, 2, "PIPEGEN_DELAY=1ms")
	in := ints(2000)

	// Break after the first results.
	n := 0
	start := time.Now()
	for _, err := range testpipe.Squares(context.Background(), slices.Values(in), pipegen.Remote(e.tr), pipegen.MaxBatch(8)) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 10 {
			break
		}
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("break took %v", d)
	}
	checkNoDriverGoroutine(t)
	e.waitEmpty("Squares")

	// Cancel once results flow.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var err error
	n = 0
	for _, err = range testpipe.Squares(ctx, slices.Values(in), pipegen.Remote(e.tr), pipegen.MaxBatch(8)) {
		if err != nil {
			break
		}
		if n++; n == 10 {
			cancel()
		}
	}
	if err != context.Canceled {
		t.Errorf("after cancel: %v, want exactly context.Canceled", err)
	}
	checkNoDriverGoroutine(t)
	e.waitEmpty("Squares")

	// The next run is whole.
	got, _, err := collect(t, context.Background(), ints(300), pipegen.Remote(e.tr), pipegen.MaxBatch(8))
	if err != nil || len(got) != 300 {
		t.Fatalf("next run: %d results, %v; want 300", len(got), err)
	}
}

// TestTwoDrivers: two drivers run the same pipeline at once on the same
// workers, each gets exactly its own results.
func TestTwoDrivers(t *testing.T) {
	parallel(t)
	e := newEnv(t, 2)
	inputs := [][]int{ints(1500), make([]int, 1500)}
	for i := range inputs[1] {
		inputs[1][i] = 100001 + 2*i
	}
	var wg sync.WaitGroup
	results := make([][]int, 2)
	errs := make([]error, 2)
	for d := range 2 {
		wg.Go(func() {
			results[d], _, errs[d] = collect(t, context.Background(), inputs[d], pipegen.Remote(e.tr), pipegen.MaxBatch(32))
		})
	}
	wg.Wait()
	for d := range 2 {
		if errs[d] != nil {
			t.Fatal(errs[d])
		}
		want, _, _ := collect(t, context.Background(), inputs[d])
		if !slices.Equal(sorted(want), sorted(results[d])) {
			t.Errorf("driver %d: %d results, want %d: not its own", d, len(results[d]), len(want))
		}
	}
}

// TestFingerprintMismatch: a worker built from another shape of the
// pipeline refuses the run with a clear error.
func TestFingerprintMismatch(t *testing.T) {
	parallel(t)
	e := newEnv(t, 0)
	e.startWorker("PIPEGEN_WORKER=other")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, _, err := collect(t, ctx, ints(10), pipegen.Remote(e.tr))
	if err == nil || !strings.Contains(err.Error(), "another version of the pipeline") {
		t.Fatalf("error %v, want a refusal naming the fingerprints", err)
	}
}

// TestTimeoutsHooksAndStats: a remote timeout drops the element and the
// driver's OnTimeout hears of it; Stats reports on the driver.
func TestTimeoutsHooksAndStats(t *testing.T) {
	parallel(t)
	e := newEnv(t, 1)
	var mu sync.Mutex
	var dropped []string
	var final pipegen.Snapshot
	var got []int
	for v, err := range testpipe.Tracked(context.Background(), slices.Values([]int{1, 2, 0, 3}), pipegen.Remote(e.tr),
		pipegen.OnTimeout(func(stage string, i pipegen.Index, _ any) {
			mu.Lock()
			dropped = append(dropped, stage+" "+i.String())
			mu.Unlock()
		}),
		pipegen.Stats(time.Hour, func(s pipegen.Snapshot) {
			if s.Final {
				final = s
			}
		})) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if !slices.Equal(sorted(got), []int{1, 2, 3}) || !slices.Equal(dropped, []string{"Track 2"}) {
		t.Errorf("got %v, dropped %v; want [1 2 3], [Track 2]", got, dropped)
	}
	if len(final.Stages) != 1 || final.Stages[0].In != 4 || final.Stages[0].Out != 3 || final.Stages[0].Dropped != 1 || final.Inputs[0].Read != 4 {
		t.Errorf("final statistics %+v: want 4 read, Track 4 in, 3 out, 1 dropped", final)
	}
}
