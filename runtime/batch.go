package pipegen

import (
	"sync/atomic"
	"time"
)

// DefaultMaxBatch is the largest batch, in elements, that generated queues
// move at once unless the [MaxBatch] option says otherwise. A hand-over
// between goroutines costs hundreds of nanoseconds on small machines, so
// moving elements in batches is what makes a pipeline of cheap stages fast;
// 64 elements make that cost a few nanoseconds per element.
const DefaultMaxBatch = 64

// BatchTarget is how long a consumer should take over one batch. Batches
// are sized so that one takes about this long to process: a slow stage
// gets one element at a time, so that its elements never wait behind each
// other in one worker while another worker is free.
const BatchTarget = 50 * time.Microsecond

// Batching sizes the batches of one generated queue and tells producers
// when to send a batch before it is full. Producers send a batch when it
// reaches [Batching.SendAt] elements, which is the limit, or one element
// when every consumer waits; and they send what they hold before they
// wait themselves. Consumers report how long each batch took
// ([Batching.Observe]), which sets the limit.
//
// The limit starts at one element and doubles with every batch processed
// quickly, up to the queue's maximum, so that a new or slow stage sees
// elements one at a time and a fast one soon sees full batches.
type Batching struct {
	max       int32
	consumers int32
	limit     atomic.Int32
	// sendAt is limit, or 1 while every consumer waits: the next element
	// a producer holds is then sent at once, and that send restores it.
	sendAt  atomic.Int32
	waiting atomic.Int32
}

// QueueBatches returns, for a queue that holds up to size elements, the
// largest batch (at most maxBatch, at least 1) and the number of batches
// its channel holds, so that it never holds more than size elements.
func QueueBatches(size, maxBatch int) (batch, slots int) {
	batch = min(max(size, 1), max(maxBatch, 1))
	return batch, size / batch
}

// Init sets up the batching of a queue whose batches hold up to max
// elements and that consumers goroutines read.
func (b *Batching) Init(max, consumers int) {
	b.max = int32(max)
	b.consumers = int32(consumers)
	b.limit.Store(1)
	b.sendAt.Store(1)
}

// SendAt is the size at which a producer sends its batch.
func (b *Batching) SendAt() int {
	return int(b.sendAt.Load())
}

// Sent records that a producer sent a batch: if every consumer was
// waiting, one of them now has work, and batches fill up again.
func (b *Batching) Sent() {
	if limit := b.limit.Load(); b.sendAt.Load() != limit {
		b.sendAt.Store(limit)
	}
}

// Wait records that a consumer is about to wait for a batch; the last
// one to wait makes producers send what they hold. Woken records that it
// got one, or gave up.
func (b *Batching) Wait() {
	if b.waiting.Add(1) >= b.consumers {
		b.sendAt.Store(1)
	}
}

// Woken records that a consumer no longer waits. See [Batching.Wait].
func (b *Batching) Woken() { b.waiting.Add(-1) }

// Observe records that a consumer took busy to process a batch of n
// elements, and adapts the limit: it doubles while batches take less than
// [BatchTarget], and falls to what fits in [BatchTarget] when they take
// longer.
func (b *Batching) Observe(n int, busy time.Duration) {
	if n <= 0 {
		return
	}
	limit := b.limit.Load()
	fit := int64(BatchTarget) * int64(n) / max(int64(busy), 1)
	next := int32(min(max(fit, 1), int64(b.max)))
	if next > limit {
		next = min(next, 2*limit)
	}
	if next != limit {
		b.limit.Store(next)
		if b.sendAt.Load() != 1 {
			b.sendAt.Store(next)
		}
	}
}
