package pipegen

import (
	"iter"
	"sync"
	"sync/atomic"
	"testing"
)

func TestProducersSequential(t *testing.T) {
	var p Producers
	p.Add(3)
	for i, want := range []bool{false, false, true} {
		if got := p.Done(); got != want {
			t.Errorf("Done() #%d = %v, want %v", i+1, got, want)
		}
	}

	var one Producers
	one.Add(1)
	if !one.Done() {
		t.Error("Done() of the only producer is not last")
	}

	// Producers added in several calls, before any is done.
	var q Producers
	q.Add(1)
	q.Add(2)
	if q.Done() || q.Done() || !q.Done() {
		t.Error("Add(1); Add(2): the third Done is not the only last one")
	}
}

func TestProducersConcurrent(t *testing.T) {
	const n = 200
	for range 100 {
		var p Producers
		p.Add(n)
		var finished, lasts atomic.Int32
		var lastSawAll atomic.Bool
		start := make(chan struct{})
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				<-start
				finished.Add(1)
				if p.Done() {
					lasts.Add(1)
					// The last producer is done after every other one.
					lastSawAll.Store(finished.Load() == n)
				}
			})
		}
		close(start)
		wg.Wait()
		if got := lasts.Load(); got != 1 {
			t.Fatalf("%d of %d producers reported last, want exactly 1", got, n)
		}
		if !lastSawAll.Load() {
			t.Fatal("a producer reported last before every other one had finished")
		}
	}
}

func TestProducersConcurrentAdd(t *testing.T) {
	// As generated code does for a stage with several workers: Add for each
	// group of producers before starting it, while earlier groups may be
	// finishing already (one group keeps the count above 0 until the end).
	var p Producers
	p.Add(1) // the feeder
	var lasts atomic.Int32
	var wg sync.WaitGroup
	done := func() {
		if p.Done() {
			lasts.Add(1)
		}
	}
	for range 10 {
		p.Add(5)
		for range 5 {
			wg.Go(done)
		}
	}
	wg.Go(done) // the feeder ends last in program order, not necessarily in time
	wg.Wait()
	if got := lasts.Load(); got != 1 {
		t.Errorf("%d producers reported last, want 1", got)
	}
}

// acceptsInput compiles only for the types that Input allows.
func acceptsInput[T any, In Input[T]](In) {}

func TestInputConstraint(t *testing.T) {
	var seq iter.Seq[int] = func(func(int) bool) {}
	var seq2 iter.Seq2[int, error] = func(func(int, error) bool) {}
	acceptsInput[int](seq)
	acceptsInput[int](func(func(int) bool) {})
	acceptsInput[int](seq2)
	acceptsInput[int](func(func(int, error) bool) {})
	_ = Item[string]{Index: SourceIndex(1), Value: "x"}
}
