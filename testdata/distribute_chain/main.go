// Command distribute_chain runs distributed pipelines through the
// in-process loopback transport and checks them against local runs: a
// chain of map, filter, flatmap with fused stages and ordered; a stage with
// hooks and a timeout; element types of many kinds.
package main

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
	"github.com/pipegen/pipegen/runtime/remote"
)

// Point is a struct with nested composite fields.
type Point struct {
	X, Y   int
	Name   string
	Tags   []string
	Attrs  map[string]float64
	Next   *Point
	Grid   [2][2]int8
	Blob   []byte
	When   time.Time
	Scale  Celsius
	Z      complex128
	hidden uint16
}

// Celsius is a named basic type.
type Celsius float32

// Tree is a recursive type.
type Tree struct {
	Value int
	Kids  []Tree
}

//pipegen:map workers=2
func MakePoint(i pipegen.Index, n int) Point {
	p := Point{X: n, Y: -n, Name: fmt.Sprint("p", n), Tags: strings.Fields(strings.Repeat("t ", n%3)),
		Attrs: map[string]float64{"n": float64(n)}, Grid: [2][2]int8{{1, int8(n)}, {3, 4}},
		When: time.Date(2024, 1, n%28+1, 0, 0, 0, 0, time.UTC), Scale: Celsius(n) / 2, Z: complex(float64(n), 1), hidden: uint16(i.Source())}
	if n%2 == 0 {
		p.Next = &Point{X: n + 1}
		p.Blob = []byte{byte(n)}
	}
	return p
}

//pipegen:filter workers=2
func Keep(p Point) bool { return p.X%5 != 0 }

//pipegen:flatmap workers=2
func Grow(p Point) []Tree {
	t := Tree{Value: p.X + int(p.hidden), Kids: []Tree{{Value: p.Y}}}
	if p.Next != nil {
		t.Kids = append(t.Kids, Tree{Value: p.Next.X, Kids: []Tree{{Value: len(p.Blob)}}})
	}
	return []Tree{t, {Value: int(p.Grid[0][1]) + int(p.Scale) + len(p.Tags) + p.When.Day()}}
}

//pipegen:map workers=3
func Sum(t Tree) string {
	s := t.Value
	for _, k := range t.Kids {
		s += k.Value
		for _, kk := range k.Kids {
			s += kk.Value
		}
	}
	return fmt.Sprint(s)
}

//pipegen:pipeline Chain = MakePoint | Keep | Grow | Sum | ordered
//pipegen:distribute Chain

// checker is the state of a worker of Check.
type checker struct{ seen int }

// started and stopped count the hooks' calls, from the two Serve calls.
var started, stopped atomic.Int64

func newChecker(w pipegen.Worker) (*checker, error) {
	started.Add(1)
	return &checker{}, nil
}

func (c *checker) Close(st pipegen.StageStatus) { stopped.Add(1) }

//pipegen:map start=newChecker done=Close timeout=1s
func (c *checker) Check(ctx context.Context, s string) (string, error) {
	c.seen++
	if s == "bad" {
		return "", errors.New("bad element")
	}
	if s == "slow" {
		<-ctx.Done()
	}
	return strings.ToUpper(s), nil
}

//pipegen:each
func Print(s string) { fmt.Println("each:", s) }

//pipegen:pipeline Checked = Check
//pipegen:distribute Checked

//pipegen:pipeline Printed = Check | Print
//pipegen:distribute Printed

func main() {
	ctx := context.Background()
	lb := remote.NewLoopback()
	sctx, stop := context.WithCancel(ctx)
	served := make(chan error, 3)
	go func() { served <- ServeChain(sctx, lb) }()
	go func() { served <- ServeChecked(sctx, lb) }()
	go func() { served <- ServePrinted(sctx, lb) }()

	in := slices.Values([]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	var local, dist []string
	for s, err := range Chain(ctx, in) {
		must(err)
		local = append(local, s)
	}
	for it, err := range ChainWithIndex(ctx, in, pipegen.Remote(lb), pipegen.MaxBatch(5)) {
		must(err)
		dist = append(dist, it.Index.String()+"="+it.Value)
	}
	fmt.Println("local:      ", strings.Join(local, " "))
	fmt.Println("distributed:", strings.Join(dist, " "))

	var dropped []string
	words := slices.Values([]string{"a", "slow", "b"})
	for s, err := range Checked(ctx, words, pipegen.Remote(lb), pipegen.OnTimeout(func(stage string, i pipegen.Index, _ any) {
		dropped = append(dropped, fmt.Sprint(stage, " dropped ", i))
	})) {
		must(err)
		fmt.Println("checked:", s)
	}
	fmt.Println(strings.Join(dropped, "; "))
	for _, err := range Checked(ctx, slices.Values([]string{"a", "bad"}), pipegen.Remote(lb)) {
		var se *pipegen.StageError
		if errors.As(err, &se) {
			fmt.Printf("error: %v (stage %s, element %v)\n", err, se.Stage, se.Index)
		}
	}
	must(Printed(ctx, slices.Values([]string{"x", "y"}), pipegen.Remote(lb)))
	var seq2 iter.Seq2[string, error] = func(yield func(string, error) bool) {
		yield("z", nil)
		yield("", errors.New("input broke"))
	}
	fmt.Println("input error:", Printed(ctx, seq2, pipegen.Remote(lb)))
	stop()
	for range 3 {
		must(<-served)
	}
	fmt.Println("hooks: started", started.Load(), "stopped", stopped.Load())
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
