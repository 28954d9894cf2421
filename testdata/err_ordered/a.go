package p

//pipegen:map
func A(x int) int { return x }

//pipegen:pipeline P = ordered | A
//pipegen:pipeline Q(a, b) = concat(a, b) | ordered
//pipegen:pipeline R(a) = concat(ordered, a | A)
