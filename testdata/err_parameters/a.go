package p

import (
	"context"

	pipegen "github.com/pipegen/pipegen/runtime"
)

//pipegen:map
func IndexLast(x int, i pipegen.Index) int { return x }

//pipegen:map
func IndexFirst(i pipegen.Index, ctx context.Context, x int) int { return x }

//pipegen:map
func TwoIndices(ctx context.Context, i, j pipegen.Index, x int) int { return x }

//pipegen:filter
func TwoContexts(ctx, ctx2 context.Context, x int) bool { return true }

//pipegen:each
func OnlyContext(ctx context.Context) {}

//pipegen:flatmap
func OnlyIndex(i pipegen.Index) []int { return nil }

//pipegen:map
func CtxSecond(i pipegen.Index, ctx context.Context) int { return 0 }
