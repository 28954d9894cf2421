package pipegen_test

import (
	"fmt"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// A snapshot as pipegen.Stats reports it, here made by hand: the stage
// Resize has its input queue full most of the time, so it is the one to
// give more workers.
func ExampleSnapshot_Bottleneck() {
	snap := pipegen.Snapshot{
		Pipeline: "Thumbs",
		Elapsed:  2 * time.Second,
		Samples:  20,
		Stages: []pipegen.StageStats{
			{Name: "Decode", Workers: 2, In: 900, Out: 900, Full: 0.95},
			{Name: "Resize", Workers: 2, In: 880, Out: 880, Full: 0.9, Saturated: 1},
			{Name: "Encode", Workers: 2, In: 880, Out: 880, Full: 0.05},
			{Name: "output", Workers: 1, In: 880},
		},
	}
	fmt.Println(snap.Bottleneck())
	// Output:
	// bottleneck: stage Resize (its input queue was full 90% of the time, all 2 workers busy 100%): give it more workers with pipegen.Workers("Resize", n) if it can use them
}
