package harness

import (
	"context"
	"iter"
	"sync"
	"sync/atomic"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// current is the run in progress; the generated stage functions and hooks
// report to it. Runs are one at a time.
var current atomic.Pointer[state]

// strays counts calls of stage functions or hooks while no run is in
// progress: work left behind by a run that returned.
var strays atomic.Int64

// call is one call of a stage function.
type call struct {
	V   int
	Idx string // "" when the function does not take its index
}

// workerRec is one successful start hook.
type workerRec struct {
	Func   int
	Worker *pipegen.Worker // nil when start does not take it
	Done   int             // how many times done ran for it
	Status *pipegen.StageStatus
}

// fired is a fault that acted.
type fired struct {
	F   *Fault
	Idx string // the element's index, when the function takes it
}

// state is what one run records.
type state struct {
	spec   *Spec
	g      *Graph
	plan   *Plan
	cancel context.CancelFunc

	elem  map[FV]*Fault
	hooks map[int][]*Fault // start and done faults, by function

	mu          sync.Mutex
	calls       map[int][]call
	fired       []fired
	workers     []*workerRec
	startCalls  map[int]int
	doneCalls   map[int]int
	deadline    map[FV]time.Time // the earliest deadline of an element
	dropped     []string
	droppedAt   map[string]time.Time
	anomalies   []string
	cancelled   bool // the caller's ctx was cancelled by a fault
	timerFired  bool
	onTimeoutIn bool
}

func newState(spec *Spec, g *Graph, plan *Plan, cancel context.CancelFunc) *state {
	s := &state{spec: spec, g: g, plan: plan, cancel: cancel,
		elem: map[FV]*Fault{}, hooks: map[int][]*Fault{},
		calls: map[int][]call{}, startCalls: map[int]int{}, doneCalls: map[int]int{}, deadline: map[FV]time.Time{}, droppedAt: map[string]time.Time{}}
	for _, f := range plan.Faults {
		switch f.Kind {
		case FError, FPanic, FHang, FIterError, FIterPanic, FCancel, FDelay:
			s.elem[FV{f.Func, f.V}] = f
		case FStart, FDone:
			s.hooks[f.Func] = append(s.hooks[f.Func], f)
		}
	}
	return s
}

func (s *state) anomaly(msg string) {
	s.mu.Lock()
	s.anomalies = append(s.anomalies, msg)
	s.mu.Unlock()
}

func (s *state) fire(f *Fault, idx string) {
	s.mu.Lock()
	s.fired = append(s.fired, fired{F: f, Idx: idx})
	s.mu.Unlock()
}

// load returns the run in progress, or nil (counting a stray call).
func load() *state {
	s := current.Load()
	if s == nil {
		strays.Add(1)
	}
	return s
}

func idxString(idx *pipegen.Index) string {
	if idx == nil {
		return ""
	}
	return idx.String()
}

// enter records a call of f on x and acts out the element's fault, if
// any, but for those of a streaming flatmap's iteration. It returns the
// fault's error: an injected one, or for a hanging element, its
// context's. (A function without an error result then returns what it
// would have: the element came late, and pipegen must drop it or discard
// it.)
func (s *state) enter(ctx context.Context, f *Func, idx *pipegen.Index, x int) error {
	is := idxString(idx)
	s.mu.Lock()
	s.calls[f.ID] = append(s.calls[f.ID], call{V: x, Idx: is})
	s.mu.Unlock()
	ft := s.elem[FV{f.ID, x}]
	if ft == nil {
		return nil
	}
	switch ft.Kind {
	case FDelay:
		s.fire(ft, is)
		time.Sleep(ft.D)
	case FCancel:
		s.fire(ft, is)
		s.mu.Lock()
		s.cancelled = true
		s.mu.Unlock()
		s.cancel()
	case FError:
		s.fire(ft, is)
		return ft.Err()
	case FPanic:
		s.fire(ft, is)
		panic(ft.PanicValue())
	case FHang:
		if streaming(f) {
			return nil // in the iteration
		}
		s.fire(ft, is)
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

// leave records the element's deadline, if any, when f returns on x: the
// earliest of the calls on x.
func (s *state) leave(ctx context.Context, f *Func, x int) {
	if ctx == nil {
		return
	}
	dl, ok := ctx.Deadline()
	if !ok {
		return
	}
	s.mu.Lock()
	if old, seen := s.deadline[FV{f.ID, x}]; !seen || dl.Before(old) {
		s.deadline[FV{f.ID, x}] = dl
	}
	s.mu.Unlock()
}

// Map is the body of map stage function id on x. ctx and idx are nil
// when the function does not take them.
func Map(ctx context.Context, id int, idx *pipegen.Index, x int) (int, error) {
	s := load()
	if s == nil {
		return 0, nil
	}
	f := s.spec.Func(id)
	defer s.leave(ctx, f, x)
	if err := s.enter(ctx, f, idx, x); err != nil && f.Err {
		return 0, err
	}
	return f.mapOne(x), nil
}

// Filter is the body of filter stage function id on x.
func Filter(ctx context.Context, id int, idx *pipegen.Index, x int) (bool, error) {
	s := load()
	if s == nil {
		return false, nil
	}
	f := s.spec.Func(id)
	defer s.leave(ctx, f, x)
	if err := s.enter(ctx, f, idx, x); err != nil && f.Err {
		return false, err
	}
	return f.keep(x), nil
}

// Each is the body of each stage function id on x.
func Each(ctx context.Context, id int, idx *pipegen.Index, x int) error {
	s := load()
	if s == nil {
		return nil
	}
	f := s.spec.Func(id)
	defer s.leave(ctx, f, x)
	return s.enter(ctx, f, idx, x)
}

// FlatSlice is the body of a flatmap stage function yielding a slice.
func FlatSlice(ctx context.Context, id int, idx *pipegen.Index, x int) ([]int, error) {
	s := load()
	if s == nil {
		return nil, nil
	}
	f := s.spec.Func(id)
	defer s.leave(ctx, f, x)
	if err := s.enter(ctx, f, idx, x); err != nil && f.Err {
		return nil, err
	}
	return f.Apply(x), nil
}

// iterFault returns the fault acted out during the iteration of a
// streaming flatmap's result for x, or nil.
func (s *state) iterFault(f *Func, x int) *Fault {
	ft := s.elem[FV{f.ID, x}]
	if ft != nil && (ft.Kind == FHang || ft.Kind == FIterError || ft.Kind == FIterPanic) {
		return ft
	}
	return nil
}

// FlatSeq2 is the body of a flatmap stage function yielding an
// iter.Seq2[U, error] (FlatSeq wraps it for iter.Seq[U]).
func FlatSeq2(ctx context.Context, id int, idx *pipegen.Index, x int) (iter.Seq2[int, error], error) {
	s := load()
	if s == nil {
		return func(func(int, error) bool) {}, nil
	}
	f := s.spec.Func(id)
	if err := s.enter(ctx, f, idx, x); err != nil {
		s.leave(ctx, f, x)
		return nil, err
	}
	ys := f.Apply(x)
	ft := s.iterFault(f, x)
	is := idxString(idx)
	return func(yield func(int, error) bool) {
		defer s.leave(ctx, f, x)
		for i := 0; i <= len(ys); i++ {
			if ft != nil && ft.K == i {
				s.fire(ft, is)
				switch ft.Kind {
				case FHang:
					<-ctx.Done()
					yield(0, ctx.Err())
					return
				case FIterError:
					yield(0, ft.Err())
					return
				case FIterPanic:
					panic(ft.PanicValue())
				}
			}
			if i == len(ys) || !yield(ys[i], nil) {
				return
			}
		}
	}, nil
}

// FlatSeq is the body of a flatmap stage function yielding an
// iter.Seq[U].
func FlatSeq(ctx context.Context, id int, idx *pipegen.Index, x int) (iter.Seq[int], error) {
	seq2, err := FlatSeq2(ctx, id, idx, x)
	if err != nil {
		return nil, err
	}
	return func(yield func(int) bool) {
		for v, err := range seq2 {
			if err != nil || !yield(v) {
				return
			}
		}
	}, nil
}

// Convert applies conv to every element of seq.
func Convert[U any](seq iter.Seq[int], conv func(int) U) iter.Seq[U] {
	return func(yield func(U) bool) {
		for v := range seq {
			if !yield(conv(v)) {
				return
			}
		}
	}
}

// Convert2 applies conv to every element of seq.
func Convert2[U any](seq iter.Seq2[int, error], conv func(int) U) iter.Seq2[U, error] {
	return func(yield func(U, error) bool) {
		for v, err := range seq {
			var u U
			if err == nil {
				u = conv(v)
			}
			if !yield(u, err) {
				return
			}
		}
	}
}

// ConvertSlice applies conv to every element of vs.
func ConvertSlice[U any](vs []int, conv func(int) U) []U {
	if vs == nil {
		return nil
	}
	out := make([]U, len(vs))
	for i, v := range vs {
		out[i] = conv(v)
	}
	return out
}

// Start is the body of the start hook of stage function id. ctx and w are
// nil when the hook does not take them. It returns a token for [Done].
func Start(id int, ctx context.Context, w *pipegen.Worker) (int, error) {
	s := load()
	if s == nil {
		return -1, nil
	}
	s.mu.Lock()
	nth := s.startCalls[id]
	s.startCalls[id]++
	s.mu.Unlock()
	for _, ft := range s.hooks[id] {
		if ft.Kind == FStart && ((w != nil && w.Index == ft.K) || (w == nil && nth == ft.K)) {
			s.fire(ft, "")
			return -1, ft.Err()
		}
	}
	rec := &workerRec{Func: id}
	if w != nil {
		c := *w
		rec.Worker = &c
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.workers = append(s.workers, rec)
	return len(s.workers) - 1, nil
}

// Done is the body of the done hook of stage function id, for the worker
// whose start returned token.
func Done(id int, token int, ctx context.Context, st *pipegen.StageStatus) error {
	s := load()
	if s == nil {
		return nil
	}
	if ctx != nil && ctx.Err() != nil {
		s.anomaly("done hook of s" + itoa(id) + " got a cancelled context")
	}
	s.mu.Lock()
	nth := s.doneCalls[id]
	s.doneCalls[id]++
	var rec *workerRec
	if token >= 0 && token < len(s.workers) {
		rec = s.workers[token]
		rec.Done++
		if st != nil {
			c := *st
			rec.Status = &c
		}
	}
	s.mu.Unlock()
	if rec == nil || rec.Func != id {
		s.anomaly("done hook of s" + itoa(id) + " ran for a worker that did not start")
		return nil
	}
	for _, ft := range s.hooks[id] {
		if ft.Kind == FDone && ((rec.Worker != nil && rec.Worker.Index == ft.K) || (rec.Worker == nil && nth == ft.K)) {
			s.fire(ft, "")
			return ft.Err()
		}
	}
	return nil
}
