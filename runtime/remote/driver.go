package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
	"github.com/pipegen/pipegen/runtime/pipegenimpl"
)

// Driver is the generated description of a distributed pipeline, for the
// process that runs it: its driver.
type Driver[In, Out any] struct {
	Spec *Spec
	// Input is the input's name, as its errors name it.
	Input string
	// Pipeline describes the pipeline to the transport (MaxBatch is set
	// per call).
	Pipeline *pipegen.RemotePipeline
	// FusedInto names, per stage, the head of its group when it is not
	// one, for statistics.
	FusedInto []string
	// Encode writes an input element; Decode reads an output element.
	Encode func(*Writer, In)
	Decode func(*Reader) Out
}

// Run is the driver's side of one call: it sends the elements of in to the
// workers through s.Transport, in batches, and yields what the last stage
// group produced, each output element once (in index order if the
// pipeline is ordered). Its semantics are those of a local call: the
// first failure (a worker's, as a *pipegen.StageError; the input's) ends
// the sequence; a cancelled ctx ends it with exactly ctx.Err(); a break
// stops the run everywhere. Every goroutine it starts has ended when the
// sequence ends.
func (d *Driver[In, Out]) Run(ctx context.Context, s *Settings, in any) iter.Seq2[pipegen.Item[Out], error] {
	return func(yield func(pipegen.Item[Out], error) bool) {
		if err := d.run(ctx, s, in, yield); err != nil {
			yield(pipegen.Item[Out]{}, err)
		}
	}
}

// Wait runs a pipeline that yields nothing (it ends in each) to its end,
// and returns its failure, if any.
func (d *Driver[In, Out]) Wait(ctx context.Context, s *Settings, in any) error {
	return d.run(ctx, s, in, func(pipegen.Item[Out], error) bool { return true })
}

// run runs the call; it returns the error to yield, if any (nil after a
// break).
func (d *Driver[In, Out]) run(ctx context.Context, s *Settings, in any, yield func(pipegen.Item[Out], error) bool) error {
	desc := Configure(d.Pipeline, s)
	run, err := s.Transport.Drive(ctx, desc)
	if err != nil {
		return err
	}
	c := &counts{stages: make([]StageCount, len(d.Spec.Stages))}
	stopStats := d.startStats(s, c)
	rctx, cancel := context.WithCancel(ctx)
	var feedErr error
	fed := make(chan struct{})
	go func() {
		defer close(fed)
		if feedErr = d.feed(rctx, run, desc.MaxBatch, in, c); feedErr != nil {
			cancel()
		}
	}()
	defer func() {
		// Every way out: stop the run everywhere, then wait for the
		// feeder (it may be inside the input, which only it can leave).
		cancel()
		run.Close()
		<-fed
		stopStats()
	}()

	var items []pipegen.Item[Out]
	for {
		batch, err := run.Recv(rctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if rctx.Err() != nil {
				<-fed // it failed, and cancelled rctx
				if feedErr != nil {
					return feedErr
				}
			}
			return err
		}
		items, err = d.decode(batch, items[:0], s, c)
		if err != nil {
			return err
		}
		for _, it := range items {
			// The loop body may have cancelled ctx: yield nothing more
			// then, as a local run does.
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if !yield(it, nil) {
				return nil
			}
		}
	}
	<-fed
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return feedErr
}

// feed encodes the input into batches of size elements and sends them.
func (d *Driver[In, Out]) feed(ctx context.Context, run pipegen.RemoteRun, size int, input any, c *counts) (err error) {
	// A channel input is read until the run stops, even while it is quiet.
	in := seq2(pipegenimpl.Source[In](input, ctx.Done()))
	var i uint64
	defer func() {
		if v := recover(); v != nil {
			perr, isErr := v.(error)
			if !isErr {
				perr = fmt.Errorf("panic: %v", v)
			}
			err = &pipegen.StageError{Pipeline: d.Spec.Pipeline, Stage: d.Input, Worker: -1, Index: pipegen.SourceIndex(i),
				Err: perr, Panic: v, Stack: debug.Stack()}
		}
	}()
	var w BatchWriter
	send := func() error {
		b := w.Finish(nil, nil)
		err := run.Send(ctx, b)
		// A new buffer (the transport may hold the last one), as large.
		w = BatchWriter{Writer: Writer{buf: make([]byte, 0, len(b)+len(b)/8)}}
		w.Begin()
		return err
	}
	w.Begin()
	for v, err := range in {
		if err != nil {
			return &pipegen.StageError{Pipeline: d.Spec.Pipeline, Stage: d.Input, Worker: -1, Index: pipegen.SourceIndex(i), Err: err}
		}
		if i%64 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		w.Record(pipegen.SourceIndex(i))
		d.Encode(&w.Writer, v)
		if err := w.Err(); err != nil {
			return &pipegen.StageError{Pipeline: d.Spec.Pipeline, Stage: d.Input, Worker: -1, Index: pipegen.SourceIndex(i),
				Err: fmt.Errorf("encoding the element: %w", err)}
		}
		i++
		c.read.Add(1)
		if w.Records() >= size {
			if err := send(); err != nil {
				return err
			}
		}
	}
	if w.Records() > 0 {
		if err := send(); err != nil {
			return err
		}
	}
	return run.CloseSend(ctx)
}

// decode reads an output batch into items, in index order if the
// pipeline is ordered, and accounts for its statistics and drops.
func (d *Driver[In, Out]) decode(batch []byte, items []pipegen.Item[Out], s *Settings, c *counts) ([]pipegen.Item[Out], error) {
	r, err := NewBatchReader(batch)
	if err != nil {
		return nil, fmt.Errorf("pipegen: pipeline %s: output batch: %w", d.Spec.Pipeline, err)
	}
	for {
		index, ok := r.Next()
		if !ok {
			break
		}
		items = append(items, pipegen.Item[Out]{Index: index, Value: d.Decode(r.Reader)})
	}
	c.mu.Lock()
	_, drops, err := r.Trailer(c.stages)
	c.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("pipegen: pipeline %s: output batch: %w", d.Spec.Pipeline, err)
	}
	if d.Pipeline.Ordered {
		slices.SortFunc(items, func(a, b pipegen.Item[Out]) int { return pipegen.Compare(a.Index, b.Index) })
	}
	if s.OnTimeout != nil {
		for _, dr := range drops {
			if dr.Stage >= 0 && dr.Stage < len(d.Spec.Stages) {
				s.OnTimeout(d.Spec.Stages[dr.Stage], dr.Index, nil) // the element stayed on the worker
			}
		}
	}
	return items, nil
}

// counts are what the driver learns of a call, for statistics.
type counts struct {
	read   atomic.Int64
	mu     sync.Mutex
	stages []StageCount
}

// startStats starts the statistics of the call, if it asked for them, and
// returns the function that stops them and delivers the final snapshot.
func (d *Driver[In, Out]) startStats(s *Settings, c *counts) (stop func()) {
	if s.StatsReport == nil {
		return func() {}
	}
	start := time.Now()
	samples := 0
	snapshot := func(final bool) pipegen.Snapshot {
		if !final {
			samples++
		}
		snap := pipegen.Snapshot{Pipeline: d.Spec.Pipeline, Elapsed: time.Since(start), Final: final, Samples: samples,
			Inputs: []pipegen.InputStats{{Name: d.Input, Read: c.read.Load()}}}
		c.mu.Lock()
		defer c.mu.Unlock()
		for i, name := range d.Spec.Stages {
			st := pipegen.StageStats{Name: name, FusedInto: d.FusedInto[i]}
			for _, cfg := range s.Stages {
				if cfg.Name == name {
					st.Workers = cfg.Workers
				}
			}
			if i < len(c.stages) {
				st.In, st.Out, st.Dropped = int64(c.stages[i].In), int64(c.stages[i].Out), int64(c.stages[i].Dropped)
				st.WorkTime = c.stages[i].Busy
			}
			snap.Stages = append(snap.Stages, st)
		}
		return snap
	}
	done, ended := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ended)
		t := time.NewTicker(s.StatsEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				s.StatsReport(snapshot(false))
			case <-done:
				return
			}
		}
	}()
	return func() {
		close(done)
		<-ended
		s.StatsReport(snapshot(true))
	}
}
