// Pipelines may use other pipelines: they are inlined, and declaration
// order does not matter.
package main

import (
	"context"
	"fmt"
	"slices"
)

//pipegen:map
func Inc(x int) int { return x + 1 }

//pipegen:map
func Double(x int) int { return 2 * x }

//pipegen:pipeline Both = Step | Double | Step
//pipegen:pipeline Step(x) = x | Inc

func main() {
	var got []int
	for v, err := range Both(context.Background(), slices.Values([]int{1, 2})) {
		if err != nil {
			panic(err)
		}
		got = append(got, v)
	}
	slices.Sort(got)
	fmt.Println(got)
}
