package e2e

import (
	"context"
	"slices"
	"testing"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// Stress at sizes that keep CI fast under -race; the shapes are the ones
// that break pipelines: very many workers, no buffering at all, a consumer
// slower than every stage.

func TestStressThousandWorkers(t *testing.T) {
	in := ints(20000)
	got, err := collect(t, Squares(context.Background(), slices.Values(in), pipegen.Workers("Square", 1000)))
	if err != nil || len(got) != len(in) {
		t.Fatalf("Squares with 1000 workers: %d elements, %v", len(got), err)
	}
	// And a failure among them still stops everything.
	in[12345] = FailOn
	_, err = collect(t, Checked(context.Background(), slices.Values(in), pipegen.Workers("Check", 1000)))
	if err == nil {
		t.Fatal("no error from 1000 workers with a failing element")
	}
	noLeaks(t)
}

func TestStressSynchronousQueues(t *testing.T) {
	// maxsize 0 everywhere: every hand-over is synchronous.
	opts := []pipegen.Option{
		pipegen.MaxSize("Square", 0), pipegen.MaxSize("Even", 0),
		pipegen.MaxSize("Dup", 0), pipegen.MaxSize("Check", 0),
	}
	got, err := collect(t, chain(context.Background(), slices.Values(ints(2000)), opts...))
	if err != nil || len(got) != 2000 {
		t.Fatalf("chain with synchronous queues: %d elements, %v", len(got), err)
	}
	got, err = collect(t, orderedTwice(context.Background(), slices.Values(ints(500)),
		pipegen.MaxSize("Jitter", 0), pipegen.MaxSize("Dup", 0), pipegen.MaxSize("Even", 0), pipegen.MaxSize("Jitter#2", 0)))
	if err != nil || len(got) != 500 || !slices.IsSorted(got) {
		t.Fatalf("orderedTwice with synchronous queues: %d elements, sorted %v, %v", len(got), slices.IsSorted(got), err)
	}
	noLeaks(t)
}

func TestStressSlowConsumer(t *testing.T) {
	src, pulled := counting()
	n := 0
	for _, err := range orderedShared(context.Background(), src) {
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Microsecond) // slower than every stage
		if n++; n == 200 {
			break
		}
	}
	// The window and the queues bound how far the input runs ahead.
	if p := pulled.Load(); p > 100+pipegen.DefaultWindow+4*pipegen.DefaultMaxSize {
		t.Fatalf("pulled %d elements for 200 consumed", p)
	}
	noLeaks(t)
}
