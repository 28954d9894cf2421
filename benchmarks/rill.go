package benchmarks

import (
	"github.com/destel/rill"
	"github.com/pipegen/pipegen/benchmarks/pg"
)

// The rill implementation (github.com/destel/rill v0.8.1): each stage is a
// rill function over channels of rill.Try, with the same worker counts. W4
// uses the Ordered variants of every stage; W5 uses rill.Tee and rill.Merge.
// A flatmap's function returns a channel in rill, built here with
// rill.FromSlice.

// rillSum sums a stream, stopping at its first error. The deferred
// rill.DrainNB lets the stages finish in the background if it returns
// early, as rill's documentation asks.
func rillSum(in <-chan rill.Try[int]) (uint64, error) {
	defer rill.DrainNB(in)
	var sum uint64
	for t := range in {
		if t.Error != nil {
			return 0, t.Error
		}
		sum += uint64(t.Value)
	}
	return sum, nil
}

// Stage functions in the form rill takes.
func rillMul(x int) (int, error)          { return pg.Mul(x), nil }
func rillEven(x int) (bool, error)        { return pg.Even(x), nil }
func rillPair(x int) <-chan rill.Try[int] { return rill.FromSlice(pg.Pair(x), nil) }
func rillHash(x int) (pg.Digest, error)   { return pg.Hash(x), nil }
func rillLow(d pg.Digest) (bool, error)   { return pg.Low(d), nil }
func rillSleep(x int) (int, error)        { return pg.Sleep(x), nil }
func rillNotDiv3(x int) (bool, error)     { return pg.NotDiv3(x), nil }
func rillBranchA(x int) (int, error)      { return pg.BranchA(x), nil }
func rillBranchB(x int) (int, error)      { return pg.BranchB(x), nil }

// rillSource is the source as a rill stream.
func rillSource(n int) <-chan rill.Try[int] { return rill.FromSeq(source(n), nil) }

// rillW1Stages is Mul | Even | Pair with w workers per stage.
func rillW1Stages(in <-chan rill.Try[int], w int) <-chan rill.Try[int] {
	muls := rill.Map(in, w, rillMul)
	evens := rill.Filter(muls, w, rillEven)
	return rill.FlatMap(evens, w, rillPair)
}

func rillW1(workers int) RunFunc {
	return func(n int) (uint64, error) {
		return rillSum(rillW1Stages(rillSource(n), workers))
	}
}

func rillW2(n int) (uint64, error) {
	workers := w2Workers()
	digests := rill.Map(rillSource(n), workers, rillHash)
	low := rill.Filter(digests, workers, rillLow)
	defer rill.DrainNB(low)
	var sum uint64
	for t := range low {
		if t.Error != nil {
			return 0, t.Error
		}
		sum += pg.Word(t.Value)
	}
	return sum, nil
}

func rillW3(n int) (uint64, error) {
	slept := rill.Map(rillSource(n), w3Workers, rillSleep)
	return rillSum(rill.Filter(slept, 1, rillNotDiv3))
}

func rillW4(n int) (uint64, error) {
	muls := rill.OrderedMap(rillSource(n), w1Workers, rillMul)
	evens := rill.OrderedFilter(muls, w1Workers, rillEven)
	pairs := rill.OrderedFlatMap(evens, w1Workers, rillPair)
	defer rill.DrainNB(pairs)
	h := hashInit
	for t := range pairs {
		if t.Error != nil {
			return 0, t.Error
		}
		h = mix(h, t.Value)
	}
	return h, nil
}

func rillW5(n int) (uint64, error) {
	toA, toB := rill.Tee(rillSource(n))
	return rillSum(rill.Merge(rill.Map(toA, 1, rillBranchA), rill.Map(toB, 1, rillBranchB)))
}
