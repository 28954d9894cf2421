// Package pg holds the benchmark workloads written for pipegen: annotated
// stage functions and the pipelines built from them. pipegen_gen.go is
// generated from this file and checked in; regenerate it from the
// benchmarks module with
//
//	go run github.com/pipegen/pipegen/cmd/pipegen ./pg
//
// The stage functions are also the kernels that every other implementation
// of the suite calls, so all columns do exactly the same work per element.
package pg

//go:generate go run github.com/pipegen/pipegen/cmd/pipegen

import (
	"crypto/sha256"
	"encoding/binary"
	"time"
)

// Digest is the result of Hash.
type Digest = [sha256.Size]byte

// Mul is W1's map stage.
//
//pipegen:map workers=4
func Mul(x int) int { return x*3 + 1 }

// Even is W1's filter stage.
//
//pipegen:filter workers=4
func Even(x int) bool { return x%2 == 0 }

// Pair is W1's flatmap stage: x yields x and x+1.
//
//pipegen:flatmap workers=4
func Pair(x int) []int { return []int{x, x + 1} }

// Hash is W2's map stage: the SHA-256 of a 256-byte buffer derived from x.
// Its workers are set to GOMAXPROCS at run time (pipegen.Workers).
//
//pipegen:map workers=2
func Hash(x int) Digest {
	var buf [256]byte
	FillBuf(&buf, x)
	return sha256.Sum256(buf[:])
}

// FillBuf fills buf with bytes derived from x: x little endian, each
// 8-byte word xored with its position.
func FillBuf(buf *[256]byte, x int) {
	for i := 0; i < len(buf); i += 8 {
		binary.LittleEndian.PutUint64(buf[i:], uint64(x)^uint64(i)*0x9e3779b97f4a7c15)
	}
}

// Low is W2's filter stage: it keeps digests whose first byte is below 128.
// With the same workers as Hash, pipegen fuses it into Hash's workers.
//
//pipegen:filter workers=2
func Low(d Digest) bool { return d[0] < 128 }

// Word is what W2 sums: the first 8 bytes of a digest, little endian.
func Word(d Digest) uint64 { return binary.LittleEndian.Uint64(d[:8]) }

// SleepTime is how long Sleep sleeps.
const SleepTime = 200 * time.Microsecond

// Sleep is W3's map stage: it stands for an I/O call of 200µs.
//
//pipegen:map workers=64
func Sleep(x int) int {
	time.Sleep(SleepTime)
	return x
}

// NotDiv3 is W3's filter stage.
//
//pipegen:filter
func NotDiv3(x int) bool { return x%3 != 0 }

// BranchA is W5's first branch.
//
//pipegen:map
func BranchA(x int) int { return x * 2 }

// BranchB is W5's second branch.
//
//pipegen:map
func BranchB(x int) int { return x + 7 }

//pipegen:pipeline W1w1 = Mul(workers=1) | Even(workers=1) | Pair(workers=1)
//pipegen:pipeline W1w4 = Mul(workers=4) | Even(workers=4) | Pair(workers=4)
//pipegen:pipeline W2 = Hash | Low
//pipegen:pipeline W3 = Sleep | NotDiv3
//pipegen:pipeline W4 = Mul(workers=4) | Even(workers=4) | Pair(workers=4) | ordered
//pipegen:pipeline W5 = concat(BranchA, BranchB)

// Tick is an element of the latency pipeline Live: its position in the
// input, when the input yielded it, and how many of Live's stages it went
// through.
type Tick struct {
	Seq  int
	At   time.Duration // since the start of the run, on the monotonic clock
	Hops int
}

// Relay is the receiver of Live's stages, and holds nothing. The stages
// are methods with a start hook only because pipegen leaves stages with
// hooks unfused: Live then has one worker per stage and a queue between
// each two, like the hand-written chain of goroutines it is compared with.
// (Three plain one-worker stages would fuse into one loop, and the
// measurement would cross no queue between stages.)
type Relay struct{}

// NewRelay is the start hook of Live's stages.
func NewRelay() *Relay { return &Relay{} }

// Hop1 is Live's first stage.
//
//pipegen:map start=NewRelay
func (*Relay) Hop1(t Tick) Tick { return hop(t) }

// Hop2 is Live's second stage.
//
//pipegen:map start=NewRelay
func (*Relay) Hop2(t Tick) Tick { return hop(t) }

// Hop3 is Live's third stage.
//
//pipegen:map start=NewRelay
func (*Relay) Hop3(t Tick) Tick { return hop(t) }

// hop counts a stage on t.
func hop(t Tick) Tick {
	t.Hops++
	return t
}

//pipegen:pipeline Live = Hop1 | Hop2 | Hop3
