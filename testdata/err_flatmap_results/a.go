package p

import "iter"

//pipegen:flatmap
func Map(x int) map[int]string { return nil }

//pipegen:flatmap
func Chan(x int) chan int { return nil }

//pipegen:flatmap
func Array(x int) [3]int { return [3]int{} }

//pipegen:flatmap
func String(x int) string { return "" }

//pipegen:flatmap
func Seq2NoError(x int) iter.Seq2[int, int] { return nil }

//pipegen:flatmap
func PullFunc(x int) func() (int, bool) { return nil }

//pipegen:flatmap
func SliceOfSeq(x int) []iter.Seq[int] { return nil }

//pipegen:map
func Ints(x int) []int { return nil }

//pipegen:map
func Sum(xs []int) int { return 0 }

// SliceOfSeq is a flatmap: it yields iter.Seq[int] elements, which Sum
// does not take. Ints is a map: it yields whole slices, which Sum does.
//
//pipegen:pipeline P = SliceOfSeq | Sum
//pipegen:pipeline Q = Ints | Sum
