// flatmap stages returning iter.Seq, with and without ctx and error.
package main

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
)

//pipegen:flatmap
func Range(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

//pipegen:flatmap workers=2
func Repeat(ctx context.Context, n int) (iter.Seq[int], error) {
	if n > 5 {
		return nil, errors.New("too many")
	}
	return slices.Values(slices.Repeat([]int{n}, n)), nil
}

//pipegen:pipeline Triangle = Range | Repeat

func main() {
	ctx := context.Background()
	var got []int
	for v, err := range Triangle(ctx, slices.Values([]int{1, 3})) {
		if err != nil {
			panic(err)
		}
		got = append(got, v)
	}
	slices.Sort(got)
	fmt.Println("Triangle", got)
	for _, err := range Triangle(ctx, slices.Values([]int{7})) {
		if err != nil {
			fmt.Println("error:", explain(err))
		}
	}
}
