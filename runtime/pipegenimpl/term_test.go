package pipegenimpl

import (
	"math/rand/v2"
	"slices"
	"testing"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// termItem is an item reaching an ordered term in these tests.
type termItem struct {
	at    pipegen.Index
	share uint64
	mark  uint8
}

// region plays the stages between a source and its ordered term for one
// position: random maps, drops, slice and streaming flatmaps, levels deep.
// It returns every item that reaches the term: elements and tombstones.
func region(r *rand.Rand, t *Term, pos uint64, levels int) []termItem {
	items := []termItem{{at: pipegen.SourceIndex(pos), share: FullShare}}
	for range levels {
		var next []termItem
		for _, it := range items {
			if it.mark != Live {
				next = append(next, it)
				continue
			}
			switch r.IntN(5) {
			case 0: // a map
				next = append(next, it)
			case 1: // a filter that drops it
				next = append(next, termItem{at: it.at, share: it.share, mark: Dead})
			case 2: // a slice flatmap, maybe empty, maybe with many children
				n := r.IntN(4)
				if r.IntN(10) == 0 && len(items) < 10 {
					n = 200
				}
				if n == 0 {
					next = append(next, termItem{at: it.at, share: it.share, mark: Dead})
					break
				}
				per, last := t.Split(pos, it.share, n)
				for c := range n {
					s := per
					if c == n-1 {
						s = last
					}
					next = append(next, termItem{at: it.at.Child(c), share: s})
				}
			case 3: // a streaming flatmap: children first, the rest at the end
				sh := t.Stream(pos, it.share)
				n := r.IntN(4)
				if r.IntN(10) == 0 && len(items) < 10 {
					n = 150 // more than a share halves into
				}
				for c := range n {
					next = append(next, termItem{at: it.at.Child(c), share: sh.Next()})
				}
				next = append(next, termItem{at: it.at, share: sh.Rest(), mark: Dead})
			case 4: // a broadcast to two queues leading to the term
				per, last := t.Split(pos, it.share, 2)
				next = append(next, termItem{at: it.at.Branch(0), share: per}, termItem{at: it.at.Branch(1), share: last})
			}
		}
		items = next
	}
	return items
}

// TestReorderReleasesCompletePositionsInOrder runs positions through random
// regions and delivers their items in a scrambled order (within the
// window, as sources keep to it): each position must be released exactly
// when its last item has arrived, in order, with its elements sorted.
func TestReorderReleasesCompletePositionsInOrder(t *testing.T) {
	for seed := range uint64(8) {
		r := rand.New(rand.NewPCG(seed, 7))
		term := NewTerm()
		held := NewReorder(term, 1, func(a, b *termItem) int { return pipegen.Compare(a.at, b.at) })
		const n = 2000
		const spread = 40 // positions whose items may interleave
		want := make([][]pipegen.Index, n)
		left := make([]int, n) // items of each position not delivered yet
		var pending []termItem
		next := uint64(0) // next position whose items are made
		released := uint64(0)
		drain := func() {
			for {
				items, ok := held.Ready()
				if !ok {
					return
				}
				p := released
				if left[p] != 0 {
					t.Fatalf("seed %d: position %d released with %d items still on their way", seed, p, left[p])
				}
				var got []pipegen.Index
				for _, it := range items {
					got = append(got, it.at)
				}
				if !slices.Equal(got, want[p]) {
					t.Fatalf("seed %d: position %d released %v, want %v", seed, p, got, want[p])
				}
				held.Advance()
				released++
			}
		}
		for released < n {
			for next < n && next < released+spread {
				items := region(r, term, next, 1+r.IntN(3))
				left[next] = len(items)
				for _, it := range items {
					if it.mark == Live {
						want[next] = append(want[next], it.at)
					}
				}
				slices.SortFunc(want[next], pipegen.Compare)
				pending = append(pending, items...)
				next++
			}
			if next == n && r.IntN(3) == 0 {
				_ = held.Put(SourceEnd, n, 0, nil)
			}
			if len(pending) == 0 {
				t.Fatalf("seed %d: nothing pending but position %d not released", seed, released)
			}
			k := r.IntN(len(pending))
			it := pending[k]
			pending[k] = pending[len(pending)-1]
			pending = pending[:len(pending)-1]
			left[it.at.Source()]--
			_ = held.Put(it.mark, it.at.Source(), it.share, &it)
			drain()
		}
	}
}

// TestReorderSources checks the count of sources: a position is complete
// when every source that has it has sent its share, and a source that ended
// before it does not count.
func TestReorderSources(t *testing.T) {
	term := NewTerm()
	held := NewReorder[termItem](term, 2, nil)
	put := func(pos uint64) { _ = held.Put(Live, pos, FullShare, &termItem{at: pipegen.SourceIndex(pos)}) }
	put(0)
	if _, ok := held.Ready(); ok {
		t.Fatal("position 0 is complete with one of two sources")
	}
	put(0)
	if items, ok := held.Ready(); !ok || len(items) != 2 {
		t.Fatalf("position 0: got %d items, %v; want 2, complete", len(items), ok)
	}
	held.Advance()
	put(1)
	if _, ok := held.Ready(); ok {
		t.Fatal("position 1 is complete with one of two running sources")
	}
	_ = held.Put(SourceEnd, 1, 1, nil) // source 1 had one position: 0
	if _, ok := held.Ready(); !ok {
		t.Fatal("position 1 is not complete once the other source ended before it")
	}
	held.Advance()
	_ = held.Put(SourceEnd, 2, 0, nil)
	if _, ok := held.Ready(); ok {
		t.Fatal("a position past the end of every source is complete")
	}
}
