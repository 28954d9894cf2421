package pipegenimpl

import (
	"math"
	"sync"
	"sync/atomic"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// An ordered term releases the elements it receives in order of their
// source position, each position's elements together, sorted by index. To
// know when it has all of a position, it counts shares: each position
// starts with FullShare at each of the term's sources (the pipeline's
// inputs, or an earlier ordered term), and every element on its way to the
// term carries a part of it. A flatmap splits its element's share among the
// children; a broadcast among the copies that lead to the term; an element
// dropped on the way (a filter, an empty flatmap, a timeout) sends its
// share to the term alone, as a tombstone item. A position is complete when
// the shares that arrived add up to FullShare for every source that has
// the position. No bookkeeping is shared between goroutines on the way:
// each item carries its share, and only the term adds them up.
//
// When shares cannot be split further (a flatmap with more children than
// its element's share has units), the splitting goroutine borrows more
// from the term ([Term.Borrow]) before it hands them out, so that the
// term expects them before any can arrive.

// FullShare is the share of one source position at one source. A term
// adds up to FullShare times its number of sources (and what was
// borrowed), which must fit in 64 bits: a term has at most MaxSources.
const FullShare uint64 = 1 << 48

// MaxSources is the most sources an ordered term may have.
const MaxSources = 1 << 14

// Marks of the items that reach an ordered term.
const (
	// Live is an element.
	Live uint8 = iota
	// Dead is a tombstone: the share of an element dropped on the way.
	Dead
	// SourceEnd says that a source has ended: the item's position is the
	// number of positions it had, its share the source's number.
	SourceEnd
)

// Term is the part of an ordered term's bookkeeping that its sources and
// the stages before it share: the window, and the shares borrowed.
type Term struct {
	// base is the earliest position not emitted yet, as the term last
	// published it; sources may run up to DefaultWindow positions ahead.
	base    atomic.Uint64
	waiting atomic.Int32 // sources waiting for the window to move
	// resume is the base at which the waiting sources are woken: a
	// quarter of the window past what the first of them needs, so that a
	// source that waits is not woken for every position the term emits.
	resume atomic.Uint64
	mu     sync.Mutex
	moved  chan struct{} // closed when the window moves while sources wait
	armed  bool          // a source waits on moved; guarded by mu
	// extra are the shares borrowed per position, in a ring of window
	// slots (the window keeps positions apart).
	extra []atomic.Uint64
}

// NewTerm returns the shared bookkeeping of one ordered term.
func NewTerm() *Term {
	t := &Term{moved: make(chan struct{}), extra: make([]atomic.Uint64, pipegen.DefaultWindow)}
	t.resume.Store(math.MaxUint64)
	return t
}

// Open waits until a source may send the elements of position pos: until
// pos is inside the window. Before it waits it calls publish, which must
// publish what the source holds (the window moves only once it arrives).
// It reports false if done is closed first.
func (t *Term) Open(done <-chan struct{}, pos uint64, publish func()) bool {
	if pos < t.base.Load()+pipegen.DefaultWindow {
		return true
	}
	publish()
	for {
		t.mu.Lock()
		moved := t.moved
		if want := pos + 1 + pipegen.DefaultWindow/4 - pipegen.DefaultWindow; !t.armed || want < t.resume.Load() {
			t.resume.Store(want)
		}
		t.armed = true
		t.mu.Unlock()
		t.waiting.Add(1)
		if pos < t.base.Load()+pipegen.DefaultWindow {
			t.waiting.Add(-1)
			return true
		}
		select {
		case <-moved:
			t.waiting.Add(-1)
		case <-done:
			t.waiting.Add(-1)
			return false
		}
	}
}

// Borrow records that position pos has n more shares on their way, and
// returns n: the caller now holds them.
func (t *Term) Borrow(pos uint64, n uint64) uint64 {
	t.extra[pos%pipegen.DefaultWindow].Add(n)
	return n
}

// minUnits is what a split borrows at least: a flatmap that ran out of
// share for its children borrows enough for many more.
const minUnits = 1 << 32

// Split divides the share s of an element of position pos among n parts
// (n ≥ 1): each part gets per, and the last one per+rest. It borrows
// first when s is smaller than n.
func (t *Term) Split(pos uint64, s uint64, n int) (per, rest uint64) {
	if s < uint64(n) {
		s += t.Borrow(pos, max(uint64(n), minUnits))
	}
	per = s / uint64(n)
	return per, s - per*uint64(n) + per
}

// Shares hands out the shares of the children of one element as a
// streaming flatmap yields them, before it knows how many there are: each
// child gets half of what is left, and what is left at the end goes to the
// term as a tombstone.
type Shares struct {
	t    *Term
	pos  uint64
	left uint64
}

// Stream starts handing out share s of an element of position pos.
func (t *Term) Stream(pos uint64, s uint64) Shares {
	return Shares{t: t, pos: pos, left: s}
}

// Next returns the share of the next child. What is left never falls to
// zero: it is borrowed again first.
func (s *Shares) Next() uint64 {
	if s.left < 2 {
		s.left += s.t.Borrow(s.pos, minUnits)
	}
	c := s.left / 2
	s.left -= c
	return c
}

// Rest returns what is left, for the tombstone at the end.
func (s *Shares) Rest() uint64 { return s.left }

// Reorder is an ordered term's own bookkeeping: the elements it holds until
// their position is complete, and the shares that arrived. Positions live
// in a ring of window slots whose slices are reused.
type Reorder[I any] struct {
	t       *Term
	compare func(a, b *I) int // nil when a position never has two elements
	slots   []reorderSlot[I]
	base    uint64 // the earliest position not emitted yet
	// counts are the sources' numbers of positions, once they ended; -1
	// while they run.
	counts    []int64
	published uint64 // base as last published to t
}

type reorderSlot[I any] struct {
	got   uint64
	items []I
}

// NewReorder returns the bookkeeping of an ordered term with the given
// number of sources; compare orders the elements of one position by index,
// and may be nil when a position never has two.
func NewReorder[I any](t *Term, sources int, compare func(a, b *I) int) *Reorder[I] {
	if sources > MaxSources {
		panic("pipegenimpl: an ordered term with too many sources")
	}
	counts := make([]int64, sources)
	for i := range counts {
		counts[i] = -1
	}
	return &Reorder[I]{t: t, compare: compare, slots: make([]reorderSlot[I], pipegen.DefaultWindow), counts: counts}
}

// Put records an item: an element of position pos carrying share s to be
// held, a tombstone's share, or a source's end. It reports whether the
// earliest position not emitted may have become complete: only then is
// Ready worth calling.
func (r *Reorder[I]) Put(mark uint8, pos, s uint64, it *I) bool {
	switch mark {
	case SourceEnd:
		r.counts[s] = int64(pos)
		return true
	case Live:
		sl := &r.slots[pos%pipegen.DefaultWindow]
		sl.items = append(sl.items, *it)
		// Keep the elements of a position sorted as they come: they
		// mostly come in order, so this costs one comparison.
		if r.compare != nil {
			for k := len(sl.items) - 1; k > 0 && r.compare(&sl.items[k-1], &sl.items[k]) > 0; k-- {
				sl.items[k-1], sl.items[k] = sl.items[k], sl.items[k-1]
			}
		}
	}
	r.slots[pos%pipegen.DefaultWindow].got += s
	return pos == r.base
}

// Ready returns the elements of the earliest position not emitted yet,
// sorted by index, if it is complete. The slice is valid until the next
// Put.
func (r *Reorder[I]) Ready() ([]I, bool) {
	have := uint64(0)
	for _, c := range r.counts {
		if c < 0 || uint64(c) > r.base {
			have++
		}
	}
	if have == 0 {
		return nil, false // past the end of every source
	}
	i := r.base % pipegen.DefaultWindow
	sl := &r.slots[i]
	if sl.got != have*FullShare+r.t.extra[i].Load() {
		return nil, false
	}
	return sl.items, true
}

// Advance moves past the position Ready returned, and publishes the new
// base to the sources now and then, and whenever one waits.
func (r *Reorder[I]) Advance() {
	i := r.base % pipegen.DefaultWindow
	sl := &r.slots[i]
	clear(sl.items)
	sl.items, sl.got = sl.items[:0], 0
	if r.t.extra[i].Load() != 0 {
		r.t.extra[i].Store(0)
	}
	r.base++
	if r.base-r.published >= pipegen.DefaultWindow/8 || r.t.waiting.Load() > 0 && r.base >= r.t.resume.Load() {
		r.Publish()
	}
}

// Publish tells the sources how far the term has emitted, waking those
// that wait for the window. The term calls it before it waits for input,
// when every waiting source must look again, whatever the window's move.
func (r *Reorder[I]) Publish() {
	if r.base == r.published {
		return
	}
	r.published = r.base
	r.t.base.Store(r.base)
	if r.t.waiting.Load() > 0 {
		r.t.mu.Lock()
		if r.t.armed {
			// Wake the waiting sources, once: until one waits again,
			// Advance has no reason to publish early.
			close(r.t.moved)
			r.t.moved = make(chan struct{})
			r.t.armed = false
			r.t.resume.Store(math.MaxUint64)
		}
		r.t.mu.Unlock()
	}
}
