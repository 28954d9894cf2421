package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"

	"github.com/pipegen/pipegen/cluster/internal/testpipe"
)

// TestSIGKILLMidRun: a worker process killed mid-run loses no element and
// duplicates none in the output: its batches go to the others after the
// ack deadline, and the driver drops the outputs of batches run twice.
func TestSIGKILLMidRun(t *testing.T) {
	parallel(t)
	e := newEnv(t, 3, "PIPEGEN_DELAY=2ms")
	in := ints(1200)
	want, wantIdx, _ := collect(t, context.Background(), in)
	var got, gotIdx []string
	var values []int
	killed := false
	for it, err := range testpipe.SquaresWithIndex(context.Background(), slices.Values(in), pipegen.Remote(e.tr), pipegen.MaxBatch(8)) {
		if err != nil {
			t.Fatal(err)
		}
		values = append(values, it.Value)
		gotIdx = append(gotIdx, it.Index.String()+"="+itoa(it.Value))
		if len(values) == 100 && !killed {
			killed = true
			// The first worker holds batches now: it has sent results.
			if err := e.workers[0].cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
		}
	}
	_ = got
	if !killed {
		t.Fatal("the run ended before a worker could be killed")
	}
	if !slices.Equal(sorted(want), sorted(values)) {
		t.Errorf("%d results, want %d: elements lost or duplicated", len(values), len(want))
	}
	if !slices.Equal(sorted(wantIdx), sorted(gotIdx)) {
		t.Error("indices differ from the local run's")
	}
	<-e.workers[0].done
	checkNoDriverGoroutine(t)
}

// TestPoisonElement: an element that kills every worker process that runs
// it fails the run after a bounded number of deaths, naming its stage and
// index, instead of killing workers forever. A supervisor restarts dead
// workers, as a deployment would.
func TestPoisonElement(t *testing.T) {
	parallel(t)
	e := newEnv(t, 2, "PIPEGEN_POISONLIMIT=2")
	var restarts atomic.Int64
	stop := make(chan struct{})
	var sup sync.WaitGroup
	sup.Go(func() {
		for i := 0; ; i++ {
			e.mu.Lock()
			workers := slices.Clone(e.workers)
			e.mu.Unlock()
			for _, p := range workers {
				select {
				case <-p.done:
					if p.cmd.ProcessState != nil && !p.cmd.ProcessState.Exited() && restarts.Load() < 8 {
						e.mu.Lock()
						e.workers = slices.DeleteFunc(e.workers, func(q *proc) bool { return q == p })
						e.mu.Unlock()
						restarts.Add(1)
						e.startWorker()
					}
				default:
				}
			}
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
	defer func() {
		close(stop)
		sup.Wait()
	}()
	in := append(ints(100), testpipe.Poison)
	in = append(in, ints(100)...)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := time.Now()
	_, _, err := collect(t, ctx, in, pipegen.Remote(e.tr), pipegen.MaxBatch(10))
	var se *pipegen.StageError
	if !errors.As(err, &se) {
		t.Fatalf("error %v, want a *pipegen.StageError naming the poison element", err)
	}
	if se.Stage != "Square" || se.Index.String() != "100" || !strings.Contains(err.Error(), "poison element") {
		t.Errorf("error %v: want stage Square, element 100, poison", err)
	}
	t.Logf("poison element named after %v and %d worker restarts: %v", time.Since(start).Round(time.Millisecond), restarts.Load(), err)
}

// TestSIGTERMFinishesBatchesAndRunsDoneHooks: a worker stopped with
// SIGTERM finishes (or gives back) the batches it holds, runs its done
// hooks and exits; the run still delivers every element.
func TestSIGTERMFinishesBatchesAndRunsDoneHooks(t *testing.T) {
	parallel(t)
	log := filepath.Join(t.TempDir(), "done.log")
	e := newEnv(t, 2, "PIPEGEN_DELAY=5ms", "PIPEGEN_DONELOG="+log)
	in := ints(600)
	var got []int
	stopped := false
	for v, err := range testpipe.Tracked(context.Background(), slices.Values(in), pipegen.Remote(e.tr), pipegen.MaxBatch(5)) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
		if len(got) == 50 && !stopped {
			stopped = true
			if err := e.workers[0].cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !slices.Equal(sorted(got), in) {
		t.Errorf("%d results, want %d", len(got), len(in))
	}
	p := e.workers[0]
	select {
	case <-p.done:
	case <-time.After(60 * time.Second):
		t.Fatal("the worker did not stop after SIGTERM")
	}
	if p.err != nil {
		t.Errorf("worker exit: %v\n%s", p.err, p.stderr.String())
	}
	b, _ := os.ReadFile(log)
	// Two workers of Track in the stopped process (the other still runs).
	if n := strings.Count(string(b), "done Track\n"); n != 2 {
		t.Errorf("done hooks ran %d times, want 2 (one per worker of the stopped process):\n%s", n, b)
	}
}

// TestMemoryIsFlat: neither the driver's heap nor a worker's grows with
// the input: the window bounds what is in flight. The driver and the
// worker run in processes of their own, fresh for each size, which report
// their peaks.
func TestMemoryIsFlat(t *testing.T) {
	parallel(t)
	run := func(n int) (driver, worker uint64) {
		e := newEnv(t, 1, "PIPEGEN_HEAPSAMPLE=1")
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "PIPEGEN_WORKER=driver", "PIPEGEN_URL="+e.url, "PIPEGEN_N="+strconv.Itoa(n))
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("driver process: %v\n%s", err, errOutput(err))
		}
		var results int
		if _, err := fmt.Sscanf(string(out), "%d results, peak live heap %d", &results, &driver); err != nil || results != n {
			t.Fatalf("driver process: %q (%v), want %d results", out, err, n)
		}
		e.close()
		line := e.workers[0].stderr.String()
		if _, err := fmt.Sscanf(line[strings.Index(line, "peak live heap"):], "peak live heap %d", &worker); err != nil {
			t.Fatalf("worker's report %q: %v", line, err)
		}
		return driver, worker
	}
	d1, w1 := run(20_000)
	d10, w10 := run(200_000)
	t.Logf("peak live heap: driver %d KiB for 20k elements, %d KiB for 200k; worker %d KiB and %d KiB", d1>>10, d10>>10, w1>>10, w10>>10)
	if d10 > d1+d1/2+2<<20 {
		t.Errorf("driver heap grows with the input: %d KiB for 20k elements, %d KiB for 200k", d1>>10, d10>>10)
	}
	if w10 > w1+w1/2+2<<20 {
		t.Errorf("worker heap grows with the input: %d KiB for 20k elements, %d KiB for 200k", w1>>10, w10>>10)
	}
}

// errOutput is the standard error of a process that failed, if kept.
func errOutput(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(ee.Stderr)
	}
	return ""
}
