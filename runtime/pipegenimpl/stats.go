package pipegenimpl

import (
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// Counter counts what the goroutines of one stage (or input) send on, and
// how long they wait for room to send it, for the statistics. A nil
// Counter, which is what writers hold when the call keeps no statistics,
// counts nothing.
type Counter struct {
	sent    atomic.Int64
	blocked atomic.Int64 // nanoseconds
}

func (c *Counter) addSent(n int) {
	if c != nil {
		c.sent.Add(int64(n))
	}
}

// stageCounters are the counters of one stage (or input, or the output).
type stageCounters struct {
	out             Counter
	dropped, errors atomic.Int64
	queue           *QueueStats
	full, saturated int // snapshots in which the queue was full, workers all busy
	busyPeak        int
}

// stats is the statistics of one call: counters, and the goroutine that
// reports them.
type stats struct {
	r        *Run
	every    time.Duration
	report   func(pipegen.Snapshot)
	start    time.Time
	inputs   []string
	counters map[string]*stageCounters
	output   *stageCounters

	mu      sync.Mutex // serializes snapshots and guards counters
	samples int        // periodic snapshots taken
	halt    chan struct{}
	halted  chan struct{}
}

func newStats(r *Run, every time.Duration, report func(pipegen.Snapshot)) *stats {
	s := &stats{r: r, every: every, report: report, start: time.Now(), counters: map[string]*stageCounters{},
		output: &stageCounters{}, halt: make(chan struct{}), halted: make(chan struct{})}
	for _, c := range r.stages {
		s.counters[c.Name] = &stageCounters{}
	}
	go s.run()
	return s
}

// Counter returns the counter of what the named stage or input sends on,
// or nil if the call keeps no statistics.
func (r *Run) Counter(name string) *Counter {
	if r.stats == nil {
		return nil
	}
	return &r.stats.of(name).out
}

// Watch tells the statistics, if the call keeps them, that q is the input
// queue of the named stage ("" for the output queue).
func Watch[I any](r *Run, stage string, q *Queue[I]) {
	if r.stats != nil {
		c := r.stats.of(stage)
		r.stats.mu.Lock()
		c.queue = q.Watch()
		r.stats.mu.Unlock()
	}
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

// run reports a snapshot every interval until the call ends. A panic of
// the report fails the call.
func (s *stats) run() {
	defer close(s.halted)
	t := time.NewTicker(s.every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if err := s.deliver(false); err != nil {
				s.r.failWith(err)
				return
			}
		case <-s.halt:
			return
		}
	}
}

// finish stops the periodic reports and delivers the final one, returning
// its failure if it panics.
func (s *stats) finish() error {
	close(s.halt)
	<-s.halted
	if err := s.deliver(true); err != nil {
		return err
	}
	return nil
}

// deliver takes a snapshot and reports it, turning a panic of the report
// into a *pipegen.StageError.
func (s *stats) deliver(final bool) (err *pipegen.StageError) {
	snap := s.snapshot(final)
	defer func() {
		if v := recover(); v != nil {
			e, isErr := v.(error)
			if !isErr {
				e = panicError{v}
			}
			err = &pipegen.StageError{Pipeline: s.r.pipeline, Stage: pipegen.StatsStage, Worker: -1, Err: e, Panic: v, Stack: debug.Stack()}
		}
	}()
	s.report(snap)
	return nil
}

// snapshot reads every counter.
func (s *stats) snapshot(final bool) pipegen.Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := pipegen.Snapshot{Pipeline: s.r.pipeline, Elapsed: time.Since(s.start), Final: final}
	for _, name := range s.inputs {
		snap.Inputs = append(snap.Inputs, pipegen.InputStats{Name: name, Read: s.counters[name].out.sent.Load()})
	}
	if !final {
		s.samples++
	}
	snap.Samples = s.samples
	stage := func(name string, c *stageCounters, cfg StageConfig) pipegen.StageStats {
		st := pipegen.StageStats{Name: name, FusedInto: cfg.FusedInto, Workers: cfg.Workers, Capacity: cfg.MaxSize,
			Out: c.out.sent.Load(), Dropped: c.dropped.Load(), Errors: c.errors.Load(),
			BlockedTime: time.Duration(c.out.blocked.Load())}
		if q := c.queue; q != nil {
			st.In = q.Taken.Load()
			st.Queued = int(max(q.Queued.Load(), 0))
			st.QueuedPeak = int(q.Peak.Load())
			st.IdleTime = time.Duration(q.Idle.Load())
			st.WorkTime = max(time.Duration(q.Busy.Load())-st.BlockedTime, 0)
			if !final {
				st.Busy = max(cfg.Workers-q.Waiting(), 0)
				c.busyPeak = max(c.busyPeak, st.Busy)
				if q.Full.Load() > 0 {
					c.full++
				}
				if st.Busy >= st.Workers {
					c.saturated++
				}
			}
			st.BusyPeak = c.busyPeak
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
		snap.Stages = append(snap.Stages, stage("output", s.output, StageConfig{Name: "output", Workers: 1, MaxSize: s.r.OutputSize()}))
	}
	return snap
}
