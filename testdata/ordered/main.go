// ordered restores input order: after a map with many workers, after a
// flatmap (children follow their parent), after a concat (ties broken by
// branch), twice in one pipeline.
package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

//pipegen:map workers=8
func Slow(x int) int {
	time.Sleep(time.Duration(x%3) * time.Millisecond)
	return x
}

//pipegen:flatmap workers=4
func Spell(x int) []string { return strings.Split(fmt.Sprint(x), "") }

//pipegen:filter
func NotZero(s string) bool { return s != "0" }

//pipegen:map
func Label(x int) string { return fmt.Sprint("#", x) }

//pipegen:pipeline InOrder = Slow | ordered
//pipegen:pipeline Digits = Slow | Spell | ordered | NotZero | ordered
//pipegen:pipeline Merged(a, b) = concat(a | Slow, b | Slow) | ordered | Label

func main() {
	ctx := context.Background()
	var ints []int
	for v, err := range InOrder(ctx, slices.Values([]int{5, 4, 3, 2, 1, 0, 10, 20})) {
		if err != nil {
			panic(err)
		}
		ints = append(ints, v)
	}
	fmt.Println("InOrder", ints)
	var digits []string
	for d, err := range Digits(ctx, slices.Values([]int{105, 7, 230})) {
		if err != nil {
			panic(err)
		}
		digits = append(digits, d)
	}
	fmt.Println("Digits", digits)
	var labels []string
	for l, err := range Merged(ctx, slices.Values([]int{1, 2, 3}), slices.Values([]int{-1})) {
		if err != nil {
			panic(err)
		}
		labels = append(labels, l)
	}
	fmt.Println("Merged", labels)
}
