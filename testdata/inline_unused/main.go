// A lower-case pipeline that is only inlined in other pipelines, and that
// the package's code never names, generates no code of its own: here
// inner and middle. One that the code names (even only with WithIndex, or
// in a test, or in a file of another build) keeps its functions, as do an
// exported one and one that nothing inlines.
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

// No code: inlined in middle, itself inlined only.
//pipegen:pipeline inner = Double

// No code: inlined in Chain.
//pipegen:pipeline middle = inner | Inc

// Code: inlined in Chain, and named below (its WithIndex variant).
//pipegen:pipeline indexed = Inc

// Code: inlined in Chain, and named only by main_test.go.
//pipegen:pipeline tested = Double

// Code: inlined in Chain, and named only by a file of another build.
//pipegen:pipeline elsewhere = Inc

// Code: exported.
//pipegen:pipeline Twice = Double

// Code: inlined nowhere (it is unused, but it is all there is of it).
//pipegen:pipeline alone = Inc

//pipegen:pipeline Chain = middle | indexed | tested | elsewhere | Twice | ordered

func main() {
	ctx := context.Background()
	// A local variable named like a pipeline is no use of the pipeline.
	middle := []int{1, 2, 3}
	for v, err := range Chain(ctx, slices.Values(middle)) {
		if err != nil {
			panic(err)
		}
		fmt.Println("Chain", v)
	}
	for it, err := range indexedWithIndex(ctx, slices.Values([]int{10})) {
		if err != nil {
			panic(err)
		}
		fmt.Println("indexed", it.Index, it.Value)
	}
}
