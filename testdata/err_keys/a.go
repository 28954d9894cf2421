package p

//pipegen:map wrokers=2
func A(x int) int { return x }

//pipegen:map workers=2 workers=3
func B(x int) int { return x }

//pipegen:pipeline P = A(workers=2, workers=3) | B(start=newB) | B(color=red)
