package cluster_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"

	"github.com/pipegen/pipegen/cluster/internal/testpipe"
)

// The benchmarks of issue 12: what the transport costs per element on a
// tiny stage, and how a CPU-bound stage scales with worker processes.
// TestWriteResults measures both in one run and writes RESULTS.md:
//
//	PIPEGEN_RESULTS=1 go test -run TestWriteResults -count=1 -timeout 20m .

// drain runs a pipeline's sequence to its end and returns how long it
// took.
func drain(tb testing.TB, seq func(func(int, error) bool)) time.Duration {
	tb.Helper()
	start := time.Now()
	for _, err := range seq {
		if err != nil {
			tb.Fatal(err)
		}
	}
	return time.Since(start)
}

// median runs f k times and returns the median of what it returns.
func median(k int, f func() time.Duration) time.Duration {
	var ds []time.Duration
	for range k {
		ds = append(ds, f())
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

const (
	tinyBatch = 4096
	cpuBatch  = 64
	cpuRounds = 250 // about 50 µs per element here
)

func BenchmarkTinyRemote(b *testing.B) {
	e := newEnv(b, 1, "GOMAXPROCS=1")
	in := ints(b.N)
	b.ResetTimer()
	drain(b, testpipe.Tiny(context.Background(), slices.Values(in), pipegen.Remote(e.tr), pipegen.MaxBatch(tinyBatch)))
}

func BenchmarkCPURemote2(b *testing.B) {
	testpipe.Rounds = cpuRounds
	e := newEnv(b, 2, "GOMAXPROCS=1", "PIPEGEN_CPUWORKERS=1", "PIPEGEN_ROUNDS="+strconv.Itoa(cpuRounds))
	in := ints(b.N)
	b.ResetTimer()
	drain(b, testpipe.CPU(context.Background(), slices.Values(in), pipegen.Remote(e.tr), pipegen.MaxBatch(cpuBatch)))
}

func TestWriteResults(t *testing.T) {
	if os.Getenv("PIPEGEN_RESULTS") == "" {
		t.Skip("set PIPEGEN_RESULTS=1 to measure and write RESULTS.md")
	}
	ctx := context.Background()
	loadBefore, _ := os.ReadFile("/proc/loadavg")
	var rows, cpuRows []string
	row := func(format string, args ...any) {
		rows = append(rows, fmt.Sprintf(format, args...))
		t.Log(rows[len(rows)-1])
	}

	// Tiny elements: one worker process, big batches.
	const tinyN = 2_000_000
	tiny := ints(tinyN)
	e := newEnv(t, 1, "GOMAXPROCS=1")
	drain(t, testpipe.Tiny(ctx, slices.Values(tiny[:100_000]), pipegen.Remote(e.tr), pipegen.MaxBatch(tinyBatch))) // warm up
	remoteTiny := median(3, func() time.Duration {
		return drain(t, testpipe.Tiny(ctx, slices.Values(tiny), pipegen.Remote(e.tr), pipegen.MaxBatch(tinyBatch)))
	})
	localTiny := median(3, func() time.Duration { return drain(t, testpipe.Tiny(ctx, slices.Values(tiny))) })
	e.close()
	perTiny := float64(remoteTiny.Nanoseconds()) / tinyN / 1000
	row("| tiny stage (W1-like), %d elements, %d per message, 1 worker process | %.3f µs per element | local pipegen: %.3f µs | target ≤ 0.5 µs: %s |",
		tinyN, tinyBatch, perTiny, float64(localTiny.Nanoseconds())/tinyN/1000, verdict(perTiny <= 0.5))

	// CPU-bound: 1 and 2 worker processes of GOMAXPROCS=1, and local,
	// measured in turn, round after round, so that a change in the
	// machine's load touches all three alike; medians of the rounds. The
	// CPU time of this process (driver and server) and of the workers
	// tells what the two cores allow, whatever else runs on them.
	testpipe.Rounds = cpuRounds
	const cpuN = 64_000
	cpu := ints(cpuN)
	rounds := "PIPEGEN_ROUNDS=" + strconv.Itoa(cpuRounds)
	env1 := newEnv(t, 1, "GOMAXPROCS=1", "PIPEGEN_CPUWORKERS=1", rounds)
	env2 := newEnv(t, 2, "GOMAXPROCS=1", "PIPEGEN_CPUWORKERS=1", rounds)
	perElem := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / cpuN / 1000 }
	for _, size := range cpuBatches {
		remoteCPU := func(e *env) (wall, self, workers time.Duration) {
			s0, w0 := selfCPU(), e.workersCPU()
			wall = drain(t, testpipe.CPU(ctx, slices.Values(cpu), pipegen.Remote(e.tr), pipegen.MaxBatch(size)))
			return wall, selfCPU() - s0, e.workersCPU() - w0
		}
		remoteCPU(env1) // warm up
		remoteCPU(env2)
		var ones, twos, locals, selfs, work1, work2, localCPU []time.Duration
		for range 5 {
			w, _, wk := remoteCPU(env1)
			ones, work1 = append(ones, w), append(work1, wk)
			w, s, wk := remoteCPU(env2)
			twos, selfs, work2 = append(twos, w), append(selfs, s), append(work2, wk)
			s0 := selfCPU()
			locals = append(locals, drain(t, testpipe.CPU(ctx, slices.Values(cpu))))
			localCPU = append(localCPU, selfCPU()-s0)
		}
		med := func(ds []time.Duration) time.Duration { slices.Sort(ds); return ds[len(ds)/2] }
		one, two, local := med(ones), med(twos), med(locals)
		batches := (cpuN + size - 1) / size
		d, w1, w2, l := perElem(med(selfs)), perElem(med(work1)), perElem(med(work2)), perElem(med(localCPU))
		row("| CPU-bound (W2-like, %d SHA-256 rounds), %d elements, %d per message | 1 process: %.1f µs per element; 2 processes: %.1f µs; local pipegen (2 workers): %.1f µs | 2 ÷ 1 processes: ×%.2f (target ≥ 1.8: %s); 2 processes ÷ local: ×%.2f (target ≥ 0.9: %s) |",
			cpuRounds, cpuN, size, perElem(one), perElem(two), perElem(local),
			float64(one)/float64(two), verdict(float64(one)/float64(two) >= 1.8),
			float64(local)/float64(two), verdict(float64(local)/float64(two) >= 0.9))
		cpuRows = append(cpuRows, fmt.Sprintf("| %d | %.0f µs (%.2f µs per element) | %.1f µs | %.1f µs | %.1f µs | ×%.2f | ×%.2f |",
			size, float64(med(selfs).Nanoseconds())/float64(batches)/1000, d, w1, w2, l, 2*w1/(w2+d), l/(w2+d)))
	}
	env1.close()
	env2.close()

	var b strings.Builder
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Fprintf(&b, "# cluster benchmarks\n\n")
	fmt.Fprintf(&b, "Written by `PIPEGEN_RESULTS=1 go test -run TestWriteResults -count=1 -timeout 20m .` in cluster/ (%s, %s/%s, %d cores, %s; medians of 3 runs for tiny elements and of 5 rounds for CPU-bound work, all in one run of the test). ",
		time.Now().UTC().Format("2006-01-02"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	fmt.Fprintf(&b, "The driver and the embedded JetStream server (file storage) share the test process; worker processes are the test binary re-executed with GOMAXPROCS=1, one goroutine running the stage; everything runs on the same cores, shared with whatever else the machine runs (load average at the start: %s; at the end: %s). Throughput is end to end: the driver encodes and publishes the input, workers fetch, decode, run, encode and publish, the driver receives and decodes.\n\n", strings.TrimSpace(string(loadBefore)), strings.TrimSpace(string(load)))
	fmt.Fprintf(&b, "| workload | measured | ratio or target |\n|---|---|---|\n")
	for _, r := range rows {
		b.WriteString(r + "\n")
	}
	fmt.Fprintf(&b, "\n## Where the CPU goes (CPU-bound runs, same run)\n\n")
	fmt.Fprintf(&b, "CPU time, not wall time, so that other load on the machine does not count: of this process (driver and embedded server, in the 2-process runs) per message of input, and of the worker processes per element, against local pipegen's per element. With 2 cores, 1 worker process runs at the speed of its own CPU time (driver and server fit on the other core), while 2 processes and the driver and server share both cores: the best 2 ÷ 1 ratio is 2 × workers(1) ÷ (workers(2) + driver and server), and the best ratio to local pipegen is local ÷ (workers(2) + driver and server).\n\n")
	fmt.Fprintf(&b, "| elements per message | driver and server CPU per message | workers' CPU per element, 1 process | same, 2 processes | local pipegen's CPU per element | best 2 ÷ 1 on 2 cores | best 2 processes ÷ local on 2 cores |\n|---|---|---|---|---|---|---|\n")
	for _, r := range cpuRows {
		b.WriteString(r + "\n")
	}
	if err := os.WriteFile("RESULTS.md", []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// cpuBatches are the message sizes of the CPU-bound benchmark: the
// prototype's 64, pipegen's default 256, and 1024.
var cpuBatches = []int{64, 256, 1024}

// selfCPU is the CPU time this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// workersCPU is the CPU time the worker processes have used, summed over
// their threads (nanoseconds, from /proc/PID/task/TID/schedstat).
func (e *env) workersCPU() time.Duration {
	var d time.Duration
	for _, p := range e.workers {
		tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", p.cmd.Process.Pid))
		for _, f := range tasks {
			b, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			var ns int64
			if _, err := fmt.Sscan(string(b), &ns); err == nil {
				d += time.Duration(ns)
			}
		}
	}
	return d
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "missed"
}
