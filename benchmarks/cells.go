package benchmarks

import (
	"fmt"
	"regexp"
)

// RunFunc runs one implementation of a workload over the source 0..n-1 and
// returns its checksum.
type RunFunc func(n int) (uint64, error)

// Implementation names, in table order.
const (
	Fused          = "fused"
	ChanUnbuffered = "chan-unbuffered"
	ChanBuffered   = "chan-buffered"
	ChanBatched    = "chan-batched"
	FusedBatched   = "fused-batched"
	Rill           = "rill"
	Conc           = "conc"
	Pipegen        = "pipegen"
	PipegenStats   = "pipegen+stats"
)

// Impls lists the implementations in table order.
var Impls = []string{Fused, ChanUnbuffered, ChanBuffered, ChanBatched, FusedBatched, Rill, Conc, Pipegen, PipegenStats}

// runs holds every implementation of every workload, by workload then
// implementation. A missing entry is a cell the implementation cannot
// express; notApplicable says why.
var runs = map[*Workload]map[string]RunFunc{
	W1w1: {
		Fused:          fusedW1,
		ChanUnbuffered: chanW1(1, 0),
		ChanBuffered:   chanW1(1, chanBuffer),
		ChanBatched:    batchedW1(1),
		FusedBatched:   fusedBatchedW1(1),
		Rill:           rillW1(1),
		Conc:           concW1(1),
		Pipegen:        withOptions(pipegenW1w1, nil),
		PipegenStats:   withOptions(pipegenW1w1, withStats),
	},
	W1w4: {
		Fused:          fusedW1,
		ChanUnbuffered: chanW1(w1Workers, 0),
		ChanBuffered:   chanW1(w1Workers, chanBuffer),
		ChanBatched:    batchedW1(w1Workers),
		FusedBatched:   fusedBatchedW1(w1Workers),
		Rill:           rillW1(w1Workers),
		Conc:           concW1(w1Workers),
		Pipegen:        withOptions(pipegenW1w4, nil),
		PipegenStats:   withOptions(pipegenW1w4, withStats),
	},
	W2: {
		Fused:          fusedW2,
		ChanUnbuffered: chanW2(0),
		ChanBuffered:   chanW2(chanBuffer),
		ChanBatched:    batchedW2,
		FusedBatched:   fusedBatchedW2,
		Rill:           rillW2,
		Conc:           concW2,
		Pipegen:        withOptions(pipegenW2, nil),
		PipegenStats:   withOptions(pipegenW2, withStats),
	},
	W3: {
		Fused:          fusedW3,
		ChanUnbuffered: chanW3(0),
		ChanBuffered:   chanW3(chanBuffer),
		ChanBatched:    batchedW3,
		Rill:           rillW3,
		Conc:           concW3,
		Pipegen:        withOptions(pipegenW3, nil),
		PipegenStats:   withOptions(pipegenW3, withStats),
	},
	W4: {
		Fused:          fusedW4,
		ChanUnbuffered: chanW4(0),
		ChanBuffered:   chanW4(chanBuffer),
		ChanBatched:    batchedW4,
		FusedBatched:   fusedBatchedW4,
		Rill:           rillW4,
		Conc:           concW4,
		Pipegen:        withOptions(pipegenW4, nil),
		PipegenStats:   withOptions(pipegenW4, withStats),
	},
	W5: {
		Fused:          fusedW5,
		ChanUnbuffered: chanW5(0),
		ChanBuffered:   chanW5(chanBuffer),
		ChanBatched:    batchedW5,
		FusedBatched:   fusedBatchedW5,
		Rill:           rillW5,
		Conc:           concW5,
		Pipegen:        withOptions(pipegenW5, nil),
		PipegenStats:   withOptions(pipegenW5, withStats),
	},
}

// notApplicable gives, for cells without a RunFunc, the reason.
var notApplicable = map[*Workload]map[string]string{
	W3: {
		FusedBatched: "nothing to fuse: Sleep (64 workers) and NotDiv3 (1) have different worker counts, " +
			"and W3's cost is 64 sleeps at once, not the hops: batches of 256 would run the sleeps " +
			"of a batch one after another (chan-batched shows it)",
	},
}

// Cell is one implementation of one workload.
type Cell struct {
	Workload *Workload
	Impl     string
	// NA is why the implementation cannot express the workload; the cell
	// then has nothing to run.
	NA  string
	run RunFunc
}

// Name is "Workload/impl", as in the benchmarks' names.
func (c Cell) Name() string { return c.Workload.Name + "/" + c.Impl }

// Run runs the cell over 0..n-1 and returns its checksum.
func (c Cell) Run(n int) (uint64, error) {
	if c.run == nil {
		return 0, fmt.Errorf("%s: n/a: %s", c.Name(), c.NA)
	}
	return c.run(n)
}

// Cells lists every cell, workload by workload in table order, the n/a ones
// included.
func Cells() []Cell {
	var cells []Cell
	for _, w := range Workloads {
		for _, impl := range Impls {
			c := Cell{Workload: w, Impl: impl, run: runs[w][impl]}
			if c.run == nil {
				c.NA = notApplicable[w][impl]
				if c.NA == "" {
					c.NA = "not implemented"
				}
			}
			cells = append(cells, c)
		}
	}
	return cells
}

// Match returns the cells whose name matches the regular expression expr
// (every cell for "").
func Match(expr string) ([]Cell, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	var cells []Cell
	for _, c := range Cells() {
		if re.MatchString(c.Name()) {
			cells = append(cells, c)
		}
	}
	return cells, nil
}

// Expected is the reference checksum of w over 0..n-1: the fused loop's.
func Expected(w *Workload, n int) uint64 {
	sum, err := runs[w][Fused](n)
	if err != nil {
		panic(err) // the fused loops cannot fail
	}
	return sum
}

// Verify checks a checksum that cell c computed over 0..n-1 against want.
func (c Cell) Verify(n int, got, want uint64) error {
	if got != want {
		return fmt.Errorf("%s: checksum mismatch at n=%d: got %#x, want %#x (fused)", c.Name(), n, got, want)
	}
	return nil
}

// Check runs c over 0..n-1 and compares its checksum with the fused loop's.
func (c Cell) Check(n int) error {
	got, err := c.Run(n)
	if err != nil {
		return fmt.Errorf("%s: %w", c.Name(), err)
	}
	return c.Verify(n, got, Expected(c.Workload, n))
}
