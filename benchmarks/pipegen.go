package benchmarks

import (
	"context"
	"iter"
	"time"

	"github.com/pipegen/pipegen/benchmarks/pg"
	pipegen "github.com/pipegen/pipegen/runtime"
)

// The pipegen implementation: the generated pipelines of package pg, summed
// in the caller's range loop. Each takes options, so that the
// pipegen+stats column can run the same code with statistics on.

// withStats is the option of the pipegen+stats column: statistics kept,
// and reported every 100ms to nobody.
var withStats = []pipegen.Option{pipegen.Stats(100*time.Millisecond, func(pipegen.Snapshot) {})}

// withOptions turns a runner with options into a RunFunc.
func withOptions(f func(n int, opts ...pipegen.Option) (uint64, error), opts []pipegen.Option) RunFunc {
	return func(n int) (uint64, error) { return f(n, opts...) }
}

func pipegenW1w1(n int, opts ...pipegen.Option) (uint64, error) {
	return pipegenSum(pg.W1w1(context.Background(), source(n), opts...))
}

func pipegenW1w4(n int, opts ...pipegen.Option) (uint64, error) {
	return pipegenSum(pg.W1w4(context.Background(), source(n), opts...))
}

// pipegenW2 sets the workers to GOMAXPROCS with a run-time option. pipegen
// fuses Low into Hash's workers (same worker count, nothing between them),
// so the option names Hash only: an option for Low would be rejected.
func pipegenW2(n int, opts ...pipegen.Option) (uint64, error) {
	var sum uint64
	for d, err := range pg.W2(context.Background(), source(n), append(opts, pipegen.Workers("Hash", w2Workers()))...) {
		if err != nil {
			return 0, err
		}
		sum += pg.Word(d)
	}
	return sum, nil
}

func pipegenW3(n int, opts ...pipegen.Option) (uint64, error) {
	return pipegenSum(pg.W3(context.Background(), source(n), opts...))
}

func pipegenW4(n int, opts ...pipegen.Option) (uint64, error) {
	h := hashInit
	for v, err := range pg.W4(context.Background(), source(n), opts...) {
		if err != nil {
			return 0, err
		}
		h = mix(h, v)
	}
	return h, nil
}

func pipegenW5(n int, opts ...pipegen.Option) (uint64, error) {
	return pipegenSum(pg.W5(context.Background(), source(n), opts...))
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
