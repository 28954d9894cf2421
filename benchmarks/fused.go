package benchmarks

import "github.com/pipegen/pipegen/benchmarks/pg"

// The fused implementation: every workload as one sequential loop that calls
// the stage functions in turn, with no goroutine and no queue. It is the
// limit the concurrent versions are measured against (except W2 and W3,
// where concurrency can beat it), and its checksum is the reference.

// fusedW1 runs W1w1 and W1w4 (worker counts do not apply to a loop).
func fusedW1(n int) (uint64, error) {
	var sum uint64
	for i := range n {
		v := pg.Mul(i)
		if !pg.Even(v) {
			continue
		}
		for _, c := range pg.Pair(v) {
			sum += uint64(c)
		}
	}
	return sum, nil
}

func fusedW2(n int) (uint64, error) {
	var sum uint64
	for i := range n {
		d := pg.Hash(i)
		if pg.Low(d) {
			sum += pg.Word(d)
		}
	}
	return sum, nil
}

func fusedW3(n int) (uint64, error) {
	var sum uint64
	for i := range n {
		v := pg.Sleep(i)
		if pg.NotDiv3(v) {
			sum += uint64(v)
		}
	}
	return sum, nil
}

func fusedW4(n int) (uint64, error) {
	h := hashInit
	for i := range n {
		v := pg.Mul(i)
		if !pg.Even(v) {
			continue
		}
		for _, c := range pg.Pair(v) {
			h = mix(h, c)
		}
	}
	return h, nil
}

// fusedW5 sends each element through branch A, then through branch B: the
// same multiset the concurrent versions sum.
func fusedW5(n int) (uint64, error) {
	var sum uint64
	for i := range n {
		sum += uint64(pg.BranchA(i))
		sum += uint64(pg.BranchB(i))
	}
	return sum, nil
}
