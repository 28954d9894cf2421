package pipegenimpl

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Queue is the bounded queue between the stages of a generated pipeline:
// its producers (the goroutines that send to it) fill batches of items, and
// its consumers take them. I is a generated item type: an element with its
// index, and for ordered terms its share of its source position.
//
// A hand-over between goroutines costs a hundred times a cheap stage, so
// items travel in batches. Batching must never hold an item back from a
// consumer that waits for it, and a consumer blocked on one item must never
// hold the rest of its batch back from its idle siblings. Both hold here
// because every batch, the one a producer fills and the one a consumer
// works through, can be taken by another goroutine at any time:
//
//   - A producer publishes each item as it writes it ([Writer.Publish], one
//     atomic add). A consumer that finds nothing to do takes what the
//     producers have published, and a producer that publishes while a
//     consumer waits wakes it. So a producer may block anywhere (in the
//     user's input iterator, in a stage function, waiting for room) and
//     what it made still reaches an idle consumer at once.
//   - A consumer with siblings claims the items of its batch one at a time
//     ([Reader.Next], one atomic add); an idle sibling takes half of what is
//     left. So a stage call that blocks holds up its own item only.
//
// Full batches go through a FIFO of batches whose memory grows with what it
// holds; the queue holds at most its capacity in items there (what
// producers are filling and consumers are working through is theirs, as
// before a channel send and after a receive).
type Queue[I any] struct {
	batch     int // the largest batch
	capacity  int // items the FIFO holds at most: the stage's maxsize
	consumers int

	writers []writerSlot[I] // one per producer
	readers []readerSlot[I] // one per consumer, when there are several
	nextW   atomic.Int32    // writers handed out
	nextR   atomic.Int32    // readers handed out
	left    atomic.Int32    // producers not done yet

	// waiting counts the consumers that found nothing and are about to
	// park or parked; wake tells one of them to look again. A producer
	// checks waiting after it publishes, a consumer looks for items after
	// it counts itself in: whichever comes second sees the other.
	waiting atomic.Int32
	wake    chan struct{}
	// searching counts the consumers looking for items, awake; while one
	// does, producers wake nobody (it will find what they publish).
	searching atomic.Int32
	// ends is closed when the last producer is done.
	ends chan struct{}
	// batches mirrors len(fifo), for the same handshake with waiting.
	batches atomic.Int32
	// inFlight counts batches that a consumer of several has taken off the
	// FIFO or off a sibling but not made visible in its own slot yet, and
	// installs counts the times one did; a consumer leaves at the end only
	// when neither moved while it found nothing to take.
	inFlight atomic.Int32
	installs atomic.Uint64

	mu     sync.Mutex
	fifo   [][]I // full batches, oldest at head, circular
	head   int
	queued int // items in fifo
	pushed uint64
	popped uint64
	free   [][]I // emptied batches, for reuse
	// roomWaiters are the wake-up channels of the producers waiting for
	// room, first come first.
	roomWaiters []chan struct{}

	// Stats is nil unless the run keeps statistics.
	Stats *QueueStats
}

// QueueStats are the counters of one queue that statistics read.
type QueueStats struct {
	// Taken counts the items consumers took; Queued those in the FIFO now,
	// and Peak the most it held.
	Taken, Queued, Peak atomic.Int64
	// Full counts the producers waiting for room right now.
	Full atomic.Int32
	// Busy and Idle are the nanoseconds consumers spent on batches and
	// waiting for one.
	Busy, Idle atomic.Int64
	// waiting is the queue's count of idle consumers.
	waiting *atomic.Int32
}

// Waiting returns the number of the queue's consumers waiting for items.
func (s *QueueStats) Waiting() int {
	return int(s.waiting.Load())
}

// queued records that the FIFO holds n more items (fewer if negative).
func (s *QueueStats) queued(n int) {
	now := s.Queued.Add(int64(n))
	for {
		peak := s.Peak.Load()
		if now <= peak || s.Peak.CompareAndSwap(peak, now) {
			return
		}
	}
}

// Bits of a slot's state word: two 31-bit fields and a lock bit.
const (
	fieldBits = 31
	fieldMask = 1<<fieldBits - 1
	lockBit   = uint64(1) << 63
	// MaxBatch is the largest batch a queue moves.
	MaxBatch = 1 << 24
)

// writerSlot is a producer's batch as other goroutines see it. Its state
// holds head (the first item not taken yet) and count (items published);
// items [head, count) of buf can be taken by a consumer, which locks the
// slot while it copies them. The owner swaps buf only while it holds the
// lock itself.
type writerSlot[I any] struct {
	state atomic.Uint64
	buf   []I
	count *Counter       // what the producer's stage sent, nil without statistics
	_     [128 - 40]byte // keep slots of different goroutines on their own cache lines
	// pending is set while items [head, count) wait to be taken. It has a
	// cache line of its own, which consumers read instead of state: a
	// consumer that looks for items would otherwise make every publish of
	// the producer miss the cache. It changes only when items come to
	// wait after none did, and when they are taken.
	pending atomic.Uint32
	_       [128 - 4]byte
}

// readerSlot is a consumer's batch as its siblings see it. Its state holds
// cursor (the next item to claim) and end (the first item not its own);
// items [cursor, end) can be taken by an idle sibling, which moves end
// down and locks the slot while it copies them.
type readerSlot[I any] struct {
	state atomic.Uint64
	buf   []I
	_     [128 - 32]byte
}

func pack(lo, hi int) uint64 { return uint64(lo) | uint64(hi)<<fieldBits }

func unpack(s uint64) (lo, hi int) {
	return int(s & fieldMask), int(s >> fieldBits & fieldMask)
}

// NewQueue returns a queue that holds up to capacity items (at least one
// batch), in batches of up to maxBatch, for the given numbers of producer
// and consumer goroutines. A capacity of 0 makes every hand-over
// synchronous: a producer waits until its batch of one item is taken.
func NewQueue[I any](capacity, maxBatch, producers, consumers int) *Queue[I] {
	batch := min(max(capacity/4, 1), max(min(maxBatch, MaxBatch), 1))
	q := &Queue[I]{
		batch:     batch,
		capacity:  capacity,
		consumers: consumers,
		writers:   make([]writerSlot[I], producers),
		wake:      make(chan struct{}, 1),
		ends:      make(chan struct{}),
		fifo:      make([][]I, 4),
	}
	if consumers > 1 {
		q.readers = make([]readerSlot[I], consumers)
	}
	q.left.Store(int32(producers))
	if producers == 0 {
		q.close()
	}
	return q
}

// Watch makes the queue keep the counters that statistics read.
func (q *Queue[I]) Watch() *QueueStats {
	q.Stats = &QueueStats{waiting: &q.waiting}
	return q.Stats
}

// wanted reports whether a producer that has just made items available
// must wake a consumer: one waits, and none is awake looking. Waking only
// when no consumer looks keeps a producer faster than its consumers from
// paying a wake-up per item, while every item still reaches a waiting
// consumer at once: the consumer that looks counts itself out before its
// last look, and producers check after they publish.
func (q *Queue[I]) wanted() bool {
	return q.waiting.Load() > 0 && q.searching.Load() == 0
}

// signal wakes a waiting consumer, if none is being woken already.
func (q *Queue[I]) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// newBuffer returns an empty batch; q.mu is held.
func (q *Queue[I]) newBuffer() []I {
	if n := len(q.free); n > 0 {
		b := q.free[n-1]
		q.free = q.free[:n-1]
		return b
	}
	return make([]I, q.batch)
}

// keep puts an emptied batch on the free list, if it has room; q.mu is
// held. The list holds at most as many batches as the queue and its
// producers and consumers can use at once.
func (q *Queue[I]) keep(b []I) {
	if b == nil || cap(b) != q.batch || len(q.free) >= q.capacity/q.batch+len(q.writers)+q.consumers+2 {
		return
	}
	clear(b[:cap(b)])
	q.free = append(q.free, b[:cap(b)])
}

// push appends a full batch of the writer w to the FIFO, waiting for room.
// It reports false if done is closed first.
func (q *Queue[I]) push(done <-chan struct{}, b []I, w *Writer[I]) bool {
	q.mu.Lock()
	for q.queued > 0 && q.queued+len(b) > q.capacity {
		if !q.waitRoom(done, w) {
			return false
		}
	}
	n := int(q.batches.Load())
	if n == len(q.fifo) {
		q.grow()
	}
	q.fifo[(q.head+n)%len(q.fifo)] = b
	q.queued += len(b)
	q.pushed++
	seq := q.pushed
	q.batches.Store(int32(n + 1))
	if q.Stats != nil {
		q.Stats.queued(len(b))
	}
	if q.queued < q.capacity {
		// Room is left: the next producer waiting for room may use it.
		q.wakeProducer()
	}
	q.mu.Unlock()
	if q.wanted() {
		q.signal()
	}
	if q.capacity == 0 {
		// A synchronous hand-over: wait until a consumer has the batch.
		q.mu.Lock()
		for q.popped < seq {
			if !q.waitRoom(done, w) {
				return false
			}
		}
		q.mu.Unlock()
	}
	return true
}

// waitRoom waits, with q.mu held, until a consumer has taken a batch off
// the FIFO; q.mu is held again when it returns true, released when it
// returns false (done was closed). Producers wait in line: a batch taken
// wakes the first (see wakeProducer).
func (q *Queue[I]) waitRoom(done <-chan struct{}, w *Writer[I]) bool {
	q.roomWaiters = append(q.roomWaiters, w.wakeup)
	var since time.Time
	if q.Stats != nil {
		q.Stats.Full.Add(1)
		since = time.Now()
	}
	q.mu.Unlock()
	var ok bool
	select {
	case <-w.wakeup:
		ok = true
	case <-done:
	}
	q.mu.Lock()
	if i := slices.Index(q.roomWaiters, w.wakeup); i >= 0 {
		q.roomWaiters = slices.Delete(q.roomWaiters, i, i+1)
	}
	if q.Stats != nil {
		q.Stats.Full.Add(-1)
		if c := w.slot.count; c != nil {
			c.blocked.Add(int64(time.Since(since)))
		}
	}
	if !ok {
		q.mu.Unlock()
	}
	return ok
}

// wakeProducer wakes the first producer waiting for room; q.mu is held. A
// queue of capacity 0 wakes every one of them instead: each waits for its
// own batch to be taken.
func (q *Queue[I]) wakeProducer() {
	if len(q.roomWaiters) == 0 {
		return
	}
	waiters := q.roomWaiters[:1]
	if q.capacity == 0 {
		waiters = q.roomWaiters
	}
	for _, w := range waiters {
		select {
		case w <- struct{}{}:
		default:
		}
	}
}

// grow doubles the FIFO's ring; q.mu is held.
func (q *Queue[I]) grow() {
	n := int(q.batches.Load())
	ring := make([][]I, max(2*len(q.fifo), 4))
	for i := range n {
		ring[i] = q.fifo[(q.head+i)%len(q.fifo)]
	}
	q.fifo, q.head = ring, 0
}

// pop takes the oldest batch off the FIFO, after putting old, a batch the
// caller is done with, on the free list. counted tells the bookkeeping of
// consumers of several that the batch is in flight.
func (q *Queue[I]) pop(old []I, counted bool) ([]I, bool) {
	q.mu.Lock()
	q.keep(old)
	n := int(q.batches.Load())
	if n == 0 {
		q.mu.Unlock()
		return nil, false
	}
	b := q.fifo[q.head]
	q.fifo[q.head] = nil
	q.head = (q.head + 1) % len(q.fifo)
	q.queued -= len(b)
	q.popped++
	q.batches.Store(int32(n - 1))
	if counted {
		q.inFlight.Add(1)
	}
	if q.Stats != nil {
		q.Stats.queued(-len(b))
	}
	// Producers waiting for room are woken once the FIFO is half empty,
	// not at every batch taken: each then sends several batches per
	// wake-up, which costs far more than a batch.
	if q.capacity == 0 || q.queued <= q.capacity/2 {
		q.wakeProducer()
	}
	q.mu.Unlock()
	return b, true
}

// close marks the end of the queue: no producer will send anything more.
func (q *Queue[I]) close() {
	close(q.ends)
}

// Writer returns the end of the queue for one producer goroutine. Each
// producer must take exactly one, and close it when it is done. c counts
// what it sends, for the statistics; nil counts nothing.
func (q *Queue[I]) Writer(c *Counter) *Writer[I] {
	i := int(q.nextW.Add(1)) - 1
	q.writers[i].count = c
	return &Writer[I]{q: q, slot: &q.writers[i], wakeup: make(chan struct{}, 1)}
}

// Writer is one producer goroutine's end of a queue: the batch it fills.
// Items are written in place: [Writer.Next] returns the next free item,
// and [Writer.Publish] hands everything written since the last Publish to
// the consumers. Publish before anything that may block, so that what the
// goroutine made never waits for it.
type Writer[I any] struct {
	_    [64]byte // the writer changes n for every item: keep others' data off its cache lines
	q    *Queue[I]
	slot *writerSlot[I]
	buf  []I // the slot's buffer, as its owner sees it
	n    int // items written
	pub  int // items published
	// last is the slot's state after the last publish, of d items.
	last uint64
	d    int
	// wakeup is where the writer waits for room in the queue.
	wakeup chan struct{}
	_      [64]byte
}

// Slot returns the next free item of the batch, to be filled and then
// published, or nil when the batch is full: Next then sends it first.
// Slot is small enough for the compiler to inline, and is what generated
// code calls for every item.
func (w *Writer[I]) Slot() *I {
	if i := w.n; i < len(w.buf) {
		w.n = i + 1
		return &w.buf[i]
	}
	return nil
}

// Next returns the next free item of the batch, to be filled and then
// published. When the batch is full it is sent first, which waits for room
// in the queue; Next returns nil if done is closed first.
func (w *Writer[I]) Next(done <-chan struct{}) *I {
	if p := w.Slot(); p != nil {
		return p
	}
	if !w.refill(done) {
		return nil
	}
	return w.Slot()
}

// Publish hands the items written since the last call to the consumers:
// from now on an idle consumer may take them. It reports whether a
// consumer may have to be told, which [Writer.Wake] does; the two are
// apart so that the compiler inlines Publish, which generated code calls
// for every item:
//
//	if out.Publish() {
//		out.Wake()
//	}
func (w *Writer[I]) Publish() bool {
	d := w.n - w.pub
	if d <= 0 {
		return false
	}
	w.last = w.slot.state.Add(uint64(d) << fieldBits)
	w.pub = w.n
	w.d = d
	return int(w.last>>fieldBits&fieldMask)-d == int(w.last&fieldMask) || w.q.waiting.Load() > 0
}

// Wake follows a Publish that reported true: it says that items wait,
// if none did before, and wakes a consumer if one must be.
func (w *Writer[I]) Wake() {
	if head, count := unpack(w.last); count-w.d == head {
		w.slot.pending.Store(1)
	}
	if w.q.wanted() {
		w.q.signal()
	}
}

// refill makes room in a full batch: it sends the batch, or starts the
// first one.
func (w *Writer[I]) refill(done <-chan struct{}) bool {
	if w.buf == nil {
		w.q.mu.Lock()
		b := w.q.newBuffer()
		w.q.mu.Unlock()
		// No consumer looks at the slot before its first publish.
		w.slot.buf, w.buf = b, b
		return true
	}
	return w.Flush(done)
}

// Flush sends what the batch holds, if anything, and starts a new one. It
// waits for room in the queue, and reports false if done is closed first.
func (w *Writer[I]) Flush(done <-chan struct{}) bool {
	s := w.lock()
	head, _ := unpack(s)
	w.slot.pending.Store(0)
	if head == w.n {
		// Nothing left: consumers took everything published.
		w.n, w.pub = 0, 0
		w.slot.state.Store(0)
		return true
	}
	b := w.buf[head:w.n]
	if head > 0 {
		b = w.buf[:copy(w.buf, b)]
	}
	w.q.mu.Lock()
	next := w.q.newBuffer()
	w.q.mu.Unlock()
	w.slot.buf, w.buf = next, next
	w.n, w.pub = 0, 0
	w.slot.state.Store(0)
	w.slot.count.addSent(len(b))
	return w.q.push(done, b, w)
}

// lock takes the lock of the writer's own slot, waiting out a consumer
// that is copying items from it, and returns the state it locked.
func (w *Writer[I]) lock() uint64 {
	for {
		s := w.slot.state.Load()
		if s&lockBit == 0 && w.slot.state.CompareAndSwap(s, s|lockBit) {
			return s
		}
		runtime.Gosched()
	}
}

// Close sends what is left and records that the producer is done; the
// last one ends the queue.
func (w *Writer[I]) Close(done <-chan struct{}) {
	if w.n > 0 {
		w.Flush(done)
	}
	if w.q.left.Add(-1) == 0 {
		w.q.close()
	}
}

// Reader returns the end of the queue for one consumer goroutine. Each
// consumer must take exactly one.
func (q *Queue[I]) Reader() *Reader[I] {
	rd := &Reader[I]{q: q}
	if q.readers != nil {
		rd.slot = &q.readers[int(q.nextR.Add(1))-1]
	}
	return rd
}

// Reader is one consumer goroutine's end of a queue: the batch it works
// through.
type Reader[I any] struct {
	_    [64]byte // the reader changes next for every item: keep others' data off its cache lines
	q    *Queue[I]
	slot *readerSlot[I] // nil for the only consumer
	buf  []I
	// next and end delimit the items left, for the only consumer; with
	// siblings the slot's state does.
	next, end int
	fifo      bool      // buf came off the FIFO: give it back when done
	own       []I       // where the reader copies the items it takes
	since     time.Time // when the batch was taken, with statistics
	idle      func()    // runs before the reader waits, if set
	_         [64]byte
}

// OnIdle makes the reader call f each time before it waits for items.
func (rd *Reader[I]) OnIdle(f func()) { rd.idle = f }

// Next returns the next item. ok is false once the queue has ended and
// nothing is left to take, or if done is closed first. The item stays
// valid until the next call.
func (rd *Reader[I]) Next(done <-chan struct{}) (it *I, ok bool) {
	if p := rd.Take(); p != nil {
		return p, true
	}
	return rd.claim(done)
}

// Take returns the next item of the batch that the reader, the only
// consumer of its queue, works through, or nil when the batch is done
// (or the reader has siblings): Next then gets the next batch. Take is
// small enough for the compiler to inline, and is what generated code
// calls for every item:
//
//	if it = queue.Take(); it == nil {
//		if it, ok = queue.Next(done); !ok {
//			…
//		}
//	}
func (rd *Reader[I]) Take() *I {
	if i := rd.next; i < rd.end {
		rd.next = i + 1
		return &rd.buf[i]
	}
	return nil
}

// claim is Next past the items the only consumer has left, or for a
// consumer with siblings, which claims each item with an atomic add on
// its slot (siblings may take the rest).
func (rd *Reader[I]) claim(done <-chan struct{}) (*I, bool) {
	if rd.slot != nil {
		s := rd.slot.state.Add(1)
		cursor, end := unpack(s)
		if cursor <= end {
			return &rd.buf[cursor-1], true
		}
	}
	return rd.fetch(done)
}

// fetch gets a batch: off the FIFO, else what a producer published, else
// half of what a sibling has left; else it waits. See Next.
func (rd *Reader[I]) fetch(done <-chan struct{}) (*I, bool) {
	q := rd.q
	if q.Stats != nil && !rd.since.IsZero() {
		q.Stats.Busy.Add(int64(time.Since(rd.since)))
	}
	rd.release()
	old := rd.buf
	if !rd.fifo {
		old = nil
	}
	rd.buf, rd.fifo = nil, false
	// While the reader looks, producers need not wake anyone: see
	// Queue.wanted.
	q.searching.Add(1)
	for {
		if b, ok := q.pop(old, rd.slot != nil); ok {
			rd.stopSearching()
			return rd.install(b, true), true
		}
		old = nil
		if it := rd.steal(); it != nil {
			rd.stopSearching()
			return it, true
		}
		select {
		case <-q.ends:
			if rd.ended() {
				q.searching.Add(-1)
				return nil, false
			}
			runtime.Gosched()
			continue
		case <-done:
			q.searching.Add(-1)
			return nil, false
		default:
		}
		// Nothing to take: count in as waiting and out as looking, look
		// once more (a producer that published before it saw us is seen
		// now), and park.
		if rd.idle != nil {
			rd.idle()
		}
		q.waiting.Add(1)
		q.searching.Add(-1)
		if q.batches.Load() > 0 || rd.anything() {
			q.waiting.Add(-1)
			q.searching.Add(1)
			continue
		}
		var since time.Time
		if q.Stats != nil {
			since = time.Now()
		}
		select {
		case <-q.wake:
		case <-q.ends:
		case <-done:
			q.waiting.Add(-1)
			return nil, false
		}
		q.waiting.Add(-1)
		q.searching.Add(1)
		if q.Stats != nil {
			q.Stats.Idle.Add(int64(time.Since(since)))
		}
	}
}

// stopSearching counts the reader out of the consumers looking for items,
// having found some: if more wait and a sibling waits, it wakes one, as
// producers wake nobody while a consumer looks.
func (rd *Reader[I]) stopSearching() {
	q := rd.q
	q.searching.Add(-1)
	if q.consumers > 1 && q.wanted() && (q.batches.Load() > 0 || rd.published()) {
		q.signal()
	}
}

// published reports whether a producer has published items that wait.
func (rd *Reader[I]) published() bool {
	for i := range rd.q.writers {
		if rd.q.writers[i].pending.Load() != 0 {
			return true
		}
	}
	return false
}

// install makes b the reader's batch and returns its first item. Items
// left over are offered to a waiting sibling.
func (rd *Reader[I]) install(b []I, fifo bool) *I {
	q := rd.q
	rd.buf, rd.fifo = b, fifo
	if q.Stats != nil {
		rd.since = time.Now()
	}
	if rd.slot == nil {
		rd.next, rd.end = 1, len(b)
		return &b[0]
	}
	rd.slot.buf = b
	rd.slot.state.Store(pack(1, len(b)))
	q.installs.Add(1)
	q.inFlight.Add(-1)
	if len(b) > 1 && q.waiting.Load() > 0 {
		q.signal()
	}
	return &b[0]
}

// release gives up the reader's batch, once no sibling is copying from it,
// and counts the items the reader took from it.
func (rd *Reader[I]) release() {
	if rd.slot == nil {
		rd.counted(min(rd.next, rd.end))
		rd.next, rd.end = 0, 0
		return
	}
	for {
		s := rd.slot.state.Load()
		if s&lockBit == 0 && rd.slot.state.CompareAndSwap(s, 0) {
			cursor, end := unpack(s)
			rd.counted(min(cursor, end))
			return
		}
		runtime.Gosched()
	}
}

// counted adds n items taken to the statistics, if they are kept.
func (rd *Reader[I]) counted(n int) {
	if rd.q.Stats != nil && n > 0 {
		rd.q.Stats.Taken.Add(int64(n))
	}
}

// Close ends the reader's use of the queue: it counts what the reader
// took of its batch. Call it when the consumer goroutine ends.
func (rd *Reader[I]) Close() {
	if rd.slot == nil {
		rd.counted(min(rd.next, rd.end))
		rd.next, rd.end = 0, 0
		return
	}
	rd.release()
}

// steal takes what a producer published, or half of what a sibling has
// left, into the reader's own buffer and installs it. It returns nil if
// there was nothing to take.
func (rd *Reader[I]) steal() *I {
	q := rd.q
	if rd.own == nil {
		rd.own = make([]I, q.batch)
	}
	for i := range q.writers {
		if n := rd.takePublished(&q.writers[i]); n > 0 {
			return rd.install(rd.own[:n], false)
		}
	}
	for i := range q.readers {
		if s := &q.readers[i]; s != rd.slot {
			if n := rd.takeHalf(s); n > 0 {
				return rd.install(rd.own[:n], false)
			}
		}
	}
	return nil
}

// takePublished copies the items a producer published and no one has
// taken into rd.own, and returns how many. It takes none while the FIFO
// holds a batch: the producer sent that batch before it published these
// items, and with one producer and one consumer, order is kept.
func (rd *Reader[I]) takePublished(w *writerSlot[I]) int {
	if w.pending.Load() == 0 {
		return 0
	}
	s := w.state.Load()
	head, count := unpack(s)
	if s&lockBit != 0 || count == head {
		return 0
	}
	rd.moving(+1)
	if !w.state.CompareAndSwap(s, s|lockBit) {
		rd.moving(-1)
		return 0
	}
	if rd.q.batches.Load() > 0 {
		w.state.And(^lockBit)
		rd.moving(-1)
		return 0
	}
	n := copy(rd.own, w.buf[head:count])
	w.count.addSent(n)
	w.pending.Store(0)
	// Adding the lock bit to a state that has it clears it: one atomic
	// add moves head past the items taken and unlocks. Items the producer
	// published meanwhile wait: say so.
	if head, count := unpack(w.state.Add(uint64(n) + lockBit)); count > head {
		w.pending.Store(1)
	}
	return n
}

// takeHalf copies the last half (rounded up) of the items a sibling has
// not claimed yet into rd.own, and returns how many.
func (rd *Reader[I]) takeHalf(r *readerSlot[I]) int {
	for {
		s := r.state.Load()
		cursor, end := unpack(s)
		if s&lockBit != 0 || cursor >= end {
			return 0
		}
		mid := cursor + (end-cursor)/2
		rd.moving(+1)
		if !r.state.CompareAndSwap(s, pack(cursor, mid)|lockBit) {
			rd.moving(-1)
			continue
		}
		n := copy(rd.own, r.buf[mid:end])
		r.state.And(^lockBit)
		return n
	}
}

// moving counts, for a consumer with siblings, a batch on its way into
// the reader's slot (see ended); install counts it off.
func (rd *Reader[I]) moving(delta int32) {
	if rd.slot != nil {
		rd.q.inFlight.Add(delta)
	}
}

// anything reports whether there may be something to take: published items
// of a producer, or items a sibling has left.
func (rd *Reader[I]) anything() bool {
	q := rd.q
	if rd.published() {
		return true
	}
	for i := range q.readers {
		s := q.readers[i].state.Load()
		cursor, end := unpack(s)
		if s&lockBit != 0 || cursor < end {
			return true
		}
	}
	return false
}

// ended reports, once every producer is done, whether nothing is left for
// the reader: the FIFO is empty, no producer holds published items, and no
// sibling has items left or is moving a batch into view. Between two reads
// of the count of installs, with no batch in flight, a look that finds
// nothing is final.
func (rd *Reader[I]) ended() bool {
	q := rd.q
	installs := q.installs.Load()
	if q.inFlight.Load() > 0 || q.batches.Load() > 0 || rd.anything() {
		return false
	}
	return q.inFlight.Load() == 0 && q.installs.Load() == installs
}
