package e2e

import (
	"context"
	"sync"
	"testing"
	"time"
)

// TestSlowStageSpreadsElements checks that the elements of a batch are
// spread over a stage's idle workers: Gate lets no element through until
// four are inside at once, which needs the four workers of Gate to hold
// one each. Kept in one worker, they would wait for each other forever
// (the watchdog fails the test).
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
