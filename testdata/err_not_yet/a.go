package p

//pipegen:map
func A(x int) int { return x }

//pipegen:pipeline P = A | ordered
