package p

//pipegen:map workers=0
func A(x int) int { return x }

//pipegen:map maxsize=-1
func B(x int) int { return x }

//pipegen:map workers=x maxsize=1.5
func C(x int) int { return x }

//pipegen:pipeline P = A(workers=-2) | B(maxsize=big) | C(timeout=soon)
//pipegen:pipeline Q = A(workers=65537) | B(maxsize=16777217)
