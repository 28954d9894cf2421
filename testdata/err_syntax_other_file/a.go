package p

//pipegen:map
func Double(x int) int { return 2 * x }

//pipegen:pipeline P = Double
