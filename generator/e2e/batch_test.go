package e2e

import (
	"context"
	"sync"
	"testing"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// TestMaxBatchOneDeliversATricklingInput feeds one element at a time and
// yields the next only once the previous one has come out of the other
// end. If an element were held back in a batch, the pipeline would stall:
// the watchdog fails the test.
//
// This needs pipegen.MaxBatch(1). With batching, the feeder of an input
// cannot know that its input is about to block: an element it batched
// while the first stage's workers were busy waits for the input's next
// element (the README says so). Workers have no such gap: they send what
// they hold before they wait, which the Dup → Square hop here checks.
func TestMaxBatchOneDeliversATricklingInput(t *testing.T) {
	seen := make(chan int, 1)
	src := func(yield func(int) bool) {
		for i := range 200 {
			if !yield(i) {
				return
			}
			select {
			case <-seen:
			case <-time.After(10 * time.Second):
				t.Errorf("element %d did not come out: held in a batch", i)
				return
			}
		}
	}
	n := 0
	for v, err := range Twice(context.Background(), src, pipegen.MaxBatch(1)) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n%2 == 1 {
			seen <- v // the first copy of each element
		}
	}
	if n != 400 {
		t.Fatalf("got %d elements, want 400", n)
	}
	noLeaks(t)
}

// TestSlowStageSpreadsElements checks that a stage whose elements are slow
// gets them one at a time, so that each worker has its own: Gate lets no
// element through until four are inside at once, which needs the four
// workers of Gate to hold one each. Batched in one worker, they would
// wait for each other forever (the watchdog fails the test).
func TestSlowStageSpreadsElements(t *testing.T) {
	var mu sync.Mutex
	inside := 0
	all := make(chan struct{})
	gate := func(x int) int {
		mu.Lock()
		if inside++; inside == 4 {
			close(all)
		}
		mu.Unlock()
		select {
		case <-all:
		case <-time.After(10 * time.Second):
			t.Errorf("element %d waited alone: elements were not spread over the workers", x)
		}
		return x
	}
	gateHook = gate
	defer func() { gateHook = func(x int) int { return x } }()
	got, err := collect(t, gated(context.Background(), func(yield func(int) bool) {
		for i := range 4 {
			if !yield(i) {
				return
			}
		}
	}))
	if err != nil || len(got) != 4 {
		t.Fatalf("got %v, %v", got, err)
	}
	noLeaks(t)
}
