package p

//pipegen:map
func A(x int) int { return x }

//pipegen:pipeline P = A | Q
//pipegen:pipeline Q = A | R
//pipegen:pipeline R = P
//pipegen:pipeline Self = A | Self
