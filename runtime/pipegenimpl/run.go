package pipegenimpl

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
	"github.com/pipegen/pipegen/runtime/internal/config"
)

// StageConfig is a stage's settings as its directives give them; the
// generated code lists one per stage, and options may change them for one
// call.
type StageConfig = config.StageConfig

// Run is one call of a generated pipeline. It owns the goroutines of the
// call, the context they share, and the first failure among them.
//
// A Run stops when any goroutine fails (see [Run.Fail]), when the caller's
// context is cancelled, or when the consumer stops early ([Run.Stop]). In
// each case the run's context is cancelled and [Run.Done] is closed: every
// wait of generated code also watches Done, so every goroutine ends
// promptly, and [Run.Wait] returns once they all have.
type Run struct {
	pipeline  string
	stages    []StageConfig
	opts      *config.Options
	onTimeout func(stage string, index pipegen.Index, element any)
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
	// [Run.Stopped]. watching is closed when the goroutine that sets it
	// on the caller's cancellation has ended.
	halted   atomic.Bool
	watching chan struct{}
	ended    sync.Once
}

// NewRun starts the bookkeeping of one call of the pipeline named pipeline,
// whose stages are configured by stages and changed by opts. It fails only
// when opts do not fit the pipeline.
func NewRun(ctx context.Context, pipeline string, stages []StageConfig, opts []pipegen.Option) (*Run, error) {
	fs := make([]func(*config.Options), len(opts))
	for i, o := range opts {
		fs[i] = o
	}
	resolved, o, err := config.Apply(pipeline, stages, fs)
	if err != nil {
		return nil, err
	}
	r := &Run{pipeline: pipeline, stages: resolved, opts: o, parent: ctx,
		active: make([]atomic.Int64, len(resolved)), watching: make(chan struct{})}
	if f, ok := o.OnTimeout.(func(string, pipegen.Index, any)); ok {
		r.onTimeout = f
	}
	r.ctx, r.cancel = context.WithCancel(ctx)
	// The run's context ends when the caller's does or the run stops; this
	// goroutine makes Stopped see the first, and ends with the run.
	go func() {
		defer close(r.watching)
		<-r.ctx.Done()
		r.halted.Store(true)
	}()
	if report, ok := o.StatsReport.(func(pipegen.Snapshot)); ok && report != nil {
		r.stats = newStats(r, o.StatsEvery, report)
	}
	return r, nil
}

// MaxBatch is the largest batch the run's queues move at once.
func (r *Run) MaxBatch() int {
	if r.opts.MaxBatch == 0 {
		return pipegen.DefaultMaxBatch
	}
	return r.opts.MaxBatch
}

// OutputSize is the capacity of the queue the caller reads.
func (r *Run) OutputSize() int {
	if !r.opts.OutputSizeSet {
		return pipegen.DefaultMaxSize
	}
	return r.opts.OutputSize
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

// stage returns the settings of the named stage, which must be one of the
// pipeline's (generated code guarantees it).
func (r *Run) stage(name string) *StageConfig {
	return &r.stages[config.Index(r.stages, name)]
}

// Workers returns the number of workers of the named stage for this run.
func (r *Run) Workers(stage string) int { return r.stage(stage).Workers }

// MaxSize returns the input queue capacity of the named stage for this run.
func (r *Run) MaxSize(stage string) int { return r.stage(stage).MaxSize }

// Timeout returns the per-element deadline of the named stage for this
// run.
func (r *Run) Timeout(stage string) time.Duration { return r.stage(stage).Timeout }

// Stopped reports whether the run has stopped, for whatever reason. It is
// an atomic load: generated code checks it for every element, so that a
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
func (r *Run) Fail(stage string, worker int, index pipegen.Index, err error) {
	r.failWith(&pipegen.StageError{Pipeline: r.pipeline, Stage: stage, Worker: worker, Index: index, Err: err})
}

// FailHook records that the start function or done method hook of a
// worker failed with err, and stops the run.
func (r *Run) FailHook(stage string, worker int, hook string, err error) {
	r.failWith(&pipegen.StageError{Pipeline: r.pipeline, Stage: stage, Worker: worker, Hook: hook, Err: err})
}

func (r *Run) failWith(se *pipegen.StageError) {
	if r.stats != nil {
		r.stats.of(se.Stage).errors.Add(1)
	}
	if r.parent.Err() != nil {
		r.fail(r.parent.Err())
		return
	}
	r.fail(se)
}

// Guard watches one goroutine of a run that calls user code, so that a
// panic, or an exit through runtime.Goexit, becomes the run's failure.
// Generated code declares one per goroutine, defers [Run.Recover] with it,
// and sets Returned on its way out of its loop:
//
//	g := pipegenimpl.Guard{Stages: names, Worker: worker, At: at}
//	defer r.Recover(&g)
//	…
//	g.Returned = true
type Guard struct {
	// Stages names the stages the goroutine runs, in the order of a fused
	// chain; Step is the one running now. An input's feeder has one stage,
	// the input's name.
	Stages []string
	Step   int
	// Worker is the worker's number, -1 for an input's feeder.
	Worker int
	// Hook names the worker hook running, if one is.
	Hook string
	// At returns the index of the element that step of the chain is
	// working on.
	At func(step int) pipegen.Index
	// Returned is set when the goroutine leaves its loop normally.
	Returned bool
}

// Recover turns a panic of the calling goroutine, or its exit through
// runtime.Goexit, into the run's failure. It must be deferred (see
// [Guard]).
func (r *Run) Recover(g *Guard) {
	v := recover()
	if v == nil && g.Returned {
		return
	}
	stage := g.Stages[g.Step]
	if v == nil {
		err := fmt.Errorf("%s exited through runtime.Goexit (as t.FailNow does) instead of returning", what(g))
		r.failWith(&pipegen.StageError{Pipeline: r.pipeline, Stage: stage, Worker: g.Worker, Index: g.index(), Hook: g.Hook, Err: err})
		return
	}
	if g.Worker < 0 && r.Stopped() && continuedIteration(v) {
		// The input went on after the feeder had told it to stop, because
		// the run had stopped: the run's own reason stands.
		return
	}
	r.panicked(stage, g.Worker, g.index(), g.Hook, v)
}

// what describes what ran when a goroutine exited through Goexit.
func what(g *Guard) string {
	switch {
	case g.Hook != "":
		return "hook " + g.Hook
	case g.Worker < 0:
		return "the input"
	}
	return "the stage"
}

func (g *Guard) index() pipegen.Index {
	if g.At == nil || g.Hook != "" {
		return pipegen.Index{}
	}
	return g.At(g.Step)
}

// continuedIteration reports whether v is the Go runtime's panic for an
// iterator that called yield again after it returned false.
func continuedIteration(v any) bool {
	err, ok := v.(runtime.Error)
	return ok && strings.Contains(err.Error(), "range function continued iteration")
}

// panicked records the panic value v as the run's failure.
func (r *Run) panicked(stage string, worker int, index pipegen.Index, hook string, v any) {
	err, isErr := v.(error)
	if !isErr {
		err = panicError{v}
	}
	r.failWith(&pipegen.StageError{
		Pipeline: r.pipeline,
		Stage:    stage,
		Worker:   worker,
		Index:    index,
		Hook:     hook,
		Err:      err,
		Panic:    v,
		Stack:    debug.Stack(),
	})
}

// panicError describes a panic value that is not an error.
type panicError struct {
	value any
}

func (p panicError) Error() string {
	return fmt.Sprintf("panic: %v", p.value)
}

// Dropped records that stage dropped the element value at index because its
// function ran past the stage's timeout (pypeln's semantics): it tells the
// OnTimeout callback, if any.
func (r *Run) Dropped(stage string, index pipegen.Index, value any) {
	if r.stats != nil {
		r.stats.of(stage).dropped.Add(1)
	}
	if r.onTimeout != nil {
		r.onTimeout(stage, index, value)
	}
}

// WantsDropped reports whether anyone hears of dropped elements: without
// statistics or an OnTimeout callback, generated code skips building what
// [Run.Dropped] takes.
func (r *Run) WantsDropped() bool {
	return r.onTimeout != nil || r.stats != nil
}

// errElementTimeout is the cause of an element's context when its stage's
// deadline passed, which tells it from the caller's deadline.
var errElementTimeout = errors.New("the stage's per-element timeout passed")

// WithTimeout returns the context of one element of a stage with a
// timeout, d from now.
func WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, d, errElementTimeout)
}

// Expired reports whether the per-element deadline of ctx, made by
// [WithTimeout], has passed: not the caller's deadline, nor a stop.
func Expired(ctx context.Context) bool {
	return ctx.Err() != nil && context.Cause(ctx) == errElementTimeout
}

// WorkerStarted records that a worker of stage has started (its start
// function succeeded); [Run.WorkerDone] records its end.
func (r *Run) WorkerStarted(stage string) {
	r.active[config.Index(r.stages, stage)].Add(1)
}

// WorkerDone records that a started worker of stage is ending and returns
// the status to pass to its done method.
func (r *Run) WorkerDone(stage string) pipegen.StageStatus {
	left := r.active[config.Index(r.stages, stage)].Add(-1)
	return pipegen.StageStatus{Stage: stage, Done: !r.Stopped() && r.ctx.Err() == nil, ActiveWorkers: int(left)}
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
// after [Run.Wait]. A panic of the final statistics report, which runs
// here, in the caller's goroutine, is raised again as a
// [*pipegen.StageError].
func (r *Run) Stop() {
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
	r.halted.Store(true)
	r.cancel()
	if err := r.end(); err != nil {
		panic(err)
	}
}

// end waits for every goroutine of the run, then delivers the final
// statistics, once; it returns the failure of that report, if it panics.
func (r *Run) end() error {
	r.wg.Wait()
	r.cancel()
	<-r.watching
	var err error
	r.ended.Do(func() {
		if r.stats != nil {
			err = r.stats.finish()
		}
	})
	return err
}

// Wait waits for every goroutine of the run to end and returns the run's
// failure: a [*pipegen.StageError]; else the context's error if the
// caller's context is done (the run may have been cut short; a run
// cancelled just as it completed also reports it, erring on the side of
// telling); else nil.
func (r *Run) Wait() error {
	final := r.end()
	r.mu.Lock()
	r.stopped = true
	err := r.err
	r.mu.Unlock()
	r.halted.Store(true)
	if err == nil {
		err = final
	}
	if err == nil {
		err = r.parent.Err()
	}
	return err
}

// String names the run, for debugging.
func (r *Run) String() string {
	return fmt.Sprintf("pipegenimpl.Run(%s)", r.pipeline)
}

// Ended reports whether the run's context has ended: the caller cancelled
// it or its deadline passed, or the run stopped. [Run.Stopped] sees the
// caller's end only a moment later; generated code asks Ended after a
// stage call that took the context, and passes nothing on that such a call
// returned once it ended (the function may have cut its work short).
func (r *Run) Ended() bool {
	return r.ctx.Err() != nil
}
