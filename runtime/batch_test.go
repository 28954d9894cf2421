package pipegen

import (
	"testing"
	"time"
)

func TestQueueBatches(t *testing.T) {
	for _, c := range []struct{ size, maxBatch, batch, slots int }{
		{1024, 256, 256, 4},
		{1024, 64, 64, 16},
		{64, 256, 16, 4},
		{3, 256, 1, 3},
		{1, 256, 1, 1},
		{0, 256, 1, 0}, // synchronous
		{1000, 1, 1, 1000},
	} {
		batch, slots := QueueBatches(c.size, c.maxBatch)
		if batch != c.batch || slots != c.slots {
			t.Errorf("QueueBatches(%d, %d) = %d, %d; want %d, %d", c.size, c.maxBatch, batch, slots, c.batch, c.slots)
		}
		if batch*slots > c.size {
			t.Errorf("QueueBatches(%d, %d) holds %d elements, more than the size", c.size, c.maxBatch, batch*slots)
		}
	}
}

func TestBatchingAdapts(t *testing.T) {
	var b Batching
	b.Init(256, 2)
	if b.Limit() != 1 || b.SendAt() != 1 {
		t.Fatalf("a new queue sends batches of %d (feeders %d), want 1", b.Limit(), b.SendAt())
	}
	// Fast batches: the limit doubles, up to the maximum.
	var seen []int
	for range 12 {
		b.Observe(b.Limit(), time.Microsecond)
		seen = append(seen, b.Limit())
	}
	want := []int{2, 4, 8, 16, 32, 64, 128, 256, 256, 256, 256, 256}
	for i := range want {
		if seen[i] != want[i] {
			t.Fatalf("limits %v, want %v", seen, want)
		}
	}
	if b.SendAt() != 256 {
		t.Fatalf("feeders send at %d, want the limit", b.SendAt())
	}
	// A slow batch: the limit falls at once to what fits in BatchTarget.
	b.Observe(256, 256*BatchTarget/10) // 10 elements per BatchTarget
	if b.Limit() != 10 {
		t.Fatalf("after a slow batch the limit is %d, want 10", b.Limit())
	}
	b.Observe(1, time.Second) // very slow elements: one at a time
	if b.Limit() != 1 {
		t.Fatalf("after a very slow element the limit is %d, want 1", b.Limit())
	}
	b.Observe(0, 0) // nothing to learn from
	if b.Limit() != 1 {
		t.Fatalf("an empty batch changed the limit to %d", b.Limit())
	}
}

func TestBatchingFeedersSendWhenEveryConsumerWaits(t *testing.T) {
	var b Batching
	b.Init(256, 2)
	for range 10 {
		b.Observe(b.Limit(), time.Microsecond)
	}
	b.Wait()
	if b.SendAt() != 256 {
		t.Fatalf("one of two consumers waits: feeders send at %d, want 256", b.SendAt())
	}
	b.Wait()
	if b.SendAt() != 1 {
		t.Fatalf("both consumers wait: feeders send at %d, want 1", b.SendAt())
	}
	// A fast batch observed meanwhile must not cancel the early send.
	b.Observe(256, time.Microsecond)
	if b.SendAt() != 1 {
		t.Fatalf("an observation cancelled the early send: %d", b.SendAt())
	}
	b.Sent(1)
	if b.SendAt() != 256 {
		t.Fatalf("after the early send feeders send at %d, want 256 again", b.SendAt())
	}
	b.Woken()
	b.Woken()
	b.Sent(1)
	if b.SendAt() != 256 {
		t.Fatalf("feeders send at %d, want 256", b.SendAt())
	}
}
