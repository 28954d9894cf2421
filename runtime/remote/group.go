package remote

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// Spec names a distributed pipeline's stages for the code that runs them.
type Spec struct {
	// Pipeline is the pipeline's name.
	Pipeline string
	// Stages are the names of all its stages, in order; stage numbers in
	// [Step] and [Drop] index this list.
	Stages []string
}

// Step is the bookkeeping of one worker goroutine while it runs a batch:
// which stage runs, on which element (for errors and panics), and what
// each stage did.
type Step struct {
	stage  int
	at     pipegen.Index
	counts []StageCount
	drops  []Drop
	// before, if set, hears of each stage before it runs (see
	// pipegen.RemoteHandler); names are the stages' names.
	before func(string, pipegen.Index)
	names  []string
}

// Enter records that stage (its number in the pipeline) starts on the
// element at index.
func (s *Step) Enter(stage int, index pipegen.Index) {
	s.stage, s.at = stage, index
	s.counts[stage].In++
	if s.before != nil {
		s.before(s.names[stage], index)
	}
}

// Dropped records that the stage entered last dropped its element
// because it ran past the stage's timeout.
func (s *Step) Dropped() {
	s.counts[s.stage].Dropped++
	s.drops = append(s.drops, Drop{Stage: s.stage, Index: s.at})
}

// A GroupHandler runs one stage group over a batch (see [Group]).
type GroupHandler interface {
	Handle(ctx context.Context, worker int, batch []byte, before func(string, pipegen.Index)) ([]byte, error)
}

// Handler is the pipegen.RemoteHandler of a pipeline whose groups, in
// order, are groups.
func Handler(groups ...GroupHandler) pipegen.RemoteHandler {
	return func(ctx context.Context, group, worker int, batch []byte, before func(string, pipegen.Index)) ([]byte, error) {
		if group < 0 || group >= len(groups) {
			return nil, fmt.Errorf("pipegen: no stage group %d (the pipeline has %d)", group, len(groups))
		}
		return groups[group].Handle(ctx, worker, batch, before)
	}
}

// Group is the generated code of one stage group: the stages First to Last
// of the pipeline, which one worker loop runs in turn on each element.
type Group[In, Out any] struct {
	Spec        *Spec
	First, Last int
	// Decode reads an input element, Encode writes an output element.
	Decode func(*Reader) In
	Encode func(*Writer, Out)
	// Run runs the group's stages on the element v at index, calling
	// emit for each element the last stage yields, and returns the
	// error of the stage that failed, if one did. It calls s.Enter before
	// each stage, so that errors and panics name the stage and element.
	Run func(ctx context.Context, s *Step, worker int, index pipegen.Index, v In, emit func(pipegen.Index, Out)) error
}

// Handle runs the group over the elements of batch and returns the
// output batch, or the first failure as a *pipegen.StageError (or
// ctx.Err() once ctx is done: the run was stopped).
func (g *Group[In, Out]) Handle(ctx context.Context, worker int, batch []byte, before func(string, pipegen.Index)) (out []byte, err error) {
	in, err := NewBatchReader(batch)
	if err != nil {
		return nil, err
	}
	s := &Step{stage: g.First, counts: make([]StageCount, len(g.Spec.Stages)), before: before, names: g.Spec.Stages}
	// Sized like the input, so that a map's output rarely grows it.
	w := BatchWriter{Writer: Writer{buf: make([]byte, 0, len(batch)+len(batch)/4+64)}}
	w.Begin()
	emit := func(index pipegen.Index, v Out) {
		w.Record(index)
		g.Encode(&w.Writer, v)
	}
	defer func() {
		if v := recover(); v != nil {
			perr, isErr := v.(error)
			if !isErr {
				perr = fmt.Errorf("panic: %v", v)
			}
			out, err = nil, &pipegen.StageError{Pipeline: g.Spec.Pipeline, Stage: g.Spec.Stages[s.stage], Worker: worker,
				Index: s.at, Err: perr, Panic: v, Stack: debug.Stack()}
		}
	}()
	start := time.Now()
	for n := 0; ; n++ {
		index, ok := in.Next()
		if !ok {
			break
		}
		v := g.Decode(in.Reader)
		if in.Err() != nil {
			break
		}
		// A stopped run's batch is dropped; checked every few elements,
		// as a context's Err takes a lock.
		if n%64 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		s.stage, s.at = g.First, index
		if err := g.Run(ctx, s, worker, index, v, emit); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, &pipegen.StageError{Pipeline: g.Spec.Pipeline, Stage: g.Spec.Stages[s.stage], Worker: worker, Index: s.at, Err: err}
		}
		if err := w.Err(); err != nil {
			return nil, &pipegen.StageError{Pipeline: g.Spec.Pipeline, Stage: g.Spec.Stages[g.Last], Worker: worker, Index: index,
				Err: fmt.Errorf("encoding its result: %w", err)}
		}
	}
	// The counts of the groups upstream, then this group's.
	stats, drops, err := in.Trailer(nil)
	if err != nil {
		return nil, fmt.Errorf("pipegen: stage group %s: input batch: %w", g.Spec.Stages[g.First], err)
	}
	s.counts[g.First].Busy = time.Since(start)
	for i := g.First; i < g.Last; i++ {
		s.counts[i].Out = s.counts[i+1].In
	}
	s.counts[g.Last].Out = uint64(w.Records())
	stats = append(stats, make([]StageCount, max(len(s.counts)-len(stats), 0))...)
	for i := g.First; i <= g.Last; i++ {
		stats[i].In += s.counts[i].In
		stats[i].Out += s.counts[i].Out
		stats[i].Dropped += s.counts[i].Dropped
		stats[i].Busy += s.counts[i].Busy
	}
	return w.Finish(stats, append(drops, s.drops...)), nil
}
