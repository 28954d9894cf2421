package harness

import (
	"math/rand/v2"
	"testing"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// TestIdxIsPipegenIndex checks that the reference's own indices number and
// order elements as pipegen.Index does.
func TestIdxIsPipegenIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	type pair struct {
		ref Idx
		pg  pipegen.Index
	}
	var all []pair
	for range 2000 {
		src := rng.IntN(5)
		ref, pg := Idx{Src: src}, pipegen.SourceIndex(uint64(src))
		for range rng.IntN(MaxDepth + 1) {
			k := rng.IntN(3)
			if rng.IntN(2) == 0 {
				ref, pg = ref.Child(k), pg.Child(k)
			} else {
				ref, pg = ref.Branch(k), pg.Branch(k)
			}
		}
		if ref.String() != pg.String() {
			t.Fatalf("reference index %v, pipegen %v", ref, pg)
		}
		all = append(all, pair{ref, pg})
	}
	for i := range all {
		a, b := all[i], all[rng.IntN(len(all))]
		if CompareIdx(a.ref, b.ref) != pipegen.Compare(a.pg, b.pg) {
			t.Fatalf("Compare(%v, %v): reference %d, pipegen %d", a.ref, b.ref, CompareIdx(a.ref, b.ref), pipegen.Compare(a.pg, b.pg))
		}
	}
}

// TestDrawIsDeterministic checks that a seed always gives the same spec,
// and that every pipeline drawn builds.
func TestDrawIsDeterministic(t *testing.T) {
	for seed := range int64(8) {
		a := Draw(seed, DrawConfig{Pipelines: 30, Runs: 2})
		b := Draw(seed, DrawConfig{Pipelines: 30, Runs: 2})
		for i, p := range a.Pipelines {
			if p.Directive() != b.Pipelines[i].Directive() {
				t.Fatalf("seed %d: %s, then %s", seed, p.Directive(), b.Pipelines[i].Directive())
			}
			g, err := Build(a, p)
			if err != nil {
				t.Fatalf("seed %d: %s: %v", seed, p.Directive(), err)
			}
			for run := range 3 {
				plan := DrawPlan(rand.New(rand.NewPCG(uint64(seed), uint64(run))), g)
				Evaluate(g, plan.Inputs, Faults{}, plan.workers)
			}
		}
	}
}
