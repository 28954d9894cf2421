package p

import "context"

//pipegen:map timeout=0s
func Zero(ctx context.Context, x int) int { return x }

//pipegen:map timeout=-1s ontimeout=maybe
func Negative(ctx context.Context, x int) int { return x }

//pipegen:map timeout=1 workers=+2 maxsize=0x10
func NoUnit(ctx context.Context, x int) int { return x }

type S struct{}

//pipegen:map start=9lives done=a.b
func (s *S) Hooks(x int) int { return x }

//pipegen:map workers= maxsize=99999999999999999999
func Empty(x int) int { return x }

//pipegen:pipeline P = Zero(timeout=0, ontimeout=) | Negative(workers=1e3, maxsize=1_000)
