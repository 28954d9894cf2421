package p

//pipegen:map
func r(x int) int { return x }

//pipegen:map
func A(x int) int { return x }

//pipegen:pipeline P(ctx) = A
//pipegen:pipeline Q = r

//pipegen:pipeline R(iter) = A

func close() {}
