package pipegen_test

import (
	"context"
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

// In a program, options go to a generated pipeline:
//
//	err := Thumbnails(ctx, files, pipegen.Workers("Decode", 8))
//
// The examples below use NewRun, which the generated code calls with its
// stages' settings, to show the result.

func ExampleWorkers() {
	stages := []pipegen.StageConfig{{Name: "Decode", Workers: 4, MaxSize: pipegen.DefaultMaxSize}}
	opts := []pipegen.Option{pipegen.Workers("Decode", 8)}

	run, err := pipegen.NewRun(context.Background(), "Thumbnails", stages, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer run.Stop()
	fmt.Println(run.Workers("Decode"))
	// Output: 8
}

func ExampleMaxSize() {
	stages := []pipegen.StageConfig{{Name: "Save", Workers: 1, MaxSize: pipegen.DefaultMaxSize}}
	opts := []pipegen.Option{pipegen.MaxSize("Save", 0)} // hand over synchronously

	run, err := pipegen.NewRun(context.Background(), "Thumbnails", stages, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer run.Stop()
	fmt.Println(run.MaxSize("Save"))
	// Output: 0
}

func ExampleOption() {
	stages := []pipegen.StageConfig{{Name: "Decode", Workers: 4, MaxSize: pipegen.DefaultMaxSize}}
	opts := []pipegen.Option{pipegen.Workers("Resize", 2), pipegen.MaxSize("Decode", -1)}

	_, err := pipegen.NewRun(context.Background(), "Thumbnails", stages, opts)
	fmt.Println(err)
	// Output: pipeline Thumbnails: bad option: Workers("Resize", 2): no stage named "Resize" (stages: Decode); MaxSize("Decode", -1): maxsize must be from 0 to 16777216
}
