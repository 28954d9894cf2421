// Several inputs, concat (nested too), a stage before a concat
// (broadcast to the branches) and a pipeline named several times (built
// once, its output broadcast).
package main

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
)

var squareCalls atomic.Int64

//pipegen:map workers=2
func Square(x int) int {
	squareCalls.Add(1)
	return x * x
}

//pipegen:map
func Neg(x int) int { return -x }

//pipegen:map
func Len(s string) int { return len(s) }

//pipegen:filter
func Even(x int) bool { return x%2 == 0 }

//pipegen:pipeline Merge(a, b, c) = concat(a, b | Square, c | Len) | Neg
//pipegen:pipeline Nested(a, b) = concat(concat(a, b), a | Square)
//pipegen:pipeline squares = Square
//pipegen:pipeline Thrice = concat(concat(squares, squares), squares)
//pipegen:pipeline Diamond = Square | concat(Neg, Even)

func show(name string, seq func(func(int, error) bool)) {
	var got []int
	for v, err := range seq {
		if err != nil {
			fmt.Println(name, "error:", err)
			return
		}
		got = append(got, v)
	}
	slices.Sort(got)
	fmt.Println(name, got)
}

func main() {
	ctx := context.Background()
	show("Merge", Merge(ctx, slices.Values([]int{1, 2}), slices.Values([]int{3}), slices.Values([]string{"abcd", ""})))
	show("Nested", Nested(ctx, slices.Values([]int{1, 2, 3}), slices.Values([]int{10})))
	squareCalls.Store(0)
	show("Thrice", Thrice(ctx, slices.Values([]int{1, 2, 3})))
	fmt.Println("Square calls for Thrice:", squareCalls.Load())
	show("Diamond", Diamond(ctx, slices.Values([]int{1, 2, 3})))
}
