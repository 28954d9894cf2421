package benchmarks

import (
	"iter"
	"runtime"
)

// Workload is one pipeline of the suite.
type Workload struct {
	Name    string // W1w1, …; also the name of its benchmark
	Summary string // what it computes, for tables
	N       int    // number of source elements at full size
}

// The workloads. Their stage functions are in package pg.
var (
	W1w1 = &Workload{"W1w1", "map x*3+1 | filter even | flatmap x,x+1 | sum; 1 worker/stage", 2_000_000}
	W1w4 = &Workload{"W1w4", "W1 with 4 workers/stage", 2_000_000}
	W2   = &Workload{"W2", "map sha256(256 B) | filter first byte<128 | sum u64; GOMAXPROCS workers/stage", 200_000}
	W3   = &Workload{"W3", "map sleep 200µs (64 workers) | filter x%3!=0 | sum", 20_000}
	W4   = &Workload{"W4", "W1w4 | ordered; order-sensitive hash", 2_000_000}
	W5   = &Workload{"W5", "broadcast to x*2 and x+7 | concat | sum; 1 worker/branch", 2_000_000}
)

// Workloads lists every workload in table order.
var Workloads = []*Workload{W1w1, W1w4, W2, W3, W4, W5}

// Worker counts per stage of the workloads.
const (
	w1Workers = 4  // W1w4 and W4
	w3Workers = 64 // W3's Sleep stage
)

// w2Workers is W2's worker count per stage: GOMAXPROCS, read at each run.
func w2Workers() int { return runtime.GOMAXPROCS(0) }

// Size is the number of source elements of w at scale (at least 1).
func (w *Workload) Size(scale float64) int {
	return max(1, int(float64(w.N)*scale+0.5))
}

// source yields 0..n-1: the input of every pipeline.
func source(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

// FNV-1a constants, used word-wise by mix.
const (
	hashInit  uint64 = 14695981039346656037
	hashPrime uint64 = 1099511628211
)

// mix folds v into the order-sensitive checksum h of W4: swapping any two
// different elements of a sequence changes the result (with overwhelming
// probability), so an implementation that loses the order fails the check.
func mix(h uint64, v int) uint64 { return (h ^ uint64(v)) * hashPrime }
