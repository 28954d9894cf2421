package pipegen

import (
	"iter"
	"sync/atomic"
)

// Item is an element in a generated queue, together with its index.
type Item[T any] struct {
	Index Index
	Value T
}

// Producers counts the goroutines that still send to one queue. A queue is
// closed once all of them are done, so that its consumers see its end; the
// last producer to finish is the one that closes it. This is the
// done-tracking of pypeln's IterableQueue without a goroutine to watch it.
type Producers struct {
	n atomic.Int64
}

// Add records n more producers. Call it before any of them can finish.
func (p *Producers) Add(n int) {
	p.n.Add(int64(n))
}

// Done records that one producer has finished, and reports whether it was
// the last.
func (p *Producers) Done() (last bool) {
	return p.n.Add(-1) == 0
}

// Input is the constraint on the input of a generated pipeline: an
// iter.Seq of its elements, or an iter.Seq2 of elements and errors whose
// first error fails the pipeline; each also as a plain func literal.
type Input[T any] interface {
	iter.Seq[T] | func(func(T) bool) | iter.Seq2[T, error] | func(func(T, error) bool)
}
