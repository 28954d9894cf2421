//go:build pipegen_other_build

package main

import (
	"context"
	"slices"
)

// A file of another build names elsewhere: its code must exist there too.
var _ = func() {
	for range elsewhere(context.Background(), slices.Values([]int{1})) {
	}
}
