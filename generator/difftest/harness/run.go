package harness

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"sync"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
)

func itoa(n int) string { return strconv.Itoa(n) }

// Entry is one pipeline of a test program: Run calls the generated
// function the way r asks (input mode, WithIndex variant) and returns the
// error it ended with.
type Entry struct {
	Name string
	Run  func(r *Run) error
}

// Run is what the generated glue needs for one call of a pipeline.
type Run struct {
	// Ctx and Opts are to pass to the pipeline.
	Ctx       context.Context
	Opts      []pipegen.Option
	Mode      Mode
	WithIndex bool

	plan *Plan
	s    *state

	// What the consumer saw.
	got       []call
	extraPair bool // a pair came after the error pair
	broke     bool
	panicked  bool
}

// inputFault returns the fault of input i, or nil.
func (r *Run) inputFault(i int) *Fault {
	for _, f := range r.plan.Faults {
		if (f.Kind == FInputError || f.Kind == FInputPanic) && f.Input == i {
			return f
		}
	}
	return nil
}

// Seq is input i as an iter.Seq.
func Seq[T any](r *Run, i int, conv func(int) T) iter.Seq[T] {
	return iter.Seq[T](FuncLit(r, i, conv))
}

// FuncLit is input i as a plain func literal.
func FuncLit[T any](r *Run, i int, conv func(int) T) func(func(T) bool) {
	seq2 := Seq2(r, i, conv)
	return func(yield func(T) bool) {
		for v, err := range seq2 {
			if err != nil || !yield(v) {
				return
			}
		}
	}
}

// Seq2 is input i as an iter.Seq2.
func Seq2[T any](r *Run, i int, conv func(int) T) iter.Seq2[T, error] {
	vals := r.plan.Inputs[i]
	ft := r.inputFault(i)
	return func(yield func(T, error) bool) {
		for k := 0; k <= len(vals); k++ {
			if ft != nil && ft.K == k {
				r.s.fire(ft, "")
				if ft.Kind == FInputPanic {
					panic(ft.PanicValue())
				}
				var zero T
				yield(zero, ft.Err())
				return
			}
			if k == len(vals) || !yield(conv(vals[k]), nil) {
				return
			}
		}
	}
}

// consumerPanic is the value the consumer's loop body panics with.
type consumerPanic struct{ id int }

// consume handles one element the pipeline yielded: it records it, and
// breaks or panics when the plan says so. It reports whether to go on.
func (r *Run) consume(c call) bool {
	r.got = append(r.got, c)
	for _, f := range r.plan.Faults {
		if f.K != len(r.got) {
			continue
		}
		switch f.Kind {
		case FBreak:
			r.s.fire(f, "")
			r.broke = true
			return false
		case FConsumePanic:
			r.s.fire(f, "")
			r.panicked = true
			panic(consumerPanic{f.ID})
		}
	}
	return true
}

// Collect ranges over what a pipeline yields, converting the elements
// with conv, and returns the error it ended with.
func Collect[U any](r *Run, seq iter.Seq2[U, error], conv func(U) int) error {
	var first error
	for v, err := range seq {
		if first != nil {
			r.extraPair = true
			continue
		}
		if err != nil {
			first = err
			continue
		}
		if !r.consume(call{V: conv(v)}) {
			break
		}
	}
	return first
}

// CollectItems is Collect for the WithIndex variant.
func CollectItems[U any](r *Run, seq iter.Seq2[pipegen.Item[U], error], conv func(U) int) error {
	var first error
	for it, err := range seq {
		if first != nil {
			r.extraPair = true
			continue
		}
		if err != nil {
			first = err
			continue
		}
		if !r.consume(call{V: conv(it.Value), Idx: it.Index.String()}) {
			break
		}
	}
	return first
}

// options turns the plan's options into pipegen options.
func (r *Run) options() []pipegen.Option {
	var opts []pipegen.Option
	for _, o := range r.plan.Opts {
		switch o.Kind {
		case "workers":
			opts = append(opts, pipegen.Workers(o.Stage, o.N))
		case "maxsize":
			opts = append(opts, pipegen.MaxSize(o.Stage, o.N))
		}
	}
	for _, f := range r.plan.Faults {
		if f.Kind == FBadOption {
			r.s.fire(f, "")
			switch f.K {
			case 0:
				opts = append(opts, pipegen.Workers("noSuchStage", 2))
			case 1:
				opts = append(opts, pipegen.Workers(r.s.g.firstStage().Name, 0))
			default:
				opts = append(opts, pipegen.MaxSize(r.s.g.firstStage().Name, -1))
			}
		}
	}
	if r.plan.OnTimeout {
		var mu sync.Mutex
		opts = append(opts, pipegen.OnTimeout(func(stage string, index pipegen.Index, _ any) {
			mu.Lock()
			defer mu.Unlock()
			now := time.Now()
			r.s.mu.Lock()
			k := DropKey(stage, index.String())
			r.s.dropped = append(r.s.dropped, k)
			r.s.droppedAt[k] = now
			r.s.mu.Unlock()
		}))
	}
	return opts
}

func (g *Graph) firstStage() *Node {
	for _, n := range g.Nodes {
		if n.Kind == NStage && !n.MayBeFused {
			return n
		}
	}
	panic(fmt.Sprintf("pipeline %s has no stage", g.P.Name))
}
