package benchmarks

import (
	"sync/atomic"

	"github.com/pipegen/pipegen/benchmarks/pg"
	"github.com/sourcegraph/conc/pool"
	"github.com/sourcegraph/conc/stream"
)

// The conc implementation (github.com/sourcegraph/conc v0.3.0). conc has no
// channels between stages: it runs tasks (closures) on bounded goroutine
// pools. A pipeline is written as one pool per stage, each task submitting
// its result as a task of the next stage's pool, and the last stage adding
// to a shared atomic sum. Waiting for the pools in stage order waits for
// everything, since a stage's tasks have submitted all of theirs by the
// time its pool is done. The ordered W4 uses conc's stream package instead:
// a stream runs its tasks on a pool and their callbacks one at a time in
// submission order, so chaining streams through the callbacks keeps the
// source order.

// concPool is a pool of at most workers goroutines.
func concPool(workers int) *pool.Pool { return pool.New().WithMaxGoroutines(workers) }

func concW1(workers int) RunFunc {
	return func(n int) (uint64, error) {
		var sum atomic.Uint64
		muls, evens, pairs := concPool(workers), concPool(workers), concPool(workers)
		for i := range n {
			muls.Go(func() {
				v := pg.Mul(i)
				evens.Go(func() {
					if !pg.Even(v) {
						return
					}
					pairs.Go(func() {
						var s uint64
						for _, c := range pg.Pair(v) {
							s += uint64(c)
						}
						sum.Add(s)
					})
				})
			})
		}
		muls.Wait()
		evens.Wait()
		pairs.Wait()
		return sum.Load(), nil
	}
}

func concW2(n int) (uint64, error) {
	var sum atomic.Uint64
	workers := w2Workers()
	hashes, lows := concPool(workers), concPool(workers)
	for i := range n {
		hashes.Go(func() {
			d := pg.Hash(i)
			lows.Go(func() {
				if pg.Low(d) {
					sum.Add(pg.Word(d))
				}
			})
		})
	}
	hashes.Wait()
	lows.Wait()
	return sum.Load(), nil
}

func concW3(n int) (uint64, error) {
	var sum atomic.Uint64
	sleeps, kept := concPool(w3Workers), concPool(1)
	for i := range n {
		sleeps.Go(func() {
			v := pg.Sleep(i)
			kept.Go(func() {
				if pg.NotDiv3(v) {
					sum.Add(uint64(v))
				}
			})
		})
	}
	sleeps.Wait()
	kept.Wait()
	return sum.Load(), nil
}

// concW4 chains three streams: each callback (run in order) submits the
// element to the next stream; the last one's callbacks fold the hash, so no
// atomic is needed.
func concW4(n int) (uint64, error) {
	h := hashInit
	newStream := func() *stream.Stream { return stream.New().WithMaxGoroutines(w1Workers) }
	muls, evens, pairs := newStream(), newStream(), newStream()
	for i := range n {
		muls.Go(func() stream.Callback {
			v := pg.Mul(i)
			return func() {
				evens.Go(func() stream.Callback {
					keep := pg.Even(v)
					return func() {
						if !keep {
							return
						}
						pairs.Go(func() stream.Callback {
							cs := pg.Pair(v)
							return func() {
								for _, c := range cs {
									h = mix(h, c)
								}
							}
						})
					}
				})
			}
		})
	}
	muls.Wait()
	evens.Wait()
	pairs.Wait()
	return h, nil
}

// concW5 submits each element to both branch pools: the broadcast is the
// source loop itself, and the concat is the shared sum.
func concW5(n int) (uint64, error) {
	var sum atomic.Uint64
	as, bs := concPool(1), concPool(1)
	for i := range n {
		as.Go(func() { sum.Add(uint64(pg.BranchA(i))) })
		bs.Go(func() { sum.Add(uint64(pg.BranchB(i))) })
	}
	as.Wait()
	bs.Wait()
	return sum.Load(), nil
}
