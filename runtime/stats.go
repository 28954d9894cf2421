package pipegen

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Stats makes the call report how its stages are doing: every interval
// (at least a millisecond), and once more when the call ends, it passes
// report a [Snapshot] of per-stage counters and of the queues between the
// stages. report runs on a goroutine of its own, never two at once; the
// final snapshot (Final set) is delivered before the call returns. The
// snapshots answer the question of which stage holds the pipeline back:
// see [Snapshot.Bottleneck].
//
// Without this option a pipeline keeps no statistics: generated code checks
// a nil pointer once per batch of elements, and that is all it costs.
func Stats(interval time.Duration, report func(Snapshot)) Option {
	return func(o *options) {
		o.statsEvery = max(interval, time.Millisecond)
		o.statsReport = report
	}
}

// Snapshot is the state of one call of a pipeline at one moment.
type Snapshot struct {
	// Pipeline is the pipeline's name.
	Pipeline string
	// Elapsed is the time since the call started.
	Elapsed time.Duration
	// Final is set on the last snapshot, taken when every goroutine of
	// the call has ended.
	Final bool
	// Samples is the number of periodic snapshots taken so far, over
	// which StageStats.Full and Saturated are computed.
	Samples int
	// Inputs are the pipeline's inputs, in the order of its parameters.
	Inputs []InputStats
	// Stages are the pipeline's stages, upstream first; the last entry,
	// named "output", is the queue the caller reads (absent for a
	// pipeline ending in each).
	Stages []StageStats
}

// InputStats counts what a pipeline read from one of its inputs.
type InputStats struct {
	Name string
	// Read is the number of elements read from the input.
	Read int64
}

// StageStats is the state of one stage (or of the output queue).
type StageStats struct {
	// Name is the stage's name, as options and errors name it.
	Name string
	// FusedInto names the stage whose workers run this one; its counters
	// are then part of that stage's, and its own are zero.
	FusedInto string
	// Workers is the number of workers.
	Workers int
	// In counts the elements its workers took from its input queue; Out
	// those they sent on (after filters, flatmaps and fused stages).
	In, Out int64
	// Dropped counts the elements dropped by a timeout; Errors the
	// failures (errors and panics) of its workers.
	Dropped, Errors int64
	// Queued is the number of elements waiting in its input queue, and
	// Capacity the most it holds (maxsize).
	Queued, Capacity int
	// Busy is the number of workers not waiting for input right now:
	// working on elements, or waiting to send them on (0 once the call
	// has ended).
	Busy int
	// BusyTime is the time its workers have spent busy, all together.
	BusyTime time.Duration
	// Full is the share of the snapshots so far (0 to 1) in which its
	// input queue was full (a producer waited for room in it);
	// Saturated the share in which every worker was busy.
	Full, Saturated float64
}

// Bottleneck is a one-line verdict on what holds the pipeline back, from
// the queues that stayed full: the most downstream stage whose input queue
// was full in at least half of the snapshots is the one that keeps up
// least well (the stages upstream of it are waiting for room). If the
// output queue is that one, the caller's loop is the bottleneck; if no
// queue stayed full, the pipeline was waiting for its inputs.
func (s Snapshot) Bottleneck() string {
	if s.Samples == 0 {
		return "bottleneck: unknown (the call ended before the first interval)"
	}
	for i := len(s.Stages) - 1; i >= 0; i-- {
		st := s.Stages[i]
		if st.FusedInto != "" || st.Full < 0.5 {
			continue
		}
		if st.Name == "output" {
			return fmt.Sprintf("bottleneck: the caller's loop (the output queue was full %.0f%% of the time)", 100*st.Full)
		}
		return fmt.Sprintf("bottleneck: stage %s (its input queue was full %.0f%% of the time, all %d workers busy %.0f%%): give it more workers with pipegen.Workers(%q, n) if it can use them",
			st.Name, 100*st.Full, st.Workers, 100*st.Saturated, st.Name)
	}
	return "bottleneck: the input (no queue was full half of the time: the stages waited for elements)"
}

// String formats the snapshot as a table, one line per stage, followed by
// the verdict.
func (s Snapshot) String() string {
	var b strings.Builder
	state := "running"
	if s.Final {
		state = "done"
	}
	fmt.Fprintf(&b, "pipeline %s, %s after %v\n", s.Pipeline, state, s.Elapsed.Round(time.Millisecond))
	for _, in := range s.Inputs {
		fmt.Fprintf(&b, "  input %-12s read %d\n", in.Name, in.Read)
	}
	fmt.Fprintf(&b, "  %-14s %7s %10s %10s %7s %6s %10s %6s %6s %12s\n", "stage", "workers", "in", "out", "dropped", "errors", "queued", "full", "busy", "busy time")
	for _, st := range s.Stages {
		if st.FusedInto != "" {
			fmt.Fprintf(&b, "  %-14s (fused into %s)\n", st.Name, st.FusedInto)
			continue
		}
		fmt.Fprintf(&b, "  %-14s %7d %10d %10d %7d %6d %10s %5.0f%% %6d %12v\n", st.Name, st.Workers, st.In, st.Out, st.Dropped, st.Errors,
			fmt.Sprintf("%d/%d", st.Queued, st.Capacity), 100*st.Full, st.Busy, st.BusyTime.Round(time.Microsecond))
	}
	b.WriteString("  " + s.Bottleneck())
	return b.String()
}

// Counter counts elements for the statistics. Its methods do nothing on a
// nil Counter, which is what generated code holds when the call keeps no
// statistics.
type Counter struct {
	n atomic.Int64
}

// Add adds n.
func (c *Counter) Add(n int) {
	if c != nil {
		c.n.Add(int64(n))
	}
}

// stageCounters are the counters of one stage (or input, or the output).
type stageCounters struct {
	out             Counter
	dropped, errors atomic.Int64
	queue           *Batching
	full, saturated int // snapshots in which the queue was full, workers all busy
}

// stats is the statistics of one call: counters, and the goroutine that
// reports them.
type stats struct {
	r        *Run
	every    time.Duration
	report   func(Snapshot)
	start    time.Time
	inputs   []string
	counters map[string]*stageCounters
	output   *stageCounters

	mu      sync.Mutex // serializes snapshots and guards counters
	samples int        // periodic snapshots taken
	stop    chan struct{}
	stopped chan struct{}
	final   sync.Once
}

func newStats(r *Run, every time.Duration, report func(Snapshot)) *stats {
	s := &stats{r: r, every: every, report: report, start: time.Now(), counters: map[string]*stageCounters{},
		output: &stageCounters{}, stop: make(chan struct{}), stopped: make(chan struct{})}
	for _, c := range r.stages {
		s.counters[c.Name] = &stageCounters{}
	}
	return s
}

// of returns the counters of a stage, an input or the output ("").
func (s *stats) of(name string) *stageCounters {
	s.mu.Lock()
	defer s.mu.Unlock()
	if name == "" {
		return s.output
	}
	c := s.counters[name]
	if c == nil {
		c = &stageCounters{}
		s.counters[name] = c
		s.inputs = append(s.inputs, name)
	}
	return c
}

// watch makes q the input queue of the named stage ("" for the output).
func (s *stats) watch(name string, q *Batching) {
	c := s.of(name)
	s.mu.Lock()
	c.queue = q
	s.mu.Unlock()
}

// run reports a snapshot every interval until the call ends.
func (s *stats) run() {
	defer close(s.stopped)
	t := time.NewTicker(s.every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.report(s.snapshot(false))
		case <-s.stop:
			return
		}
	}
}

// finish stops the periodic reports and delivers the final one.
func (s *stats) finish() {
	s.final.Do(func() {
		close(s.stop)
		<-s.stopped
		s.report(s.snapshot(true))
	})
}

// snapshot reads every counter.
func (s *stats) snapshot(final bool) Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := Snapshot{Pipeline: s.r.pipeline, Elapsed: time.Since(s.start), Final: final}
	for _, name := range s.inputs {
		snap.Inputs = append(snap.Inputs, InputStats{Name: name, Read: s.counters[name].out.n.Load()})
	}
	if !final {
		s.samples++
	}
	snap.Samples = s.samples
	stage := func(name string, c *stageCounters, cfg StageConfig) StageStats {
		st := StageStats{Name: name, FusedInto: cfg.FusedInto, Workers: cfg.Workers, Capacity: cfg.MaxSize,
			Out: c.out.n.Load(), Dropped: c.dropped.Load(), Errors: c.errors.Load()}
		if q := c.queue; q != nil {
			st.In = q.taken.Load()
			st.Queued = int(max(q.queued.Load(), 0))
			st.BusyTime = time.Duration(q.busy.Load())
			if !final {
				st.Busy = max(int(q.consumers-q.waiting.Load()), 0)
				// Full: a producer waits for room.
				if q.full.Load() > 0 {
					c.full++
				}
				if st.Busy >= st.Workers {
					c.saturated++
				}
			}
		}
		if s.samples > 0 {
			st.Full = float64(c.full) / float64(s.samples)
			st.Saturated = float64(c.saturated) / float64(s.samples)
		}
		return st
	}
	for _, cfg := range s.r.stages {
		snap.Stages = append(snap.Stages, stage(cfg.Name, s.counters[cfg.Name], cfg))
	}
	if s.output.queue != nil {
		snap.Stages = append(snap.Stages, stage("output", s.output, StageConfig{Name: "output", Workers: 1, MaxSize: DefaultMaxSize}))
	}
	return snap
}
