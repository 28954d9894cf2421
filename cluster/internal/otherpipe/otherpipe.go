// Package otherpipe has a pipeline named Squares with another shape than
// testpipe's: a worker built from it must refuse testpipe's runs.
package otherpipe

//go:generate go tool pipegen

// Square squares x.
//
//pipegen:map workers=2
func Square(x int) int { return x * x }

//pipegen:pipeline Squares = Square
//pipegen:distribute Squares
