package benchmarks

import (
	"context"
	"fmt"
	"iter"
	"math"
	"regexp"
	"slices"
	"time"

	"github.com/pipegen/pipegen/benchmarks/pg"
)

// The latency row. The other workloads measure throughput; this one
// measures how long an element of a live input takes to come out of the
// pipeline while the pipeline is otherwise idle: an input that yields one
// element every LivePeriod (a socket, a log being written), through three
// map stages with one worker each (pg.Live = Hop1 | Hop2 | Hop3), and for
// each element the time from the moment the input yields it to the moment
// the caller's loop receives it. A pipeline that holds elements back to
// fill batches shows it here, whatever its throughput.

// Live is the latency row: N is how many elements the input yields.
var Live = &Workload{"Live", "live input, 1 element/ms | map | map | map, 1 worker/stage; input→caller latency", 2000}

// LivePeriod is how long the live input waits after each element before
// yielding the next.
const LivePeriod = time.Millisecond

// LatencyImpls lists the implementations of the latency row, in table
// order.
var LatencyImpls = []string{ChanUnbuffered, Pipegen}

// liveRun runs pg.Live's three stages over in, calling recv in the
// caller's goroutine for each element that comes out, in the order it
// comes out.
type liveRun func(ctx context.Context, in iter.Seq[pg.Tick], recv func(pg.Tick)) error

// liveRuns holds the implementations of the latency row.
var liveRuns = map[string]liveRun{
	ChanUnbuffered: chanLive,
	Pipegen:        pipegenLive,
}

// chanLive is the chain of chans.go: a goroutine sending the input on an
// unbuffered channel, then one goroutine per stage, each sending on an
// unbuffered channel.
func chanLive(ctx context.Context, in iter.Seq[pg.Tick], recv func(pg.Tick)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	src := make(chan pg.Tick)
	go func() {
		defer close(src)
		for t := range in {
			select {
			case src <- t:
			case <-ctx.Done():
				return
			}
		}
	}()
	r := pg.NewRelay()
	h1 := mapStage(ctx, src, 1, 0, r.Hop1)
	h2 := mapStage(ctx, h1, 1, 0, r.Hop2)
	h3 := mapStage(ctx, h2, 1, 0, r.Hop3)
	for t := range h3 {
		recv(t)
	}
	return nil
}

// pipegenLive is the generated pipeline with default settings.
func pipegenLive(ctx context.Context, in iter.Seq[pg.Tick], recv func(pg.Tick)) error {
	for t, err := range pg.Live(ctx, in) {
		if err != nil {
			return err
		}
		recv(t)
	}
	return nil
}

// LatencyResult is one measured run of the latency row.
type LatencyResult struct {
	Impl string
	N    int
	// Interval is the mean time between two elements of the input as it
	// ran: LivePeriod, plus how much longer the timer slept, plus the time
	// the input's yield took to return.
	Interval time.Duration
	// Latencies holds each element's latency, in input order.
	Latencies     []time.Duration
	P50, P99, Max time.Duration
}

// MatchLatency returns the implementations of the latency row whose cell
// name ("Live/pipegen", …) matches the regular expression expr (all for
// "").
func MatchLatency(expr string) ([]string, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	var impls []string
	for _, impl := range LatencyImpls {
		if re.MatchString(Live.Name + "/" + impl) {
			impls = append(impls, impl)
		}
	}
	return impls, nil
}

// MeasureLatency runs implementation impl of the latency row over a live
// input of n elements, one every period. It fails unless every element
// arrives exactly once, in input order (each stage has one worker and
// hands elements on in the order it gets them), having gone through the
// three stages.
func MeasureLatency(impl string, n int, period time.Duration) (LatencyResult, error) {
	run, ok := liveRuns[impl]
	if !ok {
		return LatencyResult{}, fmt.Errorf("%s/%s: no such implementation", Live.Name, impl)
	}
	r := LatencyResult{Impl: impl, N: n, Latencies: make([]time.Duration, 0, n)}
	var bad error       // the first element out of place
	start := time.Now() // the clock of every Tick.At: monotonic
	in := func(yield func(pg.Tick) bool) {
		for k := range n {
			if k > 0 {
				time.Sleep(period)
			}
			if !yield(pg.Tick{Seq: k, At: time.Since(start)}) {
				return
			}
		}
	}
	var lastAt time.Duration // the At of the last element received
	recv := func(t pg.Tick) {
		lat := time.Since(start) - t.At
		lastAt = t.At
		switch {
		case bad != nil:
		case t.Seq != len(r.Latencies):
			bad = fmt.Errorf("element %d arrived when %d was due", t.Seq, len(r.Latencies))
		case t.Hops != 3:
			bad = fmt.Errorf("element %d went through %d stages, not 3", t.Seq, t.Hops)
		default:
			r.Latencies = append(r.Latencies, lat)
		}
	}
	err := run(context.Background(), in, recv)
	switch {
	case err != nil:
	case bad != nil:
		err = bad
	case len(r.Latencies) != n:
		err = fmt.Errorf("%d elements of %d arrived", len(r.Latencies), n)
	}
	if err != nil {
		return r, fmt.Errorf("%s/%s: %w", Live.Name, impl, err)
	}
	if n > 1 {
		// The first element was yielded at about 0, the last at its At,
		// which the consumer read from the element itself: the input runs
		// in a goroutine of the pipeline's.
		r.Interval = lastAt / time.Duration(n-1)
	}
	r.P50, r.P99, r.Max = Percentiles(r.Latencies)
	return r, nil
}

// Percentiles returns the median, the 99th percentile and the maximum of
// ds, by the nearest-rank method: the p-th percentile is the smallest
// value that at least p% of ds are not above. It returns zeros for no ds.
func Percentiles(ds []time.Duration) (p50, p99, maxd time.Duration) {
	if len(ds) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := func(p float64) time.Duration {
		return s[max(0, int(math.Ceil(p*float64(len(s))))-1)]
	}
	return rank(0.50), rank(0.99), s[len(s)-1]
}
