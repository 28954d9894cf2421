package e2e

import (
	"context"
	"iter"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// watch is how long a test waits for an element that should come out at
// once before it declares it held back: a watchdog, not a synchronization.
const watch = 20 * time.Second

// liveInput yields 0, 1, … n-1: the first prefix at once (so that batches
// are full-size when the live part starts), then each element k only
// after seen has said that everything made of k-1 came out — a socket
// that waits for the response. If an element were held back in a batch,
// the input would wait forever: the watchdog fails the test.
func liveInput(t *testing.T, prefix, n int, seen <-chan int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for k := range n {
			if !yield(k) {
				return
			}
			if k < prefix {
				continue
			}
			select {
			case got := <-seen:
				if got != k {
					t.Errorf("saw element %d come out, want %d", got, k)
					return
				}
			case <-time.After(watch):
				t.Errorf("element %d did not come out within %v: held back", k, watch)
				return
			}
		}
	}
}

// countOut ranges over a pipeline's output and tells seen when the per
// outputs of each element from prefix on have come out.
func countOut(t *testing.T, seq iter.Seq2[pipegen.Item[int], error], prefix, per int, seen chan<- int) int {
	t.Helper()
	counts := map[uint64]int{}
	total := 0
	for it, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		total++
		src := it.Index.Source()
		if int(src) < prefix {
			continue
		}
		if counts[src]++; counts[src] == per {
			seen <- int(src)
		}
	}
	return total
}

// TestLiveInputIsNeverHeldBack: an input that yields element k only once
// everything made of k-1 has come out of the pipeline completes, with
// default settings, through a fused chain, stages with several workers, a
// flatmap, ordered, and a concat of a live input with an empty one; from
// the start, and after a fast prefix of 20,000 elements.
func TestLiveInputIsNeverHeldBack(t *testing.T) {
	type pipeline func(ctx context.Context, in iter.Seq[int]) iter.Seq2[pipegen.Item[int], error]
	cases := []struct {
		name string
		run  pipeline
		per  int // outputs per input element
	}{
		{"chain", func(ctx context.Context, in iter.Seq[int]) iter.Seq2[pipegen.Item[int], error] {
			return liveChainWithIndex(ctx, in)
		}, 1},
		{"hops", func(ctx context.Context, in iter.Seq[int]) iter.Seq2[pipegen.Item[int], error] {
			return liveHopsWithIndex(ctx, in)
		}, 1},
		{"flatmap", func(ctx context.Context, in iter.Seq[int]) iter.Seq2[pipegen.Item[int], error] {
			return liveFlatWithIndex(ctx, in)
		}, 2},
		{"ordered", func(ctx context.Context, in iter.Seq[int]) iter.Seq2[pipegen.Item[int], error] {
			return liveOrderedWithIndex(ctx, in)
		}, 1},
		{"concat", func(ctx context.Context, in iter.Seq[int]) iter.Seq2[pipegen.Item[int], error] {
			return liveConcatWithIndex(ctx, in, slices.Values([]int{}))
		}, 1},
	}
	for _, c := range cases {
		for _, prefix := range []int{0, 20000} {
			const live = 200
			seen := make(chan int, 1)
			in := liveInput(t, prefix, prefix+live, seen)
			got := countOut(t, c.run(context.Background(), in), prefix, c.per, seen)
			if want := (prefix + live) * c.per; got != want {
				t.Errorf("%s after %d: got %d elements, want %d", c.name, prefix, got, want)
			}
			noLeaks(t)
		}
	}
}

// TestLiveInputOfAnEachPipeline is the same for a pipeline that ends in
// an each stage: the input waits until the each stage has seen k-1.
func TestLiveInputOfAnEachPipeline(t *testing.T) {
	for _, prefix := range []int{0, 20000} {
		seen := make(chan int, 1)
		noteHook = func(x int) {
			if x-1 >= prefix {
				seen <- x - 1
			}
		}
		err := liveEach(context.Background(), liveInput(t, prefix, prefix+200, seen))
		noteHook = func(int) {}
		if err != nil {
			t.Fatal(err)
		}
		noLeaks(t)
	}
}

// TestBlockedElementDoesNotHoldItsBatchmates: a stage of two workers gets
// 20,000 fast elements, then one whose call blocks until every other
// element has come out, then 500 more. The elements batched with the
// blocked one must reach the idle worker.
func TestBlockedElementDoesNotHoldItsBatchmates(t *testing.T) {
	const blocker, n = 20000, 20501
	release := make(chan struct{})
	blockHook = func(x int) {
		if x != blocker {
			return
		}
		select {
		case <-release:
		case <-time.After(watch):
			t.Errorf("the elements after %d did not get through within %v while it blocked", blocker, watch)
		}
	}
	defer func() { blockHook = func(int) {} }()
	out := 0
	for _, err := range blocking(context.Background(), slices.Values(ints(n))) {
		if err != nil {
			t.Fatal(err)
		}
		if out++; out == n-1 {
			close(release) // everything but the blocked element came out
		}
	}
	if out != n {
		t.Fatalf("got %d elements, want %d", out, n)
	}
	noLeaks(t)
}

// TestQueueMemoryGrowsAsItFills: the largest queues with batches of one
// element cost almost nothing for a one-element input (they were once
// made with room for every slot: 768 MiB).
func TestQueueMemoryGrowsAsItFills(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got, err := collect(t, Squares(context.Background(), slices.Values([]int{3}),
		pipegen.MaxSize("Square", pipegen.MaxQueueSize), pipegen.OutputSize(pipegen.MaxQueueSize), pipegen.MaxBatch(1)))
	runtime.ReadMemStats(&after)
	if err != nil || !slices.Equal(got, []int{9}) {
		t.Fatalf("got %v, %v", got, err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Fatalf("a run over one element allocated %d bytes", alloc)
	}
	noLeaks(t)
}

// TestMaxBatchIsOnlyATuningKnob: any batch size gives the same results.
func TestMaxBatchIsOnlyATuningKnob(t *testing.T) {
	for _, b := range []int{1, 2, 7, 256, 4096} {
		var sum atomic.Int64
		for v, err := range chain(context.Background(), slices.Values(ints(3000)), pipegen.MaxBatch(b)) {
			if err != nil {
				t.Fatal(err)
			}
			sum.Add(int64(v))
		}
		if b == 1 {
			continue
		}
		var want int64
		for v, err := range chain(context.Background(), slices.Values(ints(3000)), pipegen.MaxBatch(1)) {
			if err != nil {
				t.Fatal(err)
			}
			want += int64(v)
		}
		if sum.Load() != want {
			t.Errorf("MaxBatch(%d): sum %d, want %d", b, sum.Load(), want)
		}
	}
	noLeaks(t)
}
