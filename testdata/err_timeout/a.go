package p

import "context"

//pipegen:map timeout=1s
func NoCtx(x int) int { return x }

//pipegen:map ontimeout=fail
func NoTimeout(ctx context.Context, x int) int { return x }

//pipegen:map
func Plain(x int) int { return x }

//pipegen:map
func WithCtx(ctx context.Context, x int) int { return x }

//pipegen:pipeline P = Plain(timeout=2s) | WithCtx(ontimeout=fail)

// Q names a stage whose ontimeout lacks a timeout: reported once, on the
// stage directive, not again here.
//pipegen:pipeline Q = NoTimeout
