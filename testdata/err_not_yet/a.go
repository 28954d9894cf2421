package p

import (
	"context"
	"time"
)

//pipegen:map timeout=2s
func A(ctx context.Context, x int) int { return x }

//pipegen:map start=newB
func B(x int) int { return x }

//pipegen:pipeline P = A | ordered
//pipegen:pipeline Q(a, b) = concat(a, b) | A
//pipegen:pipeline R = A(timeout=1s) | B

var _ = time.Second
