package benchmarks

import (
	"context"

	"github.com/pipegen/pipegen/benchmarks/pg"
)

// Ordering for the hand-written W4. Each element carries its source
// position; a filtered-out element is not dropped but turned into a
// tombstone, so that the consumer learns that its position is complete; the
// flatmap tells each child how many siblings it has. The consumer holds
// elements in a ring of orderWindow positions and emits each position as
// soon as it and every earlier one are complete. A token channel of the
// same size keeps the source from running more than orderWindow positions
// ahead of the consumer, so memory stays bounded: the same streaming,
// windowed ordering pipegen's `ordered` provides (pipegen.DefaultWindow).

// orderWindow is how many source positions may be in flight.
const orderWindow = 1024

// seqItem is an element of an ordered hand-written pipeline.
type seqItem struct {
	seq   int   // source position
	child int32 // position among the elements of seq after the flatmap
	n     int32 // number of elements of seq: 1 from the source, 0 for a tombstone
	v     int
}

// seqMul is pg.Mul on a seqItem.
func seqMul(it seqItem) seqItem {
	it.v = pg.Mul(it.v)
	return it
}

// seqEven is pg.Even as a map: a rejected element becomes a tombstone.
func seqEven(it seqItem) seqItem {
	if !pg.Even(it.v) {
		it.n = 0
	}
	return it
}

// seqPair is pg.Pair on a seqItem, in append form; a tombstone passes on.
func seqPair(dst []seqItem, it seqItem) []seqItem {
	if it.n == 0 {
		return append(dst, it)
	}
	cs := pg.Pair(it.v)
	for i, c := range cs {
		dst = append(dst, seqItem{seq: it.seq, child: int32(i), n: int32(len(cs)), v: c})
	}
	return dst
}

// reorderer puts seqItems back in source order.
type reorderer struct {
	slots  []reorderSlot
	next   int           // first position not yet emitted
	tokens chan struct{} // one per position admitted and not yet emitted
}

// reorderSlot collects the elements of one source position.
type reorderSlot struct {
	seen bool  // an element of this position has arrived
	n    int32 // number of elements of the position
	got  int32 // how many have arrived
	vals []int // the values, by child position
}

func newReorderer(window int) *reorderer {
	return &reorderer{slots: make([]reorderSlot, window), tokens: make(chan struct{}, window)}
}

// admit waits until a new source position fits in the window; it reports
// false if ctx ended first.
func (r *reorderer) admit(ctx context.Context) bool {
	select {
	case r.tokens <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

// put records it and emits, in order, every position it completes.
func (r *reorderer) put(it seqItem, emit func(int)) {
	s := &r.slots[it.seq%len(r.slots)]
	if !s.seen {
		s.seen, s.n, s.got = true, it.n, 0
		if cap(s.vals) < int(it.n) {
			s.vals = make([]int, it.n)
		}
		s.vals = s.vals[:it.n]
	}
	if it.n > 0 {
		s.vals[it.child] = it.v
		s.got++
	}
	for {
		s := &r.slots[r.next%len(r.slots)]
		if !s.seen || s.got < s.n {
			return
		}
		for _, v := range s.vals {
			emit(v)
		}
		s.seen = false
		r.next++
		<-r.tokens
	}
}
