package benchmarks

import (
	"context"
	"sync"

	"github.com/pipegen/pipegen/benchmarks/pg"
)

// The chan-unbuffered and chan-buffered implementations: idiomatic
// hand-written Go in the style of the Go blog's "Pipelines and
// cancellation". Each stage is a pool of goroutines ranging over its input
// channel and sending to its output channel, which a sync.WaitGroup closes
// when the pool is done. Every send also watches ctx, so that an early
// return (an error, a cancelled caller) cannot leave a goroutine blocked:
// that is what production code needs and what pipegen's generated code
// does too. The two columns differ only in the capacity of the channels:
// 0 (a synchronous hand-over per element) or chanBuffer.
//
// The stage helpers are generic, so each stage function is called through a
// func value; that costs about a nanosecond, against 100 ns or more for the
// channel operations around it.

// chanBuffer is the capacity of every channel of chan-buffered.
const chanBuffer = 64

// sendSource sends 0..n-1 on a new channel of capacity size from its own
// goroutine.
func sendSource(ctx context.Context, n, size int) <-chan int {
	out := make(chan int, size)
	go func() {
		defer close(out)
		for i := range n {
			select {
			case out <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// closeAfter closes out once every goroutine of wg has ended.
func closeAfter[T any](wg *sync.WaitGroup, out chan T) {
	go func() {
		wg.Wait()
		close(out)
	}()
}

// goMap starts workers goroutines that send f(v) on out for every v of in.
func goMap[T, U any](ctx context.Context, wg *sync.WaitGroup, in <-chan T, out chan<- U, workers int, f func(T) U) {
	for range workers {
		wg.Go(func() {
			for v := range in {
				select {
				case out <- f(v):
				case <-ctx.Done():
					return
				}
			}
		})
	}
}

// mapStage is a stage of workers goroutines sending f(v) for each v of in
// on the returned channel of capacity size.
func mapStage[T, U any](ctx context.Context, in <-chan T, workers, size int, f func(T) U) <-chan U {
	out := make(chan U, size)
	var wg sync.WaitGroup
	goMap(ctx, &wg, in, out, workers, f)
	closeAfter(&wg, out)
	return out
}

// filterStage is a stage of workers goroutines passing on the elements of
// in for which keep is true.
func filterStage[T any](ctx context.Context, in <-chan T, workers, size int, keep func(T) bool) <-chan T {
	out := make(chan T, size)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for v := range in {
				if !keep(v) {
					continue
				}
				select {
				case out <- v:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	closeAfter(&wg, out)
	return out
}

// flatMapStage is a stage of workers goroutines sending on every element
// that f appends for each element of in. f appends to a buffer the worker
// reuses, so expanding an element allocates nothing.
func flatMapStage[T, U any](ctx context.Context, in <-chan T, workers, size int, f func(dst []U, v T) []U) <-chan U {
	out := make(chan U, size)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var buf []U
			for v := range in {
				buf = f(buf[:0], v)
				for _, u := range buf {
					select {
					case out <- u:
					case <-ctx.Done():
						return
					}
				}
			}
		})
	}
	closeAfter(&wg, out)
	return out
}

// appendPair is pg.Pair in append form, for flatMapStage.
func appendPair(dst []int, v int) []int { return append(dst, pg.Pair(v)...) }

// sumInts sums what arrives on in.
func sumInts(in <-chan int) uint64 {
	var sum uint64
	for v := range in {
		sum += uint64(v)
	}
	return sum
}

// chanW1 runs W1 with workers goroutines per stage and channels of
// capacity size.
func chanW1(workers, size int) RunFunc {
	return func(n int) (uint64, error) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		src := sendSource(ctx, n, size)
		muls := mapStage(ctx, src, workers, size, pg.Mul)
		evens := filterStage(ctx, muls, workers, size, pg.Even)
		pairs := flatMapStage(ctx, evens, workers, size, appendPair)
		return sumInts(pairs), nil
	}
}

func chanW2(size int) RunFunc {
	return func(n int) (uint64, error) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		workers := w2Workers()
		src := sendSource(ctx, n, size)
		digests := mapStage(ctx, src, workers, size, pg.Hash)
		low := filterStage(ctx, digests, workers, size, pg.Low)
		var sum uint64
		for d := range low {
			sum += pg.Word(d)
		}
		return sum, nil
	}
}

func chanW3(size int) RunFunc {
	return func(n int) (uint64, error) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		src := sendSource(ctx, n, size)
		slept := mapStage(ctx, src, w3Workers, size, pg.Sleep)
		kept := filterStage(ctx, slept, 1, size, pg.NotDiv3)
		return sumInts(kept), nil
	}
}

// chanW4 runs W4: W1 on seqItems (see ordered.go), put back in order by
// the consumer.
func chanW4(size int) RunFunc {
	return func(n int) (uint64, error) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ro := newReorderer(orderWindow)
		src := make(chan seqItem, size)
		go func() {
			defer close(src)
			for i := range n {
				if !ro.admit(ctx) {
					return
				}
				select {
				case src <- seqItem{seq: i, n: 1, v: i}:
				case <-ctx.Done():
					return
				}
			}
		}()
		muls := mapStage(ctx, src, w1Workers, size, seqMul)
		evens := mapStage(ctx, muls, w1Workers, size, seqEven)
		pairs := flatMapStage(ctx, evens, w1Workers, size, seqPair)
		h := hashInit
		emit := func(v int) { h = mix(h, v) }
		for it := range pairs {
			ro.put(it, emit)
		}
		return h, nil
	}
}

// chanW5 runs W5: the source goroutine sends each element to both
// branches, whose workers send their results to one shared channel.
func chanW5(size int) RunFunc {
	return func(n int) (uint64, error) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		toA, toB := make(chan int, size), make(chan int, size)
		go func() {
			defer close(toA)
			defer close(toB)
			for i := range n {
				select {
				case toA <- i:
				case <-ctx.Done():
					return
				}
				select {
				case toB <- i:
				case <-ctx.Done():
					return
				}
			}
		}()
		out := make(chan int, size)
		var wg sync.WaitGroup
		goMap(ctx, &wg, toA, out, 1, pg.BranchA)
		goMap(ctx, &wg, toB, out, 1, pg.BranchB)
		closeAfter(&wg, out)
		return sumInts(out), nil
	}
}
