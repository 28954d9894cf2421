package pipegen

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// Run is one call of a generated pipeline. It owns the goroutines of the
// call, the context they share, and the first failure among them.
//
// A Run stops when any goroutine fails (see [Run.Fail]), when the caller's
// context is cancelled, or when the consumer stops early ([Run.Stop]). In
// each case the run's context is cancelled and [Run.Done] is closed: every
// send and receive of generated code also waits on Done, so every goroutine
// ends promptly, and [Run.Wait] returns once they all have.
type Run struct {
	pipeline  string
	stages    []StageConfig
	onTimeout func(stage string, index Index)
	maxBatch  int
	stats     *stats // nil unless the call asked for statistics
	// active counts the started workers of each stage, for StageStatus.
	active []atomic.Int64

	parent context.Context
	ctx    context.Context
	cancel context.CancelFunc

	wg sync.WaitGroup

	mu      sync.Mutex
	err     error // the first failure
	stopped bool  // stopped: later failures are consequences, not causes

	// halted is set as soon as the run stops, for the cheap check of
	// [Run.Stopped]; unwatch stops watching the caller's context.
	halted  atomic.Bool
	unwatch func() bool
}

// NewRun starts the bookkeeping of one call of the pipeline named pipeline,
// whose stages are configured by stages and changed by opts. It fails only
// when opts do not fit the pipeline.
func NewRun(ctx context.Context, pipeline string, stages []StageConfig, opts []Option) (*Run, error) {
	resolved, o, err := configure(pipeline, stages, opts)
	if err != nil {
		return nil, err
	}
	r := &Run{pipeline: pipeline, stages: resolved, parent: ctx, onTimeout: o.onTimeout, maxBatch: o.maxBatch, active: make([]atomic.Int64, len(resolved))}
	r.ctx, r.cancel = context.WithCancel(ctx)
	r.unwatch = context.AfterFunc(ctx, func() { r.halted.Store(true) })
	if o.statsReport != nil {
		r.stats = newStats(r, o.statsEvery, o.statsReport)
		go r.stats.run()
	}
	return r, nil
}

// Watch tells the statistics, if the call keeps them, that q is the input
// queue of the named stage ("" for the output queue).
func (r *Run) Watch(stage string, q *Batching) {
	if r.stats != nil {
		q.stats = true
		r.stats.watch(stage, q)
	}
}

// Counter returns the counter of the elements that the named stage or
// input sends on, or nil if the call keeps no statistics.
func (r *Run) Counter(name string) *Counter {
	if r.stats == nil {
		return nil
	}
	return &r.stats.of(name).out
}

// MaxBatch is the largest batch the run's queues move at once (see the
// [MaxBatch] option).
func (r *Run) MaxBatch() int {
	return r.maxBatch
}

// Context returns the run's context, passed to stage functions. It is
// cancelled when the run stops, for whatever reason.
func (r *Run) Context() context.Context {
	return r.ctx
}

// Done returns a channel that is closed when the run stops.
func (r *Run) Done() <-chan struct{} {
	return r.ctx.Done()
}

// Workers returns the number of workers of the named stage for this run.
// stage must be one of the pipeline's stages (generated code guarantees
// it).
func (r *Run) Workers(stage string) int {
	return r.stages[stageIndex(r.stages, stage)].Workers
}

// MaxSize returns the input queue capacity of the named stage for this run.
func (r *Run) MaxSize(stage string) int {
	return r.stages[stageIndex(r.stages, stage)].MaxSize
}

// Stopped reports whether the run has stopped, for whatever reason. It is
// an atomic load: generated workers check it for every element, so that a
// stopped run does not go on with elements that are already queued.
func (r *Run) Stopped() bool {
	return r.halted.Load()
}

// Go runs f in a new goroutine that [Run.Wait] waits for. f must end when
// [Run.Done] is closed.
func (r *Run) Go(f func()) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		f()
	}()
}

// Fail records that worker (-1 for an input) of stage failed with err while
// processing the element at index, and stops the run. Only the first
// failure of a run is kept. A failure after the caller cancelled the context
// is reported as the context's error: it is most likely a consequence. (A
// panic, recorded by [Run.Recover], is not: it is a bug wherever it
// happens, so it is reported as it is.)
func (r *Run) Fail(stage string, worker int, index Index, err error) {
	if r.stats != nil {
		r.stats.of(stage).errors.Add(1)
	}
	if r.parent.Err() != nil {
		r.fail(r.parent.Err())
		return
	}
	r.fail(&StageError{Pipeline: r.pipeline, Stage: stage, Worker: worker, Index: index, Err: err})
}

// Recover turns a panic of the calling goroutine into the run's failure. The
// generated code defers it in every goroutine that calls user code, with a
// pointer to the index of the element being processed:
//
//	defer r.Recover("Stage", worker, &index)
func (r *Run) Recover(stage string, worker int, index *Index) {
	v := recover()
	if v == nil {
		return
	}
	r.panicked(stage, worker, *index, v)
}

// panicked records the panic value v as the run's failure.
func (r *Run) panicked(stage string, worker int, index Index, v any) {
	if r.stats != nil {
		r.stats.of(stage).errors.Add(1)
	}
	err, isErr := v.(error)
	if !isErr {
		err = panicError{v}
	}
	r.fail(&StageError{
		Pipeline: r.pipeline,
		Stage:    stage,
		Worker:   worker,
		Index:    index,
		Err:      err,
		Panic:    v,
		Stack:    debug.Stack(),
	})
}

// Dropped records that stage dropped the element at index because its
// function ran past the stage's timeout (pypeln's semantics): it tells the
// [OnTimeout] callback, if any.
func (r *Run) Dropped(stage string, index Index) {
	if r.stats != nil {
		r.stats.of(stage).dropped.Add(1)
	}
	if r.onTimeout != nil {
		r.onTimeout(stage, index)
	}
}

// RecoverAt is [Run.Recover] for a worker that runs several fused stages:
// stage points to the name of the one running.
func (r *Run) RecoverAt(stage *string, worker int, index *Index) {
	v := recover()
	if v == nil {
		return
	}
	r.panicked(*stage, worker, *index, v)
}

// fail records err as the run's failure unless the run already failed or
// was stopped, and stops the run.
func (r *Run) fail(err error) {
	r.mu.Lock()
	if r.err == nil && !r.stopped {
		r.err = err
	}
	r.stopped = true
	r.mu.Unlock()
	r.halted.Store(true)
	r.cancel()
}

// Stop stops the run without a failure (the consumer has had enough) and
// waits for every goroutine to end. It is safe to call more than once, and
// after [Run.Wait].
func (r *Run) Stop() {
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
	r.halted.Store(true)
	r.cancel()
	r.wg.Wait()
	r.unwatch()
	if r.stats != nil {
		r.stats.finish()
	}
}

// Wait waits for every goroutine of the run to end and returns the run's
// failure: a [*StageError]; else the context's error if the caller's
// context is done (the run may have been cut short; a run cancelled just
// as it completed also reports it, erring on the side of telling); else
// nil.
func (r *Run) Wait() error {
	r.wg.Wait()
	r.unwatch()
	if r.stats != nil {
		r.stats.finish()
	}
	r.mu.Lock()
	err := r.err
	r.stopped = true
	r.mu.Unlock()
	r.halted.Store(true)
	r.cancel()
	if err == nil {
		// Goroutines that saw the caller's cancellation just ended: the
		// run may have been cut short, so the caller must hear of it.
		err = r.parent.Err()
	}
	return err
}

// String names the run, for debugging.
func (r *Run) String() string {
	return fmt.Sprintf("pipegen.Run(%s)", r.pipeline)
}
