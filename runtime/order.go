package pipegen

import (
	"slices"
	"sync"
)

// DefaultWindow is how many source positions an ordered term lets be in
// flight at once: the elements of later positions wait at their inputs
// until the earliest open position has been emitted. It bounds the memory
// of the reorder buffer, even when one element is very slow.
const DefaultWindow = 1024

// Order is the bookkeeping of one ordered term in one run. Elements are
// released in order of source position; all elements that descend from
// one position (flatmap children, broadcast copies, concat branches) are
// released together, sorted by [Compare].
//
// To know when a position is complete, every node between the term's
// sources (the pipeline inputs, or an earlier ordered term) and the term
// counts, per position, the elements still on their way: a source or stage
// calls [Order.Add] before it sends elements on, and a stage calls
// [Order.Done] when it has finished with an element (sent on, dropped or
// filtered out), as does the ordered term when an element reaches it. A
// position is complete when every source has moved past it and its count
// is zero.
//
// The window keeps sources from running more than [DefaultWindow]
// positions ahead of the earliest position not yet emitted, so that
// memory stays bounded; since the ordered term always keeps reading its
// input, the window cannot deadlock the pipeline.
type Order struct {
	window uint64

	mu      sync.Mutex
	base    uint64  // the earliest position not yet emitted
	counts  []int64 // elements on their way, per position, in a ring of window slots
	next    []uint64
	ended   []bool
	waiting bool          // a source waits for the window to move
	moved   chan struct{} // closed when base moves, if a source waits
	wake    chan struct{} // signals the ordered term that a position may be complete
}

// NewOrder returns the bookkeeping of an ordered term with the given
// number of sources.
func NewOrder(sources int) *Order {
	return &Order{
		window: DefaultWindow,
		counts: make([]int64, DefaultWindow),
		next:   make([]uint64, sources),
		ended:  make([]bool, sources),
		moved:  make(chan struct{}),
		wake:   make(chan struct{}, 1),
	}
}

// Open waits until source may send the elements of position pos: until pos
// is inside the window. It also records that the source has nothing more
// for earlier positions. Before it waits, it calls flush (if not nil),
// which must send on every element the source holds: the window moves only
// once they arrive. It reports false if done is closed first, or if flush
// reports false.
func (o *Order) Open(done <-chan struct{}, source int, pos uint64, flush func() bool) bool {
	o.mu.Lock()
	if pos > o.next[source] {
		o.next[source] = pos
		o.signal()
	}
	for pos >= o.base+o.window {
		o.waiting = true
		moved := o.moved
		o.mu.Unlock()
		if flush != nil && !flush() {
			return false
		}
		select {
		case <-moved:
		case <-done:
			return false
		}
		o.mu.Lock()
	}
	o.mu.Unlock()
	return true
}

// Add records n more elements of position pos on their way.
func (o *Order) Add(pos uint64, n int) {
	o.mu.Lock()
	o.counts[pos%o.window] += int64(n)
	o.mu.Unlock()
}

// Done records that one element of position pos has arrived or was
// dropped.
func (o *Order) Done(pos uint64) {
	o.mu.Lock()
	i := pos % o.window
	o.counts[i]--
	if o.counts[i] == 0 && pos == o.base {
		o.signal()
	}
	o.mu.Unlock()
}

// Emitted records that source has sent everything of position pos.
func (o *Order) Emitted(source int, pos uint64) {
	o.mu.Lock()
	if pos+1 > o.next[source] {
		o.next[source] = pos + 1
	}
	o.signal()
	o.mu.Unlock()
}

// End records that source will send nothing more.
func (o *Order) End(source int) {
	o.mu.Lock()
	o.ended[source] = true
	o.signal()
	o.mu.Unlock()
}

// Wake returns a channel that receives when a position may have become
// complete.
func (o *Order) Wake() <-chan struct{} {
	return o.wake
}

// Ready reports whether the earliest open position is complete, and
// returns it: every source has moved past it (or ended) and none of its
// elements is on its way. It is false for a position past the end of
// every source.
func (o *Order) Ready() (uint64, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	exists := false
	for k, next := range o.next {
		if next > o.base {
			exists = true
		} else if !o.ended[k] {
			return 0, false
		}
	}
	return o.base, exists && o.counts[o.base%o.window] == 0
}

// Advance moves past the earliest open position, once it is emitted,
// letting sources waiting for the window go on.
func (o *Order) Advance() {
	o.mu.Lock()
	o.base++
	if o.waiting {
		close(o.moved)
		o.moved = make(chan struct{})
		o.waiting = false
	}
	o.mu.Unlock()
}

// signal wakes the ordered term without blocking; o.mu is held.
func (o *Order) signal() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Reorder holds the elements an ordered term has received until their
// position is complete. Positions live in a ring of [DefaultWindow] slots,
// whose slices are reused: the window guarantees that the positions held
// at once fit.
type Reorder[T any] struct {
	slots [][]Item[T]
}

// Put keeps it until its position is taken.
func (b *Reorder[T]) Put(it Item[T]) {
	if b.slots == nil {
		b.slots = make([][]Item[T], DefaultWindow)
	}
	i := it.Index.Source() % DefaultWindow
	b.slots[i] = append(b.slots[i], it)
}

// Take removes and returns the elements of position pos, in index order.
// The slice is valid until the next Put.
func (b *Reorder[T]) Take(pos uint64) []Item[T] {
	if b.slots == nil {
		return nil
	}
	i := pos % DefaultWindow
	items := b.slots[i]
	b.slots[i] = items[:0]
	if len(items) > 1 {
		slices.SortFunc(items, func(x, y Item[T]) int { return Compare(x.Index, y.Index) })
	}
	return items
}
