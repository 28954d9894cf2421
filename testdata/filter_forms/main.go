// Every accepted signature of a filter stage.
package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

//pipegen:filter
func Odd(x int) bool { return x%2 == 1 }

//pipegen:filter workers=2
func Small(x int) (bool, error) {
	if x > 100 {
		return false, errors.New("too big")
	}
	return x < 10, nil
}

//pipegen:filter
func NotZero(ctx context.Context, x int) bool { return x != 0 }

//pipegen:filter workers=4
func Live(ctx context.Context, x int) (bool, error) { return true, ctx.Err() }

//pipegen:pipeline Filtered = NotZero | Odd | Small | Live
//pipegen:pipeline none = Odd

func main() {
	ctx := context.Background()
	var got []int
	for v, err := range Filtered(ctx, slices.Values([]int{0, 1, 2, 3, 5, 11, 12, 13})) {
		if err != nil {
			panic(err)
		}
		got = append(got, v)
	}
	slices.Sort(got)
	fmt.Println("Filtered", got)
	for _, err := range Filtered(ctx, slices.Values([]int{1, 101})) {
		if err != nil {
			fmt.Println("error:", explain(err))
		}
	}
	n := 0
	for range none(ctx, slices.Values([]int{2, 4, 6})) {
		n++
	}
	fmt.Println("none kept", n)
}
