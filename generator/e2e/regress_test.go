package e2e

import (
	"context"
	"errors"
	"iter"
	"slices"
	"sync/atomic"
	"testing"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// TestInputPanicNamesTheElementItWasMaking: an input that panics while
// making its element at position 3 fails the run with index 3, not 2 (the
// last element it yielded).
func TestInputPanicNamesTheElementItWasMaking(t *testing.T) {
	_, err := collect(t, Squares(context.Background(), iter.Seq[int](func(yield func(int) bool) {
		_ = yield(0) && yield(1) && yield(2)
		panic("input panicked")
	})))
	var se *pipegen.StageError
	if !errors.As(err, &se) || se.Panic == nil || se.Index != pipegen.SourceIndex(3) {
		t.Fatalf("err = %v, want a panic of element 3", err)
	}
}

// TestFusedFlatmapIteratorPanicNamesTheFlatmap: Burst's iterator panics
// after its first child went through the fused Odd; the panic is Burst's,
// at the parent element.
func TestFusedFlatmapIteratorPanicNamesTheFlatmap(t *testing.T) {
	_, err := collect(t, burstOdd(context.Background(), slices.Values([]int{PanicAfter})))
	var se *pipegen.StageError
	if !errors.As(err, &se) || se.Stage != "Burst" || se.Index != pipegen.SourceIndex(0) {
		t.Fatalf("err = %v, want Burst's panic at element 0", err)
	}
	noLeaks(t)
}

// TestFusedFilterKeepsChildIndices: Odd drops Burst's even children; the
// odd ones keep their own positions among the children.
func TestFusedFilterKeepsChildIndices(t *testing.T) {
	got := map[int]pipegen.Index{}
	for it, err := range burstOddWithIndex(context.Background(), slices.Values([]int{10})) {
		if err != nil {
			t.Fatal(err)
		}
		got[it.Value] = it.Index
	}
	if len(got) != 1 || got[11] != pipegen.SourceIndex(0).Child(1) {
		t.Fatalf("got %v, want 11 at 0.1", got)
	}
}

// TestFusedEachWithErrors: Halve and Sink both return errors and are
// fused; the generated code compiles, and each error is its stage's.
func TestFusedEachWithErrors(t *testing.T) {
	sunk.Store(0)
	if err := halveSink(context.Background(), slices.Values([]int{2, 4, 6})); err != nil || sunk.Load() != 3 {
		t.Fatalf("err = %v, sunk %d", err, sunk.Load())
	}
	var se *pipegen.StageError
	if err := halveSink(context.Background(), slices.Values([]int{26})); !errors.As(err, &se) || se.Stage != "Sink" {
		t.Fatalf("err = %v, want Sink's", err)
	}
	if err := halveSink(context.Background(), slices.Values([]int{3})); !errors.As(err, &se) || se.Stage != "Halve" {
		t.Fatalf("err = %v, want Halve's", err)
	}
	noLeaks(t)
}

// TestEveryTimeoutIsEnforced: pypeln once enforced only the first timeout
// of a worker. Here three hanging elements, more than Patient's two
// workers, are each dropped.
func TestEveryTimeoutIsEnforced(t *testing.T) {
	var dropped atomic.Int64
	onTimeout := pipegen.OnTimeout(func(string, pipegen.Index, any) { dropped.Add(1) })
	got, err := collect(t, patient(context.Background(), slices.Values([]int{HangOn, 1, HangOn, HangOn, 2}), onTimeout))
	if err != nil || len(got) != 2 || dropped.Load() != 3 {
		t.Fatalf("got %v, %v with %d dropped; want 2 elements and 3 dropped", got, err, dropped.Load())
	}
	noLeaks(t)
}

// TestOrderedTermBroadcasts: an ordered term whose elements go to two
// branches sends each to both.
func TestOrderedTermBroadcasts(t *testing.T) {
	got, err := collect(t, orderedFanOut(context.Background(), slices.Values(ints(50))))
	if err != nil || len(got) != 100 {
		t.Fatalf("got %d elements, %v; want 100", len(got), err)
	}
	noLeaks(t)
}

// TestOrderedCallerEndsWithTheCancel: the loop body cancels ctx on the
// first of three children of one position, which the ordered term (run in
// the caller's goroutine) releases together. Nothing more is yielded, and
// the last pair carries context.Canceled; the term once returned without
// an error, as if the run had completed (found by difftest, seed 1001, with
// a stage cancelling ctx). The same holds without ordered (Expanded).
func TestOrderedCallerEndsWithTheCancel(t *testing.T) {
	for _, mode := range []string{"ordered", "ordered with index", "unordered"} {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		seq := many(ctx, slices.Values([]int{3, 3}))
		switch mode {
		case "unordered":
			seq = Expanded(ctx, slices.Values([]int{1, 2}))
		case "ordered with index":
			seq = func(yield func(int, error) bool) {
				for it, err := range manyWithIndex(ctx, slices.Values([]int{3, 3})) {
					if !yield(it.Value, err) {
						return
					}
				}
			}
		}
		var got []int
		var last error
		for v, err := range seq {
			if err != nil {
				last = err
				continue
			}
			got = append(got, v)
			cancel()
		}
		if len(got) != 1 || last != context.Canceled {
			t.Errorf("%s: got %v then %v, want one element then context.Canceled", mode, got, last)
		}
		noLeaks(t)
	}
}
