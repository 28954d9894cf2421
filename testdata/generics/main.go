// Generic types instantiated as element types: a local generic struct, a
// nested instantiation, and iter.Seq from the standard library as an
// element (not as a flatmap result).
package main

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sync/atomic"
)

// Pair is a local generic type.
type Pair[K comparable, V any] struct {
	Key K
	Val V
}

//pipegen:map
func MakePair(s string) Pair[string, int] { return Pair[string, int]{s, len(s)} }

//pipegen:map
func Nest(p Pair[string, int]) Pair[int, []Pair[string, int]] {
	return Pair[int, []Pair[string, int]]{p.Val, []Pair[string, int]{p, p}}
}

//pipegen:map
func Lazy(p Pair[int, []Pair[string, int]]) iter.Seq[int] {
	return func(yield func(int) bool) {
		for _, q := range p.Val {
			if !yield(q.Val * p.Key) {
				return
			}
		}
	}
}

//pipegen:map
func Counter(seq iter.Seq[int]) *atomic.Int64 {
	var c atomic.Int64
	for v := range seq {
		c.Add(int64(v))
	}
	return &c
}

//pipegen:pipeline Generic = MakePair | Nest | Lazy | Counter

func main() {
	var got []int64
	for c, err := range Generic(context.Background(), slices.Values([]string{"a", "bb", "ccc"})) {
		if err != nil {
			panic(err)
		}
		got = append(got, c.Load())
	}
	slices.Sort(got)
	fmt.Println(got)
}
