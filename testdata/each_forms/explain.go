package main

import (
	"errors"
	"fmt"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// explain describes err without the worker number, which depends on
// scheduling.
func explain(err error) string {
	var se *pipegen.StageError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s/%s at element %s: %v", se.Pipeline, se.Stage, se.Index, se.Err)
	}
	return fmt.Sprint(err)
}
