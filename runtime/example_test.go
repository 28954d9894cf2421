package pipegen_test

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"

	pipegen "github.com/pipegen/pipegen/runtime"
)

func ExampleIndex_String() {
	x := pipegen.SourceIndex(17) // the 18th element of the input
	y := x.Child(2).Child(0)     // its 3rd child's 1st child, after two flatmaps
	fmt.Println(x, y)
	fmt.Println(y.Source(), y.Path())
	// Output:
	// 17 17.2.0
	// 17 [2 0]
}

func ExampleCompare() {
	xs := []pipegen.Index{
		pipegen.SourceIndex(2),
		pipegen.SourceIndex(1).Child(1),
		pipegen.SourceIndex(1),
		pipegen.SourceIndex(1).Child(0),
	}
	slices.SortFunc(xs, pipegen.Compare) // source order, parents first
	fmt.Println(xs)
	// Output: [1 1.0 1.1 2]
}

func ExampleStageError() {
	// err stands for the error returned by a generated pipeline, wrapped by
	// the caller's code.
	err := fmt.Errorf("making thumbnails: %w", &pipegen.StageError{
		Pipeline: "Thumbnails", Stage: "Decode", Worker: 1,
		Index: pipegen.SourceIndex(3), Err: fs.ErrNotExist,
	})

	var se *pipegen.StageError
	if errors.As(err, &se) {
		fmt.Printf("stage %s failed on element %s: %v\n", se.Stage, se.Index, se.Err)
	}
	fmt.Println(errors.Is(err, fs.ErrNotExist))
	// Output:
	// stage Decode failed on element 3: file does not exist
	// true
}
