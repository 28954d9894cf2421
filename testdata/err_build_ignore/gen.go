//go:build ignore

// A program run by go generate: not part of the package, and its
// directives, broken as they are, are not read.
package main

//pipegen:map workers=0
func Helper(x int) int { return x }

//pipegen:pipeline Broken = Nope |

func main() {}
