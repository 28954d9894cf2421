// Every accepted signature of an each stage; pipelines ending in each
// return only an error.
package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
)

var total atomic.Int64

//pipegen:each
func Add(x int) { total.Add(int64(x)) }

//pipegen:each workers=2
func AddChecked(x int) error {
	if x < 0 {
		return errors.New("negative")
	}
	total.Add(int64(x))
	return nil
}

//pipegen:each
func AddCtx(ctx context.Context, x int) { total.Add(int64(x)) }

//pipegen:each workers=3
func AddCtxErr(ctx context.Context, x int) error {
	total.Add(int64(x))
	return ctx.Err()
}

//pipegen:map
func Inc(x int) int { return x + 1 }

//pipegen:pipeline SumAll = Add
//pipegen:pipeline SumChecked = Inc | AddChecked
//pipegen:pipeline sumCtx = AddCtx
//pipegen:pipeline SumCtxErr = Inc | Inc | AddCtxErr

func main() {
	ctx := context.Background()
	in := slices.Values([]int{1, 2, 3, 4})
	for _, run := range []struct {
		name string
		f    func() error
	}{
		{"SumAll", func() error { return SumAll(ctx, in) }},
		{"SumChecked", func() error { return SumChecked(ctx, in) }},
		{"sumCtx", func() error { return sumCtx(ctx, in) }},
		{"SumCtxErr", func() error { return SumCtxErr(ctx, in) }},
		{"SumChecked(-5)", func() error { return SumChecked(ctx, slices.Values([]int{-5})) }},
	} {
		total.Store(0)
		err := run.f()
		fmt.Println(run.name, total.Load(), explain(err))
	}
}
