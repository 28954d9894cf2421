package pipegen

import (
	"sync/atomic"
	"time"
)

// DefaultMaxBatch is the largest batch, in elements, that generated queues
// move at once unless the [MaxBatch] option says otherwise. A hand-over
// between goroutines costs hundreds of nanoseconds on small machines, so
// moving elements in batches is what makes a pipeline of cheap stages fast;
// 256 elements make that cost about a nanosecond per element.
const DefaultMaxBatch = 256

// BatchTarget is how long a consumer should take over one batch. Batches
// are sized so that one takes about this long to process: a slow stage
// gets one element at a time, so that its elements never wait behind each
// other in one worker while another worker is free.
const BatchTarget = 50 * time.Microsecond

// Batching sizes the batches of one generated queue and tells producers
// when to send a batch before it is full. A worker sends its batch when it
// reaches [Batching.Limit] elements, and whenever it takes a batch of its
// own input, so that what it made never waits for more than one batch of
// work. An input's feeder cannot tell when its input will block: it sends
// at [Batching.SendAt], which falls to one element while every consumer
// waits. Consumers report how long each batch took ([Batching.Observe]),
// which sets the limit.
//
// The limit starts at one element and doubles with every batch processed
// quickly, up to the queue's maximum, so that a new or slow stage sees
// elements one at a time and a fast one soon sees full batches.
type Batching struct {
	max       int32
	consumers int32
	limit     atomic.Int32
	// hungry is set while every consumer waits: the next element a
	// feeder holds is then sent at once, and that send clears it.
	hungry  atomic.Bool
	waiting atomic.Int32

	// Statistics, kept only when the call asked for them (see [Stats]).
	stats  bool
	full   atomic.Int32 // producers waiting for room
	taken  atomic.Int64 // elements consumers took
	queued atomic.Int64 // elements in the channel
	busy   atomic.Int64 // nanoseconds consumers spent on batches
}

// QueueBatches returns, for a queue that holds up to size elements, the
// largest batch (a quarter of size, at most maxBatch, at least 1) and the
// number of batches its channel holds, so that it never holds more than
// size elements. Four batches or more give producers and consumers the
// slack to run without waiting for each other at every batch.
func QueueBatches(size, maxBatch int) (batch, slots int) {
	batch = min(max(size/4, 1), max(maxBatch, 1))
	return batch, size / batch
}

// Init sets up the batching of a queue whose batches hold up to max
// elements and that consumers goroutines read.
func (b *Batching) Init(max, consumers int) {
	b.max = int32(max)
	b.consumers = int32(consumers)
	b.limit.Store(1)
}

// Limit is the size at which a worker sends its batch.
func (b *Batching) Limit() int {
	return int(b.limit.Load())
}

// SendAt is the size at which an input's feeder sends its batch: the
// limit, or 1 while every consumer waits.
func (b *Batching) SendAt() int {
	if b.hungry.Load() {
		return 1
	}
	return int(b.limit.Load())
}

// Sent records that a producer sent a batch of n elements: if every
// consumer was waiting, one of them now has work, and batches fill up
// again.
func (b *Batching) Sent(n int) {
	if b.stats {
		b.queued.Add(int64(n))
	}
	if b.hungry.Load() {
		b.hungry.Store(false)
	}
}

// Wait records that a consumer is about to wait for a batch; the last
// one to wait makes producers send what they hold. Woken records that it
// got one, or gave up.
func (b *Batching) Wait() {
	if b.waiting.Add(1) >= b.consumers {
		b.hungry.Store(true)
	}
}

// WaitRoom records that a producer found the queue full and waits for
// room; GotRoom that it no longer does. The statistics count a queue as
// full while a producer waits.
func (b *Batching) WaitRoom() { b.full.Add(1) }

// GotRoom records that a producer no longer waits for room. See
// [Batching.WaitRoom].
func (b *Batching) GotRoom() { b.full.Add(-1) }

// Woken records that a consumer no longer waits. See [Batching.Wait].
func (b *Batching) Woken() { b.waiting.Add(-1) }

// Took records that a consumer took a batch of n elements.
func (b *Batching) Took(n int) {
	if b.stats {
		b.queued.Add(-int64(n))
		b.taken.Add(int64(n))
	}
}

// Observe records that a consumer took busy to process a batch of n
// elements, and adapts the limit: it doubles while batches take less than
// [BatchTarget], and falls to what fits in [BatchTarget] when they take
// longer.
func (b *Batching) Observe(n int, busy time.Duration) {
	if n <= 0 {
		return
	}
	if b.stats {
		b.busy.Add(int64(busy))
	}
	limit := b.limit.Load()
	fit := int64(BatchTarget) * int64(n) / max(int64(busy), 1)
	next := int32(min(max(fit, 1), int64(b.max)))
	if next > limit {
		next = min(next, 2*limit)
	}
	if next != limit {
		b.limit.Store(next)
	}
}
