package pipegenimpl

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// item is the item type of these tests: a producer's number and its
// sequence number.
type item struct {
	from, seq int
}

// watchdog fails the test if it is not stopped within d: the tests below
// synchronize with handshakes, and a lost item or wake-up shows as a hang.
func watchdog(t *testing.T, d time.Duration) (stop func()) {
	t.Helper()
	done := make(chan struct{})
	fired := make(chan struct{})
	go func() {
		defer close(fired)
		select {
		case <-done:
		case <-time.After(d):
			t.Errorf("watchdog: no progress in %v", d)
			buf := make([]byte, 1<<20)
			t.Logf("%s", buf[:runtimeStack(buf)])
		}
	}()
	return func() { close(done); <-fired }
}

// run sends n items from each of producers goroutines through a queue to
// consumers goroutines and checks that each item arrives exactly once.
// pause, if not nil, runs between items (after Publish).
func run(t *testing.T, capacity, maxBatch, producers, consumers, n int, pause func(from, seq int)) {
	t.Helper()
	q := NewQueue[item](capacity, maxBatch, producers, consumers)
	done := make(chan struct{})
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			w := q.Writer(nil)
			defer w.Close(done)
			for i := range n {
				it := w.Next(done)
				if it == nil {
					t.Error("Next failed without a stop")
					return
				}
				*it = item{p, i}
				publish(w)
				if pause != nil {
					pause(p, i)
				}
			}
		})
	}
	seen := make([][]atomic.Int32, producers)
	for p := range seen {
		seen[p] = make([]atomic.Int32, n)
	}
	for range consumers {
		wg.Go(func() {
			rd := q.Reader()
			for {
				it, ok := rd.Next(done)
				if !ok {
					return
				}
				seen[it.from][it.seq].Add(1)
			}
		})
	}
	wg.Wait()
	for p := range seen {
		for i := range seen[p] {
			if c := seen[p][i].Load(); c != 1 {
				t.Fatalf("item %d of producer %d arrived %d times", i, p, c)
			}
		}
	}
}

func TestQueueDeliversEveryItemOnce(t *testing.T) {
	stop := watchdog(t, time.Minute)
	defer stop()
	for _, c := range []struct{ capacity, batch, producers, consumers, n int }{
		{1024, 256, 1, 1, 20000},
		{1024, 256, 4, 1, 5000},
		{1024, 256, 1, 4, 20000},
		{1024, 256, 4, 4, 5000},
		{64, 16, 3, 5, 3000},
		{1, 256, 2, 3, 2000},
		{0, 256, 2, 2, 1000},
		{16, 1, 3, 3, 2000},
	} {
		t.Run(fmt.Sprintf("cap%d-batch%d-p%d-c%d", c.capacity, c.batch, c.producers, c.consumers), func(t *testing.T) {
			run(t, c.capacity, c.batch, c.producers, c.consumers, c.n, nil)
			// With producers that yield now and then, so that consumers
			// often find the queue empty and take published items.
			run(t, c.capacity, c.batch, c.producers, c.consumers, c.n/4, func(from, seq int) {
				if (seq+from)%7 == 0 {
					time.Sleep(0) // a yield, not a synchronization
				}
			})
		})
	}
}

// TestQueueKeepsOrderOfOneProducer checks that with one producer and one
// consumer, items arrive in the order they were written, whichever way
// they travel (full batches, or published items taken by an idle
// consumer).
func TestQueueKeepsOrderOfOneProducer(t *testing.T) {
	stop := watchdog(t, time.Minute)
	defer stop()
	for _, capacity := range []int{0, 1, 7, 1024} {
		q := NewQueue[item](capacity, 256, 1, 1)
		done := make(chan struct{})
		const n = 30000
		go func() {
			w := q.Writer(nil)
			defer w.Close(done)
			r := rand.New(rand.NewPCG(1, uint64(capacity)))
			for i := range n {
				*w.Next(done) = item{0, i}
				publish(w)
				if r.IntN(50) == 0 {
					time.Sleep(0)
				}
			}
		}()
		rd := q.Reader()
		want := 0
		for {
			it, ok := rd.Next(done)
			if !ok {
				break
			}
			if it.seq != want {
				t.Fatalf("capacity %d: got item %d, want %d", capacity, it.seq, want)
			}
			want++
		}
		if want != n {
			t.Fatalf("capacity %d: got %d items, want %d", capacity, want, n)
		}
	}
}

// TestQueuePublishedItemReachesWaitingConsumer is the live input: the
// producer writes item k and then waits until the consumer has it before
// it writes k+1. Batching must not hold k back. It runs after a fast
// prefix, so that batches are full-size when the handshake starts, and
// with several consumers.
func TestQueuePublishedItemReachesWaitingConsumer(t *testing.T) {
	stop := watchdog(t, time.Minute)
	defer stop()
	for _, consumers := range []int{1, 3} {
		for _, prefix := range []int{0, 20000} {
			q := NewQueue[item](1024, 256, 1, consumers)
			done := make(chan struct{})
			got := make(chan int, consumers)
			var wg sync.WaitGroup
			const live = 300
			wg.Go(func() {
				w := q.Writer(nil)
				defer w.Close(done)
				for i := range prefix + live {
					*w.Next(done) = item{0, i}
					publish(w)
					if i >= prefix {
						// Block until the consumer saw it: a socket
						// waiting for the response.
						if k := <-got; k != i {
							t.Errorf("handshake: got %d, want %d", k, i)
						}
					}
				}
			})
			for range consumers {
				wg.Go(func() {
					rd := q.Reader()
					for {
						it, ok := rd.Next(done)
						if !ok {
							return
						}
						if it.seq >= prefix {
							got <- it.seq
						}
					}
				})
			}
			wg.Wait()
		}
	}
}

// TestQueueBlockedItemDoesNotHoldItsBatch: a consumer blocks on one item
// of a full batch; its idle sibling must take the rest, and the blocked
// one is released only when every other item has arrived.
func TestQueueBlockedItemDoesNotHoldItsBatch(t *testing.T) {
	stop := watchdog(t, time.Minute)
	defer stop()
	for _, consumers := range []int{2, 4} {
		q := NewQueue[item](1024, 256, 1, consumers)
		done := make(chan struct{})
		const n, blocker = 20500, 20000
		var received atomic.Int32
		release := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			w := q.Writer(nil)
			defer w.Close(done)
			for i := range n {
				*w.Next(done) = item{0, i}
				publish(w)
			}
		})
		for range consumers {
			wg.Go(func() {
				rd := q.Reader()
				for {
					it, ok := rd.Next(done)
					if !ok {
						return
					}
					if it.seq == blocker {
						<-release
					}
					if received.Add(1) == n-1 {
						close(release) // all but the blocker arrived
					}
				}
			})
		}
		wg.Wait()
		if got := received.Load(); got != n {
			t.Fatalf("%d consumers: %d items arrived, want %d", consumers, got, n)
		}
	}
}

// TestQueueStaysWithinCapacity checks that the FIFO never holds more than
// the capacity, with a consumer slower than its producers.
func TestQueueStaysWithinCapacity(t *testing.T) {
	stop := watchdog(t, time.Minute)
	defer stop()
	const capacity = 64
	q := NewQueue[item](capacity, 256, 3, 1)
	q.Watch()
	done := make(chan struct{})
	var wg sync.WaitGroup
	for p := range 3 {
		wg.Go(func() {
			w := q.Writer(nil)
			defer w.Close(done)
			for i := range 3000 {
				*w.Next(done) = item{p, i}
				publish(w)
			}
		})
	}
	rd := q.Reader()
	for k := 0; ; k++ {
		if k%64 == 0 {
			if queued := q.Stats.Queued.Load(); queued > capacity {
				t.Fatalf("the FIFO holds %d items, more than its capacity %d", queued, capacity)
			}
			time.Sleep(0)
		}
		if _, ok := rd.Next(done); !ok {
			break
		}
	}
	wg.Wait()
}

// TestQueueSynchronousHandOver: with capacity 0, a producer's Flush
// returns only once a consumer has taken the batch. The consumer takes
// item i only after the producer is inside Flush(i), and gives the
// producer time to return early (yields, many of them) before it checks
// that Flush(i) has not returned.
func TestQueueSynchronousHandOver(t *testing.T) {
	stop := watchdog(t, time.Minute)
	defer stop()
	q := NewQueue[item](0, 256, 1, 1)
	done := make(chan struct{})
	var returned atomic.Int32
	flushing := make(chan struct{})
	go func() {
		w := q.Writer(nil)
		defer w.Close(done)
		for i := range 100 {
			*w.Next(done) = item{0, i}
			// Not published: only Flush hands it over.
			flushing <- struct{}{}
			if !w.Flush(done) {
				t.Error("Flush failed")
			}
			returned.Add(1)
		}
	}()
	rd := q.Reader()
	for i := range 100 {
		<-flushing
		for range 100 {
			runtime.Gosched()
		}
		if got := returned.Load(); got != int32(i) {
			t.Fatalf("Flush of item %d returned before a consumer took it", i)
		}
		if it, ok := rd.Next(done); !ok || it.seq != i {
			t.Fatalf("got %v, %v; want item %d", it, ok, i)
		}
	}
}

// TestQueueStops checks that a closed done releases a producer waiting for
// room and a consumer waiting for items.
func TestQueueStops(t *testing.T) {
	stop := watchdog(t, time.Minute)
	defer stop()
	q := NewQueue[item](4, 1, 1, 1)
	done := make(chan struct{})
	var wg sync.WaitGroup
	blocked := make(chan struct{})
	wg.Go(func() {
		w := q.Writer(nil)
		defer w.Close(done)
		for i := 0; ; i++ {
			it := w.Next(done)
			if it == nil {
				return
			}
			*it = item{0, i}
			if i == 3 {
				close(blocked)
			}
		}
	})
	<-blocked
	close(done)
	wg.Wait()

	q2 := NewQueue[item](4, 1, 1, 2)
	done2 := make(chan struct{})
	w := q2.Writer(nil)
	for range 2 {
		wg.Go(func() {
			if _, ok := q2.Reader().Next(done2); ok {
				t.Error("got an item from an empty queue")
			}
		})
	}
	close(done2)
	wg.Wait()
	w.Close(done2)
}

// TestQueueMemoryGrowsWithContent: a queue of the largest capacity and
// batches of one item costs little until it holds something.
func TestQueueMemoryGrowsWithContent(t *testing.T) {
	before := heapAlloc()
	q := NewQueue[item](1<<24, 1, 1, 1)
	after := heapAlloc()
	if grew := after - before; grew > 1<<20 {
		t.Fatalf("an empty queue of capacity 1<<24 took %d bytes", grew)
	}
	done := make(chan struct{})
	w := q.Writer(nil)
	*w.Next(done) = item{}
	w.Close(done)
	if _, ok := q.Reader().Next(done); !ok {
		t.Fatal("the item did not arrive")
	}
}

// TestNoLostWakeUp replays, step by step in one goroutine, the
// interleaving that once lost a wake-up (issue 10): a consumer waits, is
// woken, takes the item, processes it and waits again before the producer
// is back from its last hand-over; the producer then publishes. The
// consumer must be told: a wake-up must be pending.
func TestNoLostWakeUp(t *testing.T) {
	q := NewQueue[item](1024, 256, 1, 1)
	done := make(chan struct{})
	w, rd := q.Writer(nil), q.Reader()
	rd.own = make([]item, q.batch)

	// The consumer finds nothing and counts itself in as waiting.
	q.waiting.Add(1)
	if rd.anything() {
		t.Fatal("an empty queue offers something")
	}
	// The producer publishes: the consumer is told.
	*w.Next(done) = item{0, 0}
	publish(w)
	select {
	case <-q.wake:
	default:
		t.Fatal("publishing to a waiting consumer left no wake-up")
	}
	// The consumer wakes, takes the item, and waits again at once.
	q.waiting.Add(-1)
	if it := rd.steal(); it == nil || it.seq != 0 {
		t.Fatalf("the woken consumer took %v, want item 0", it)
	}
	q.waiting.Add(1)
	if rd.anything() {
		t.Fatal("a drained queue offers something")
	}
	// Only now does the producer publish again: the waiting consumer must
	// be told again, whatever the producer did in between.
	*w.Next(done) = item{0, 1}
	publish(w)
	select {
	case <-q.wake:
	default:
		t.Fatal("the second publish left the waiting consumer asleep")
	}
	q.waiting.Add(-1)
	if it := rd.steal(); it == nil || it.seq != 1 {
		t.Fatalf("took %v, want item 1", it)
	}
}
