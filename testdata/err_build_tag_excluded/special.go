//go:build special

package p

//pipegen:map
func Special(x int) int { return x + 1 }

//pipegen:pipeline SpecialPipe = Special
