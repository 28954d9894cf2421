package benchmarks

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync"
	"time"
)

// Sample is one measured run of a cell.
type Sample struct {
	Elapsed  time.Duration
	Mallocs  uint64 // heap objects allocated during the run (runtime.MemStats.Mallocs delta)
	PeakHeap uint64 // highest heap in use seen during the run, above the level at its start
}

// Result summarizes the runs of a cell.
type Result struct {
	Cell       Cell
	N          int           // source elements per run
	Runs       []Sample      // in run order
	NsPerItem  float64       // median over the runs
	AllocsItem float64       // median over the runs
	PeakHeap   uint64        // the highest over the runs
	Total      time.Duration // wall time of all runs
}

// Measure runs c runs times over 0..n-1, checking each checksum against
// want. Before each run it collects garbage, so that every run starts from
// the same heap; during the run a sampler goroutine reads the heap in use
// every sampleEvery.
func Measure(c Cell, n, runs int, want uint64) (Result, error) {
	r := Result{Cell: c, N: n}
	start := time.Now()
	for range runs {
		s, sum, err := measureOnce(c, n)
		if err != nil {
			return r, fmt.Errorf("%s: %w", c.Name(), err)
		}
		if err := c.Verify(n, sum, want); err != nil {
			return r, err
		}
		r.Runs = append(r.Runs, s)
	}
	r.Total = time.Since(start)
	ns := make([]float64, len(r.Runs))
	allocs := make([]float64, len(r.Runs))
	for i, s := range r.Runs {
		ns[i] = float64(s.Elapsed.Nanoseconds()) / float64(n)
		allocs[i] = float64(s.Mallocs) / float64(n)
		r.PeakHeap = max(r.PeakHeap, s.PeakHeap)
	}
	r.NsPerItem, r.AllocsItem = median(ns), median(allocs)
	return r, nil
}

// sampleEvery is the heap sampler's period.
const sampleEvery = time.Millisecond

func measureOnce(c Cell, n int) (Sample, uint64, error) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	base := heapInUse()
	stop := startHeapSampler()
	t0 := time.Now()
	sum, err := c.Run(n)
	elapsed := time.Since(t0)
	peak := stop()
	runtime.ReadMemStats(&after)
	s := Sample{Elapsed: elapsed, Mallocs: after.Mallocs - before.Mallocs}
	if peak > base {
		s.PeakHeap = peak - base
	}
	return s, sum, err
}

// heapMetrics are the runtime/metrics whose sum is MemStats.HeapInuse:
// bytes in spans holding objects (live or not yet swept), free or not.
var heapMetrics = []string{"/memory/classes/heap/objects:bytes", "/memory/classes/heap/unused:bytes"}

// liveMetrics are the runtime/metrics MeasureLive adds up: heap objects and
// goroutine stacks, both part of what a running pipeline holds.
var liveMetrics = []string{"/memory/classes/heap/objects:bytes", "/memory/classes/heap/stacks:bytes"}

// heapInUse reads the heap in use without stopping the world (unlike
// runtime.ReadMemStats).
func heapInUse() uint64 { return readMetrics(heapMetrics) }

// readMetrics reads and adds up the named uint64 metrics.
func readMetrics(names []string) uint64 {
	samples := make([]metrics.Sample, len(names))
	for i, name := range names {
		samples[i].Name = name
	}
	metrics.Read(samples)
	var sum uint64
	for _, s := range samples {
		sum += s.Value.Uint64()
	}
	return sum
}

// startHeapSampler samples heapInUse every sampleEvery until the returned
// function is called; that function returns the highest value seen.
func startHeapSampler() (stop func() uint64) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	var peak uint64
	wg.Go(func() {
		t := time.NewTicker(sampleEvery)
		defer t.Stop()
		for {
			peak = max(peak, heapInUse())
			select {
			case <-t.C:
			case <-done:
				return
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return max(peak, heapInUse())
	}
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// LiveEvery is the period of MeasureLive's forced collections.
const LiveEvery = 50 * time.Millisecond

// LiveResult is what MeasureLive found.
type LiveResult struct {
	N          int
	Elapsed    time.Duration
	PeakLive   uint64 // highest live heap and stacks right after a forced GC, above the level before the run
	MedianLive uint64 // the median of those samples: less sensitive to the number of samples than the peak
	GCs        int    // forced collections during the run
}

// MeasureLive runs c once over 0..n-1 while a goroutine forces a garbage
// collection every LiveEvery and reads the heap objects and goroutine stacks
// right after it: what the pipeline really holds (queues, elements in flight,
// buffers, its goroutines), without the garbage that Measure's peak includes. A pipeline whose memory is
// bounded shows the same peak at n and at 10n; one that accumulates grows
// with n. The forced collections slow the run down a little.
func MeasureLive(c Cell, n int, want uint64) (LiveResult, error) {
	runtime.GC()
	base := readMetrics(liveMetrics)
	done := make(chan struct{})
	var wg sync.WaitGroup
	var samples []float64 // above base
	wg.Go(func() {
		t := time.NewTicker(LiveEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				runtime.GC()
				samples = append(samples, float64(readMetrics(liveMetrics))-float64(base))
			case <-done:
				return
			}
		}
	})
	start := time.Now()
	sum, err := c.Run(n)
	elapsed := time.Since(start)
	close(done)
	wg.Wait()
	r := LiveResult{N: n, Elapsed: elapsed, GCs: len(samples)}
	if len(samples) > 0 {
		r.PeakLive = uint64(max(0, slices.Max(samples)))
		r.MedianLive = uint64(max(0, median(samples)))
	}
	if err != nil {
		return r, fmt.Errorf("%s: %w", c.Name(), err)
	}
	return r, c.Verify(n, sum, want)
}
