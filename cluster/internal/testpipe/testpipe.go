// Package testpipe holds the distributed pipelines that the cluster tests
// run, on worker processes and locally.
package testpipe

//go:generate go tool pipegen

import (
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// Special elements, which make Square misbehave.
const (
	Fail   = -1 // returns an error
	Panic  = -2 // panics
	Poison = -3 // kills its process, as a crash or an OOM would
)

// Delay slows Square down, so that a test can act while batches are in
// flight; set in worker processes from the environment.
var Delay time.Duration

// Ran counts the elements Square ran in this process.
var Ran atomic.Int64

// Square squares x.
//
//pipegen:map workers=2
func Square(x int) (int, error) {
	Ran.Add(1)
	switch x {
	case Fail:
		return 0, errors.New("element -1 fails")
	case Panic:
		panic("element -2 panics")
	case Poison:
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
	if Delay > 0 {
		time.Sleep(Delay)
	}
	return x * x, nil
}

// Odd keeps odd squares... of odd numbers.
//
//pipegen:filter workers=2
func Odd(x int) bool { return x%2 != 0 }

// Twice yields x and x+1.
//
//pipegen:flatmap workers=2
func Twice(x int) []int { return []int{x, x + 1} }

// Label formats its element.
//
//pipegen:map
func Label(i pipegen.Index, x int) Result { return Result{Index: i.String(), Value: x} }

// Result is a struct element.
type Result struct {
	Index string
	Value int
}

//pipegen:pipeline Squares = Square | Odd | Twice
//pipegen:distribute Squares

//pipegen:pipeline InOrder = Square | Twice | Label | ordered
//pipegen:distribute InOrder

// Tracker is the state of a worker of Track.
type Tracker struct {
	w pipegen.Worker
}

// DoneLog, when set, is the file to which each worker's done hook
// appends a line.
var DoneLog string

// NewTracker starts a worker of Track.
func NewTracker(w pipegen.Worker) *Tracker { return &Tracker{w: w} }

// Close records that the worker ended.
func (t *Tracker) Close(st pipegen.StageStatus) {
	if DoneLog == "" {
		return
	}
	f, err := os.OpenFile(DoneLog, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	_, _ = f.WriteString("done " + t.w.Stage + "\n")
}

// Track passes x on after Delay; x == 0 hangs until its deadline.
//
//pipegen:map workers=2 start=NewTracker done=Close timeout=2s
func (t *Tracker) Track(ctx context.Context, x int) int {
	if x == 0 {
		<-ctx.Done()
		return 0
	}
	if Delay > 0 {
		time.Sleep(Delay)
	}
	return x
}

//pipegen:pipeline Tracked = Track
//pipegen:distribute Tracked

// Inc is a tiny stage, for measuring what the transport costs per
// element.
//
//pipegen:map
func Inc(x int) int { return x + 1 }

//pipegen:pipeline Tiny = Inc
//pipegen:distribute Tiny

// Burn is a CPU-bound stage: Rounds iterations of SHA-256 (W2-like).
//
//pipegen:map workers=2
func Burn(x int) int {
	Ran.Add(1)
	sum := sha256.Sum256([]byte{byte(x), byte(x >> 8), byte(x >> 16)})
	for range Rounds {
		sum = sha256.Sum256(sum[:])
	}
	return int(sum[0])
}

// Rounds is the work of Burn per element.
var Rounds = 200

//pipegen:pipeline CPU = Burn
//pipegen:distribute CPU
