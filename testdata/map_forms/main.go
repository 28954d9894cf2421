// Every accepted signature of a map stage.
package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
)

//pipegen:map
func Double(x int) int { return 2 * x }

//pipegen:map workers=2
func Parse(s string) (int, error) { return strconv.Atoi(s) }

//pipegen:map workers=3 maxsize=1
func Format(ctx context.Context, x int) string { return strconv.Itoa(x) }

//pipegen:map maxsize=0
func Check(ctx context.Context, x int) (int, error) {
	if x < 0 {
		return 0, fmt.Errorf("negative: %d", x)
	}
	return x, ctx.Err()
}

//pipegen:pipeline Plain = Double
//pipegen:pipeline WithErr = Parse | Double
//pipegen:pipeline WithCtx = Double | Format
//pipegen:pipeline WithBoth = Check | Double

func main() {
	ctx := context.Background()
	show := func(name string, seq func(func(int, error) bool)) {
		var got []int
		for v, err := range seq {
			if err != nil {
				fmt.Println(name, "error:", explain(err))
				return
			}
			got = append(got, v)
		}
		slices.Sort(got)
		fmt.Println(name, got)
	}
	show("Plain", Plain(ctx, slices.Values([]int{1, 2, 3})))
	show("WithErr", WithErr(ctx, slices.Values([]string{"4", "5"})))
	show("WithErr", WithErr(ctx, slices.Values([]string{"x"})))
	show("WithBoth", WithBoth(ctx, slices.Values([]int{7})))
	show("WithBoth", WithBoth(ctx, slices.Values([]int{-7})))
	var strs []string
	for s, err := range WithCtx(ctx, slices.Values([]int{5, 6})) {
		if err != nil {
			panic(err)
		}
		strs = append(strs, s)
	}
	slices.Sort(strs)
	fmt.Printf("WithCtx %q\n", strs)
}
