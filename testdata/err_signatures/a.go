package p

import (
	"context"
	"iter"
)

//pipegen:map
func TwoResults(x int) (int, string) { return x, "" }

//pipegen:map
func NoResult(x int) {}

//pipegen:filter
func NotBool(x int) int { return x }

//pipegen:flatmap
func NotIterable(x int) int { return x }

//pipegen:flatmap
func BadSeq2(x int) iter.Seq2[int, string] { return nil }

//pipegen:each
func EachResult(x int) int { return x }

//pipegen:map
func TooMany(a, b int) int { return a }

//pipegen:map
func CtxLast(x int, ctx context.Context) int { return x }

//pipegen:map
func NoParams() int { return 0 }

//pipegen:map
func Variadic(xs ...int) int { return 0 }
