package cluster_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
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
	var rows []string
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
	// machine's load touches all three alike; medians of the rounds.
	testpipe.Rounds = cpuRounds
	const cpuN = 8000
	cpu := ints(cpuN)
	rounds := "PIPEGEN_ROUNDS=" + strconv.Itoa(cpuRounds)
	env1 := newEnv(t, 1, "GOMAXPROCS=1", "PIPEGEN_CPUWORKERS=1", rounds)
	env2 := newEnv(t, 2, "GOMAXPROCS=1", "PIPEGEN_CPUWORKERS=1", rounds)
	remoteCPU := func(e *env) time.Duration {
		return drain(t, testpipe.CPU(ctx, slices.Values(cpu), pipegen.Remote(e.tr), pipegen.MaxBatch(cpuBatch)))
	}
	remoteCPU(env1) // warm up
	remoteCPU(env2)
	var ones, twos, locals []time.Duration
	for range 5 {
		ones = append(ones, remoteCPU(env1))
		twos = append(twos, remoteCPU(env2))
		locals = append(locals, drain(t, testpipe.CPU(ctx, slices.Values(cpu))))
	}
	med := func(ds []time.Duration) time.Duration { slices.Sort(ds); return ds[len(ds)/2] }
	one, two, local := med(ones), med(twos), med(locals)
	perElem := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / cpuN / 1000 }
	row("| CPU-bound (W2-like, %d SHA-256 rounds), %d elements, %d per message | 1 process: %.1f µs per element; 2 processes: %.1f µs; local pipegen (2 workers): %.1f µs | 2 ÷ 1 processes: ×%.2f (target ≥ 1.8: %s); 2 processes ÷ local: ×%.2f (target ≥ 0.9: %s) |",
		cpuRounds, cpuN, cpuBatch, perElem(one), perElem(two), perElem(local),
		float64(one)/float64(two), verdict(float64(one)/float64(two) >= 1.8),
		float64(local)/float64(two), verdict(float64(local)/float64(two) >= 0.9))

	var b strings.Builder
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Fprintf(&b, "# cluster benchmarks\n\n")
	fmt.Fprintf(&b, "Written by `PIPEGEN_RESULTS=1 go test -run TestWriteResults -count=1 -timeout 20m .` in cluster/ (%s, %s/%s, %d cores, %s; medians of 3 runs for tiny elements and of 5 rounds for CPU-bound work, all in one run of the test). ",
		time.Now().UTC().Format("2006-01-02"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	fmt.Fprintf(&b, "The driver and the embedded JetStream server (file storage) share the test process; worker processes are the test binary re-executed with GOMAXPROCS=1; everything runs on the same cores, shared with whatever else the machine runs (load average at the end: %s). Throughput is end to end: the driver encodes and publishes the input, workers fetch, decode, run, encode and publish, the driver receives and decodes.\n\n", strings.TrimSpace(string(load)))
	fmt.Fprintf(&b, "| workload | measured | ratio or target |\n|---|---|---|\n")
	for _, r := range rows {
		b.WriteString(r + "\n")
	}
	if err := os.WriteFile("RESULTS.md", []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "missed"
}
