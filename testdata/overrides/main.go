// Per-pipeline overrides, an unexported pipeline, a stage shared by two
// pipelines and used twice in one, and run-time options.
package main

import (
	"context"
	"fmt"
	"slices"

	pipegen "github.com/pipegen/pipegen/runtime"
)

//pipegen:map workers=2 maxsize=8
func Inc(x int) int { return x + 1 }

//pipegen:filter
func Positive(x int) bool { return x > 0 }

//pipegen:pipeline Twice = Inc(workers=4) | Inc(maxsize=1, workers=1) | Positive
//pipegen:pipeline once = Inc | Positive(workers=3)

func main() {
	ctx := context.Background()
	sum := func(seq func(func(int, error) bool)) (s int) {
		for v, err := range seq {
			if err != nil {
				fmt.Println("error:", err)
				return -1
			}
			s += v
		}
		return s
	}
	in := slices.Values([]int{-3, -1, 0, 1, 2})
	fmt.Println("Twice", sum(Twice(ctx, in)))
	fmt.Println("once", sum(once(ctx, in)))
	fmt.Println("Twice with options", sum(Twice(ctx, in, pipegen.Workers("Inc#2", 3), pipegen.MaxSize("Inc#2", 0))))
	// Positive runs fused into Inc#2 (same workers, nothing between them).
	fmt.Println("option on a fused stage", sum(Twice(ctx, in, pipegen.MaxSize("Positive", 0))))
	fmt.Println("bad option", sum(Twice(ctx, in, pipegen.Workers("Nope", 1))))
}
