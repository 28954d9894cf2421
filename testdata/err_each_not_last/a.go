package p

//pipegen:each
func Save(x int) {}

//pipegen:map
func A(x int) int { return x }

//pipegen:pipeline P = A | Save | A
