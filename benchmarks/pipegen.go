package benchmarks

import (
	"context"
	"iter"

	"github.com/pipegen/pipegen/benchmarks/pg"
	pipegen "github.com/pipegen/pipegen/runtime"
)

// The pipegen implementation: the generated pipelines of package pg, summed
// in the caller's range loop.

func pipegenW1w1(n int) (uint64, error) {
	return pipegenSum(pg.W1w1(context.Background(), source(n)))
}

func pipegenW1w4(n int) (uint64, error) {
	return pipegenSum(pg.W1w4(context.Background(), source(n)))
}

// pipegenW2 sets the workers to GOMAXPROCS with a run-time option. pipegen
// fuses Low into Hash's workers (same worker count, nothing between them),
// so the option names Hash only: an option for Low would be rejected.
func pipegenW2(n int) (uint64, error) {
	var sum uint64
	for d, err := range pg.W2(context.Background(), source(n), pipegen.Workers("Hash", w2Workers())) {
		if err != nil {
			return 0, err
		}
		sum += pg.Word(d)
	}
	return sum, nil
}

func pipegenW3(n int) (uint64, error) {
	return pipegenSum(pg.W3(context.Background(), source(n)))
}

func pipegenW4(n int) (uint64, error) {
	h := hashInit
	for v, err := range pg.W4(context.Background(), source(n)) {
		if err != nil {
			return 0, err
		}
		h = mix(h, v)
	}
	return h, nil
}

func pipegenW5(n int) (uint64, error) {
	return pipegenSum(pg.W5(context.Background(), source(n)))
}

// pipegenSum sums a pipeline's output, returning its error if it fails.
func pipegenSum(seq iter.Seq2[int, error]) (uint64, error) {
	var sum uint64
	for v, err := range seq {
		if err != nil {
			return 0, err
		}
		sum += uint64(v)
	}
	return sum, nil
}
