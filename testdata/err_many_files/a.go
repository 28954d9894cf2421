package p

//pipegen:map workers=0
func A(x int) int { return x }

//pipegen:pipeline P = A | B
