// Worker hooks in their simplest and fullest forms: a start function with
// no parameters returning the state alone, a done method with no
// parameters; and one with ctx, worker information, stage status and
// errors.
package main

import (
	"context"
	"fmt"
	"slices"
	"sync"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// summer adds up what its worker sees.
type summer struct {
	sum int
}

var (
	mu     sync.Mutex
	totals []int
)

func newSummer() *summer { return &summer{} }

// Add adds x to the worker's sum.
//
//pipegen:each workers=2 start=newSummer done=Flush
func (s *summer) Add(x int) { s.sum += x }

// Flush publishes the worker's sum.
func (s *summer) Flush() {
	mu.Lock()
	defer mu.Unlock()
	totals = append(totals, s.sum)
}

// prefixer prefixes elements with its worker's stage name.
type prefixer struct {
	prefix string
}

func newPrefixer(ctx context.Context, w pipegen.Worker) (*prefixer, error) {
	return &prefixer{prefix: w.Pipeline + "/" + w.Stage}, ctx.Err()
}

// Prefix prefixes x.
//
//pipegen:map start=newPrefixer done=Close
func (p *prefixer) Prefix(ctx context.Context, i pipegen.Index, x int) (string, error) {
	return fmt.Sprintf("%s:%v=%d", p.prefix, i, x), nil
}

// closed is the status the last Close saw.
var closed pipegen.StageStatus

// Close records whether the stage's input was used up.
func (p *prefixer) Close(ctx context.Context, s pipegen.StageStatus) error {
	mu.Lock()
	defer mu.Unlock()
	closed = s
	return nil
}

//pipegen:pipeline Sum = Add
//pipegen:pipeline Prefixed = Prefix

func main() {
	ctx := context.Background()
	if err := Sum(ctx, slices.Values([]int{1, 2, 3, 4, 5})); err != nil {
		panic(err)
	}
	total := 0
	for _, t := range totals {
		total += t
	}
	fmt.Println("workers flushed:", len(totals), "total:", total)
	for s, err := range Prefixed(ctx, slices.Values([]int{7, 8})) {
		if err != nil {
			panic(err)
		}
		fmt.Println(s)
	}
	fmt.Printf("Close saw %+v\n", closed)
}
