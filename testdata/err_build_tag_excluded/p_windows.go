package p

//pipegen:map
func Windows(x int) int { return x }
