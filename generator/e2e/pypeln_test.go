package e2e

// Ports of pypeln's behavioural tests (tests/test_map.py, test_filter.py,
// test_flat_map.py, test_each.py, test_concat.py, test_ordered.py,
// test_from_iterable.py, test_to_iterable.py) to pipegen pipelines. pypeln
// checks them with hypothesis over random lists; here each runs over a few
// fixed and random inputs. Where a pypeln test has a pipegen equivalent
// elsewhere in this package, it is named here:
//
//	test_map: id keeps order with one worker      TestOneWorkerPerStageKeepsOrder
//	test_map: squares, many workers (multiset)    TestPypelnMapSquares
//	test_map: errors, on_start/on_done            TestStageErrorStopsPipeline, TestWorkerHooks, TestDoneRunsOnEveryPath
//	test_map: timeout                             TestTimeoutDropsHangingElement, TestTimeoutCanFailThePipeline
//	test_filter: keep some, keep none             TestFilterAndFlatMap, TestPypelnFilterRemovesEverything
//	test_flat_map: zero and many children         TestPypelnFlatMapZeroAndMany
//	test_each: run for side effects               TestEachPipelineReturnsError
//	test_concat: sources of different lengths     TestConcatOfInputsOfDifferentLengths
//	test_ordered: squares in order; concat ties   TestPypelnMapSquares, TestOrderedConcatBreaksTiesByBranch
//	test_from_iterable / to_iterable: empty input, break, Seq2 input
//	                                              TestEmptyInput, TestBreakStopsEverything, TestInputSeq2ErrorFailsPipeline
//	element_index / return_index                  TestStageSeesElementIndex, TestWithIndexYieldsIndices
//	stage reuse                                   TestBroadcastRunsSharedStageOncePerElement

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomInts returns n random ints in [0, 1000) from a fixed seed.
func randomInts(seed uint64, n int) []int {
	r := rand.New(rand.NewPCG(seed, 1))
	s := make([]int, n)
	for i := range s {
		s[i] = r.IntN(1000)
	}
	return s
}

func TestPypelnMapSquares(t *testing.T) {
	for seed := range uint64(5) {
		in := randomInts(seed, int(seed)*97)
		var want []int
		for _, x := range in {
			want = append(want, x*x)
		}
		got, err := collect(t, Squares(context.Background(), slices.Values(in)))
		if err != nil || !slices.Equal(sorted(got), sorted(want)) {
			t.Fatalf("seed %d: Squares differ as a multiset (%v)", seed, err)
		}
		got, err = collect(t, squaresInOrder(context.Background(), slices.Values(in)))
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("seed %d: squares | ordered not in input order (%v)", seed, err)
		}
	}
	noLeaks(t)
}

func TestPypelnFilterRemovesEverything(t *testing.T) {
	got, err := collect(t, rejected(context.Background(), slices.Values(randomInts(1, 500))))
	if err != nil || len(got) != 0 {
		t.Fatalf("rejected = %v, %v; want nothing", got, err)
	}
	noLeaks(t)
}

func TestPypelnFlatMapZeroAndMany(t *testing.T) {
	got, err := collect(t, none(context.Background(), slices.Values(randomInts(2, 300))))
	if err != nil || len(got) != 0 {
		t.Fatalf("none = %v, %v; want nothing", got, err)
	}
	in := []int{3, 0, 1, 4}
	got, err = collect(t, many(context.Background(), slices.Values(in)))
	if want := []int{3, 3, 3, 1, 4, 4, 4, 4}; err != nil || !slices.Equal(got, want) {
		t.Fatalf("many = %v, %v; want %v", got, err, want)
	}
	noLeaks(t)
}
