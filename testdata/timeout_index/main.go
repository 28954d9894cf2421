// Per-element timeouts (dropping or failing) on every stage kind, and
// stages that take the element's index.
package main

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync/atomic"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// wait returns after d, or when ctx ends.
func wait(ctx context.Context, d time.Duration) error {
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

//pipegen:map workers=3 timeout=200ms
func Fetch(ctx context.Context, ms int) (int, error) {
	return ms, wait(ctx, time.Duration(ms)*time.Millisecond)
}

//pipegen:filter timeout=2ms
func Quick(ctx context.Context, i pipegen.Index, ms int) bool {
	return i.Source()%2 == 0 || wait(ctx, time.Duration(ms)*time.Millisecond) == nil
}

//pipegen:flatmap timeout=1s ontimeout=fail
func Steps(ctx context.Context, i pipegen.Index, ms int) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for step := range 2 {
			if err := wait(ctx, time.Duration(ms)*time.Millisecond); err != nil {
				yield("", err)
				return
			}
			if !yield(fmt.Sprintf("%v/%d", i, step), nil) {
				return
			}
		}
	}
}

var saved atomic.Int64

//pipegen:each timeout=2m
func Save(ctx context.Context, s string) error {
	saved.Add(1)
	return ctx.Err()
}

//pipegen:pipeline Fetched = Fetch | Quick | Steps | ordered
//pipegen:pipeline Strict = Fetch(ontimeout=fail)
//pipegen:pipeline Saved = Steps | Save

func main() {
	ctx := context.Background()
	var dropped atomic.Int64
	onTimeout := pipegen.OnTimeout(func(stage string, i pipegen.Index, _ any) { dropped.Add(1) })
	var got []string
	for s, err := range Fetched(ctx, slices.Values([]int{1, 500, 2, 30}), onTimeout) {
		if err != nil {
			panic(err)
		}
		got = append(got, s)
	}
	fmt.Println("Fetched", got, "dropped", dropped.Load())
	for _, err := range Strict(ctx, slices.Values([]int{1, 500})) {
		if err != nil {
			var te *pipegen.TimeoutError
			fmt.Println("Strict failed with a timeout:", errors.As(err, &te), errors.Is(err, context.DeadlineExceeded))
		}
	}
	fmt.Println("Saved", Saved(ctx, slices.Values([]int{0, 0})), saved.Load())
}

// Slowly yields steps of ms milliseconds each, failing with the context's
// error when its deadline passes: a timeout, dropped.
//
//pipegen:flatmap timeout=5ms
func Slowly(ctx context.Context, ms int) iter.Seq2[int, error] {
	return func(yield func(int, error) bool) {
		for step := 0; ; step++ {
			if err := wait(ctx, time.Duration(ms)*time.Millisecond); err != nil {
				yield(0, err)
				return
			}
			if !yield(step, nil) {
				return
			}
		}
	}
}

//pipegen:pipeline Slow = Slowly

func init() {
	// Every element times out: all are dropped, none fails the pipeline.
	var dropped atomic.Int64
	n := 0
	for _, err := range Slow(context.Background(), slices.Values([]int{50, 60}), pipegen.OnTimeout(func(string, pipegen.Index, any) { dropped.Add(1) })) {
		if err != nil {
			panic(err)
		}
		n++
	}
	fmt.Println("Slow yielded", n, "dropped", dropped.Load())
}
