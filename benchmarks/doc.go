// Package benchmarks compares pipegen's generated pipelines with the other
// ways of writing the same pipelines in Go: a fused sequential loop (the
// limit), hand-written goroutines and channels (unbuffered, buffered,
// batched, and fused and batched: the limit of a pipelined design),
// github.com/destel/rill and github.com/sourcegraph/conc.
//
// Every (workload, implementation) pair is a [Cell]. Each cell returns a
// checksum of what reached the end of its pipeline; [Cell.Check] compares
// it with the fused loop's and fails on any difference. The tests of this
// package run every cell at a small size; its benchmarks (BenchmarkW1w1/fused,
// …) and the program cmd/benchtable measure them at full size.
//
// The workloads, over the source 0..N-1:
//
//	W1w1  N=2,000,000  Mul(x*3+1) | Even | Pair(x → x, x+1) | sum, 1 worker per stage
//	W1w4  the same with 4 workers per stage
//	W2    N=200,000    Hash(sha256 of 256 bytes) | Low(first byte < 128) | sum of first 8 bytes, GOMAXPROCS workers
//	W3    N=20,000     Sleep(200µs) with 64 workers | NotDiv3 | sum
//	W4    W1w4 | ordered, summed by an order-sensitive hash
//	W5    N=2,000,000  the source broadcast to BranchA(x*2) and BranchB(x+7), concatenated, summed
//
// A latency row ([Live], [MeasureLatency], BenchmarkLatency) times each
// element of a live input, one element per millisecond, from the input to
// the caller through three one-worker map stages, for pipegen and for
// hand-written unbuffered channels.
//
// The stage functions live in package pg, next to the pipegen pipelines
// built from them; every implementation calls the same functions.
package benchmarks
