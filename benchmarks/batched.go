package benchmarks

import (
	"context"
	"sync"

	"github.com/pipegen/pipegen/benchmarks/pg"
)

// The chan-batched implementation: the hand-written stages of chans.go
// moving slices of up to batchSize elements instead of single elements, so
// each channel operation is paid once per batch. Batches are recycled
// through a free list (a buffered channel) per element type and run, so the
// steady state allocates nothing.

const (
	batchSize  = 256 // elements per batch
	batchQueue = 4   // capacity, in batches, of the channels between stages
)

// freeList recycles batches of one element type.
type freeList[T any] chan []T

func newFreeList[T any]() freeList[T] { return make(freeList[T], 64) }

// get returns an empty batch.
func (f freeList[T]) get() []T {
	select {
	case b := <-f:
		return b[:0]
	default:
		return make([]T, 0, batchSize)
	}
}

// put gives b back; a batch the list has no room for is left to the GC.
func (f freeList[T]) put(b []T) {
	select {
	case f <- b:
	default:
	}
}

// sendBatch sends b on out unless ctx ends first.
func sendBatch[T any](ctx context.Context, out chan<- []T, b []T) bool {
	select {
	case out <- b:
		return true
	case <-ctx.Done():
		return false
	}
}

// sourceBatches sends 0..n-1 in batches.
func sourceBatches(ctx context.Context, n int, free freeList[int]) <-chan []int {
	out := make(chan []int, batchQueue)
	go func() {
		defer close(out)
		for lo := 0; lo < n; lo += batchSize {
			b := free.get()
			for i := lo; i < min(lo+batchSize, n); i++ {
				b = append(b, i)
			}
			if !sendBatch(ctx, out, b) {
				return
			}
		}
	}()
	return out
}

// mapBatches is mapStage on batches: each input batch becomes an output
// batch of the same length.
func mapBatches[T, U any](ctx context.Context, in <-chan []T, workers int, inFree freeList[T], outFree freeList[U], f func(T) U) <-chan []U {
	out := make(chan []U, batchQueue)
	var wg sync.WaitGroup
	goMapBatches(ctx, &wg, in, out, workers, inFree, outFree, f)
	closeAfter(&wg, out)
	return out
}

// goMapBatches starts the workers of mapBatches, sending to out.
func goMapBatches[T, U any](ctx context.Context, wg *sync.WaitGroup, in <-chan []T, out chan<- []U, workers int, inFree freeList[T], outFree freeList[U], f func(T) U) {
	for range workers {
		wg.Go(func() {
			for b := range in {
				o := outFree.get()
				for _, v := range b {
					o = append(o, f(v))
				}
				inFree.put(b)
				if !sendBatch(ctx, out, o) {
					return
				}
			}
		})
	}
}

// filterBatches is filterStage on batches: it compacts each batch in place
// and sends it on unless nothing is left.
func filterBatches[T any](ctx context.Context, in <-chan []T, workers int, free freeList[T], keep func(T) bool) <-chan []T {
	out := make(chan []T, batchQueue)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for b := range in {
				kept := b[:0]
				for _, v := range b {
					if keep(v) {
						kept = append(kept, v)
					}
				}
				if len(kept) == 0 {
					free.put(b)
					continue
				}
				if !sendBatch(ctx, out, kept) {
					return
				}
			}
		})
	}
	closeAfter(&wg, out)
	return out
}

// flatMapBatches is flatMapStage on batches: f appends the children of each
// element to the current output batch, which is sent when full and at the
// end of each input batch.
func flatMapBatches[T, U any](ctx context.Context, in <-chan []T, workers int, inFree freeList[T], outFree freeList[U], f func(dst []U, v T) []U) <-chan []U {
	out := make(chan []U, batchQueue)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for b := range in {
				o := outFree.get()
				for _, v := range b {
					o = f(o, v)
					if len(o) >= batchSize {
						if !sendBatch(ctx, out, o) {
							return
						}
						o = outFree.get()
					}
				}
				inFree.put(b)
				if len(o) == 0 {
					outFree.put(o)
					continue
				}
				if !sendBatch(ctx, out, o) {
					return
				}
			}
		})
	}
	closeAfter(&wg, out)
	return out
}

// sumBatches sums the batches arriving on in, giving them back to free.
func sumBatches(in <-chan []int, free freeList[int]) uint64 {
	var sum uint64
	for b := range in {
		for _, v := range b {
			sum += uint64(v)
		}
		free.put(b)
	}
	return sum
}

func batchedW1(workers int) RunFunc {
	return func(n int) (uint64, error) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		free := newFreeList[int]()
		src := sourceBatches(ctx, n, free)
		muls := mapBatches(ctx, src, workers, free, free, pg.Mul)
		evens := filterBatches(ctx, muls, workers, free, pg.Even)
		pairs := flatMapBatches(ctx, evens, workers, free, free, appendPair)
		return sumBatches(pairs, free), nil
	}
}

func batchedW2(n int) (uint64, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	workers := w2Workers()
	ints, digests := newFreeList[int](), newFreeList[pg.Digest]()
	src := sourceBatches(ctx, n, ints)
	hashed := mapBatches(ctx, src, workers, ints, digests, pg.Hash)
	low := filterBatches(ctx, hashed, workers, digests, pg.Low)
	var sum uint64
	for b := range low {
		for _, d := range b {
			sum += pg.Word(d)
		}
		digests.put(b)
	}
	return sum, nil
}

// batchedW3 runs W3. A batch goes to one worker, which sleeps for each of
// its elements in turn: batching trades the I/O stage's parallelism for
// fewer channel operations.
func batchedW3(n int) (uint64, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	free := newFreeList[int]()
	src := sourceBatches(ctx, n, free)
	slept := mapBatches(ctx, src, w3Workers, free, free, pg.Sleep)
	kept := filterBatches(ctx, slept, 1, free, pg.NotDiv3)
	return sumBatches(kept, free), nil
}

// batchedW4 runs W4 on batches of seqItems, reordered by the consumer.
func batchedW4(n int) (uint64, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ro := newReorderer(orderWindow)
	free := newFreeList[seqItem]()
	src := make(chan []seqItem, batchQueue)
	go func() {
		defer close(src)
		for lo := 0; lo < n; lo += batchSize {
			b := free.get()
			for i := lo; i < min(lo+batchSize, n); i++ {
				if !ro.admit(ctx) {
					return
				}
				b = append(b, seqItem{seq: i, n: 1, v: i})
			}
			if !sendBatch(ctx, src, b) {
				return
			}
		}
	}()
	muls := mapBatches(ctx, src, w1Workers, free, free, seqMul)
	evens := mapBatches(ctx, muls, w1Workers, free, free, seqEven)
	pairs := flatMapBatches(ctx, evens, w1Workers, free, free, seqPair)
	h := hashInit
	emit := func(v int) { h = mix(h, v) }
	for b := range pairs {
		for _, it := range b {
			ro.put(it, emit)
		}
		free.put(b)
	}
	return h, nil
}

// batchedW5 runs W5: the source sends each batch to branch A and a copy to
// branch B, whose workers send to one shared channel.
func batchedW5(n int) (uint64, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	free := newFreeList[int]()
	toA, toB := make(chan []int, batchQueue), make(chan []int, batchQueue)
	go func() {
		defer close(toA)
		defer close(toB)
		for lo := 0; lo < n; lo += batchSize {
			a := free.get()
			for i := lo; i < min(lo+batchSize, n); i++ {
				a = append(a, i)
			}
			b := append(free.get(), a...)
			if !sendBatch(ctx, toA, a) || !sendBatch(ctx, toB, b) {
				return
			}
		}
	}()
	out := make(chan []int, batchQueue)
	var wg sync.WaitGroup
	goMapBatches(ctx, &wg, toA, out, 1, free, free, pg.BranchA)
	goMapBatches(ctx, &wg, toB, out, 1, free, free, pg.BranchB)
	closeAfter(&wg, out)
	return sumBatches(out, free), nil
}
