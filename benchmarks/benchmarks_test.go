package benchmarks

import (
	"flag"
	"os/exec"
	"runtime"
	"slices"
	"testing"
	"time"
)

// smallScale is the size the tests run every cell at: N/100.
const smallScale = 0.01

// TestCells runs every cell at a small size and checks its checksum
// against the fused loop's.
func TestCells(t *testing.T) {
	want := map[*Workload]uint64{} // the fused checksums, computed once
	for _, w := range Workloads {
		want[w] = Expected(w, w.Size(smallScale))
	}
	for _, c := range Cells() {
		t.Run(c.Name(), func(t *testing.T) {
			if c.NA != "" {
				t.Skipf("n/a: %s", c.NA)
			}
			n := c.Workload.Size(smallScale)
			got, err := c.Run(n)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Verify(n, got, want[c.Workload]); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestEdgeSizes runs every cell over sources shorter than a batch, of
// exactly one batch and just over, and empty: the edges of the batched
// and ordered code.
func TestEdgeSizes(t *testing.T) {
	for _, c := range Cells() {
		if c.NA != "" || c.Workload == W3 {
			continue // W3 only sleeps
		}
		for _, n := range []int{0, 1, 7, batchSize, batchSize + 1, orderWindow + 3} {
			if err := c.Check(n); err != nil {
				t.Error(err)
			}
		}
	}
}

// TestW4ChecksumSeesOrder checks that W4's checksum changes when two
// elements of the output swap places.
func TestW4ChecksumSeesOrder(t *testing.T) {
	seq := []int{1, 2, 3, 4}
	h := func(vs []int) uint64 {
		x := hashInit
		for _, v := range vs {
			x = mix(x, v)
		}
		return x
	}
	swapped := slices.Clone(seq)
	swapped[1], swapped[2] = swapped[2], swapped[1]
	if h(seq) == h(swapped) {
		t.Fatal("mix is not order-sensitive")
	}
}

// TestCellsAreComplete checks that every cell has a run function or a
// reason for being n/a.
func TestCellsAreComplete(t *testing.T) {
	cells := Cells()
	if want := len(Workloads) * len(Impls); len(cells) != want {
		t.Fatalf("%d cells, want %d", len(cells), want)
	}
	for _, c := range cells {
		if c.run == nil && notApplicable[c.Workload][c.Impl] == "" {
			t.Errorf("%s has neither a run function nor a reason", c.Name())
		}
	}
}

// TestLatency runs the latency row over a short live input: every element
// must arrive once, in order, through the three stages (MeasureLatency
// checks that). The latencies themselves depend on the machine's load and
// are not checked, beyond being measured for each element.
func TestLatency(t *testing.T) {
	const n = 50
	for _, impl := range LatencyImpls {
		t.Run(impl, func(t *testing.T) {
			r, err := MeasureLatency(impl, n, LivePeriod)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Latencies) != n || r.Max <= 0 || r.P50 > r.P99 || r.P99 > r.Max {
				t.Fatalf("%d latencies, p50 %v, p99 %v, max %v", len(r.Latencies), r.P50, r.P99, r.Max)
			}
			if r.Interval < LivePeriod {
				t.Fatalf("the input yielded every %v, faster than every %v", r.Interval, LivePeriod)
			}
		})
	}
}

// TestPercentiles checks the nearest-rank percentiles on 1..100 and on one
// value.
func TestPercentiles(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i))
	}
	if p50, p99, m := Percentiles(ds); p50 != 50 || p99 != 99 || m != 100 {
		t.Errorf("1..100: p50 %d, p99 %d, max %d; want 50, 99, 100", p50, p99, m)
	}
	if p50, p99, m := Percentiles([]time.Duration{7}); p50 != 7 || p99 != 7 || m != 7 {
		t.Errorf("one value 7: p50 %d, p99 %d, max %d", p50, p99, m)
	}
}

// benchScale sizes the benchmarks: go test -bench . -scale 0.1.
var benchScale = flag.Float64("scale", 1, "multiply the workloads' sizes by `factor` in benchmarks")

func BenchmarkW1w1(b *testing.B) { benchWorkload(b, W1w1) }
func BenchmarkW1w4(b *testing.B) { benchWorkload(b, W1w4) }
func BenchmarkW2(b *testing.B)   { benchWorkload(b, W2) }
func BenchmarkW3(b *testing.B)   { benchWorkload(b, W3) }
func BenchmarkW4(b *testing.B)   { benchWorkload(b, W4) }
func BenchmarkW5(b *testing.B)   { benchWorkload(b, W5) }

// BenchmarkLatency runs the latency row (Live.N elements, one per
// LivePeriod, times -scale) for each of its implementations, and reports
// the percentiles of the latencies of all its runs as p50-ns, p99-ns and
// max-ns. One run takes N milliseconds or a little more, so at full size
// the default -benchtime makes one run.
func BenchmarkLatency(b *testing.B) {
	n := Live.Size(*benchScale)
	for _, impl := range LatencyImpls {
		b.Run(impl, func(b *testing.B) {
			var all []time.Duration
			for b.Loop() {
				r, err := MeasureLatency(impl, n, LivePeriod)
				if err != nil {
					b.Fatal(err)
				}
				all = append(all, r.Latencies...)
			}
			p50, p99, maxd := Percentiles(all)
			b.ReportMetric(float64(p50.Nanoseconds()), "p50-ns")
			b.ReportMetric(float64(p99.Nanoseconds()), "p99-ns")
			b.ReportMetric(float64(maxd.Nanoseconds()), "max-ns")
		})
	}
}

// benchWorkload benchmarks every implementation of w, one full pipeline
// run per b.N, reporting time and allocations per source element.
func benchWorkload(b *testing.B, w *Workload) {
	n := w.Size(*benchScale)
	want := Expected(w, n)
	for _, c := range Cells() {
		if c.Workload != w {
			continue
		}
		b.Run(c.Impl, func(b *testing.B) {
			if c.NA != "" {
				b.Skipf("n/a: %s", c.NA)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			for b.Loop() {
				got, err := c.Run(n)
				if err != nil {
					b.Fatal(err)
				}
				if err := c.Verify(n, got, want); err != nil {
					b.Fatal(err)
				}
			}
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			items := float64(b.N) * float64(n)
			b.ReportMetric(float64(elapsed.Nanoseconds())/items, "ns/item")
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/items, "allocs/item")
		})
	}
}

// TestGeneratedCodeIsFresh checks that pg/pipegen_gen.go is what pipegen
// generates from pg today. It builds the pipegen command, which takes
// about a minute on a cold build cache: -short skips it.
func TestGeneratedCodeIsFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not building the pipegen command")
	}
	out, err := exec.Command("go", "tool", "pipegen", "check", "./pg").CombinedOutput()
	if err != nil {
		t.Fatalf("pg/pipegen_gen.go is stale; run go run github.com/pipegen/pipegen/cmd/pipegen ./pg\n%s%v", out, err)
	}
}
