package main

import (
	"context"
	"slices"
	"testing"
)

func TestTested(t *testing.T) {
	for v, err := range tested(context.Background(), slices.Values([]int{1})) {
		if err != nil || v != 2 {
			t.Fatal(v, err)
		}
	}
}
