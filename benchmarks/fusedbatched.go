package benchmarks

import (
	"context"
	"sync"

	"github.com/pipegen/pipegen/benchmarks/pg"
)

// The fused-batched implementation: the limit of any pipelined design.
// The stages that share a worker count run as one loop over each batch, so
// that the only hops left are the two that a pipeline cannot do without:
// from the source to the workers and from the workers to the consumer. Both
// carry batches of up to batchSize elements, recycled through free lists as
// in chan-batched, and every send watches ctx, once per batch.
//
// The loops call the stage functions directly (the compiler inlines the
// trivial ones), and a worker reaches its loop through one func value per
// batch, not per element.
//
// W3 has no such column (see notApplicable in cells.go).

// fuseBatches starts workers goroutines that turn each batch of in into
// one batch for the returned channel, with step appending the results of
// the whole input batch to an empty output batch. An input batch whose
// results are empty sends nothing.
func fuseBatches[T, U any](ctx context.Context, in <-chan []T, workers int, inFree freeList[T], outFree freeList[U], step func(dst []U, b []T) []U) <-chan []U {
	out := make(chan []U, batchQueue)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for b := range in {
				o := step(outFree.get(), b)
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

// stepW1 is W1's three stages fused: Mul, Even and Pair on each element of
// b in turn. Even keeps half of the products and Pair doubles those, so an
// output batch is as long as its input batch.
func stepW1(dst, b []int) []int {
	for _, x := range b {
		v := pg.Mul(x)
		if !pg.Even(v) {
			continue
		}
		dst = append(dst, pg.Pair(v)...)
	}
	return dst
}

func fusedBatchedW1(workers int) RunFunc {
	return func(n int) (uint64, error) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		free := newFreeList[int]()
		src := sourceBatches(ctx, n, free)
		pairs := fuseBatches(ctx, src, workers, free, free, stepW1)
		return sumBatches(pairs, free), nil
	}
}

// stepW2 is W2's Hash and Low fused.
func stepW2(dst []pg.Digest, b []int) []pg.Digest {
	for _, x := range b {
		if d := pg.Hash(x); pg.Low(d) {
			dst = append(dst, d)
		}
	}
	return dst
}

func fusedBatchedW2(n int) (uint64, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ints, digests := newFreeList[int](), newFreeList[pg.Digest]()
	src := sourceBatches(ctx, n, ints)
	low := fuseBatches(ctx, src, w2Workers(), ints, digests, stepW2)
	var sum uint64
	for b := range low {
		for _, d := range b {
			sum += pg.Word(d)
		}
		digests.put(b)
	}
	return sum, nil
}

// stepW5 is W5's broadcast, branches and concat fused: both branches run
// over the same input batch (the broadcast costs no copy), one after the
// other, into one output batch (the concat costs no merge). Both branches
// have one worker, so one worker runs the fused loop.
func stepW5(dst, b []int) []int {
	for _, x := range b {
		dst = append(dst, pg.BranchA(x))
	}
	for _, x := range b {
		dst = append(dst, pg.BranchB(x))
	}
	return dst
}

func fusedBatchedW5(n int) (uint64, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	free := newFreeList[int]()
	src := sourceBatches(ctx, n, free)
	out := fuseBatches(ctx, src, 1, free, free, stepW5)
	return sumBatches(out, free), nil
}

// W4, ordered. A worker turns a whole input batch into one output batch, so
// order needs no bookkeeping per element: a batch carries the position of
// its first source element, every input batch yields exactly one output
// batch (possibly empty, so that the consumer learns its positions are
// done), and the consumer emits the output batches in source order. The
// source admits a batch only when the batches in flight still fit in
// orderWindow positions, the bound of the other ordered columns and of
// pipegen's default window.

// posBatch is a batch of W4 with the source position of its first element:
// positions first..first+batchSize-1 (fewer in the last batch) went in,
// vals holds what came out of them, in order.
type posBatch struct {
	first int
	vals  []int
}

// posFreeList recycles posBatches.
type posFreeList chan *posBatch

func (f posFreeList) get() *posBatch {
	select {
	case b := <-f:
		b.vals = b.vals[:0]
		return b
	default:
		return &posBatch{vals: make([]int, 0, batchSize)}
	}
}

func (f posFreeList) put(b *posBatch) {
	select {
	case f <- b:
	default:
	}
}

// orderBatches is how many batches fit in the reorder window.
const orderBatches = orderWindow / batchSize

func fusedBatchedW4(n int) (uint64, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// tokens holds one token per batch admitted and not yet emitted; pending
	// holds the batches that arrived before an earlier one, by their index
	// in the window. Both have room for the window, so nothing grows.
	tokens := make(chan struct{}, orderBatches)
	inFree, outFree := make(posFreeList, 2*orderBatches), make(posFreeList, 2*orderBatches)
	src := make(chan *posBatch, batchQueue)
	go func() {
		defer close(src)
		for lo := 0; lo < n; lo += batchSize {
			select {
			case tokens <- struct{}{}:
			case <-ctx.Done():
				return
			}
			b := inFree.get()
			b.first = lo
			for i := lo; i < min(lo+batchSize, n); i++ {
				b.vals = append(b.vals, i)
			}
			select {
			case src <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	out := make(chan *posBatch, batchQueue)
	var wg sync.WaitGroup
	for range w1Workers {
		wg.Go(func() {
			for b := range src {
				o := outFree.get()
				o.first = b.first
				o.vals = stepW1(o.vals, b.vals)
				inFree.put(b)
				select {
				case out <- o:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	closeAfter(&wg, out)

	h := hashInit
	var pending [orderBatches]*posBatch
	next := 0 // first position not yet emitted: a multiple of batchSize
	for b := range out {
		pending[b.first/batchSize%orderBatches] = b
		for {
			// The window holds orderBatches batches, so the slot of next
			// holds next's batch or nothing.
			slot := &pending[next/batchSize%orderBatches]
			p := *slot
			if p == nil {
				break
			}
			for _, v := range p.vals {
				h = mix(h, v)
			}
			*slot = nil
			next += batchSize
			outFree.put(p)
			<-tokens
		}
	}
	return h, nil
}
