package p

//pipegen:map
func Double(x int) int { return 2 * x }

//pipegen:pipeline P = Double | Special
//pipegen:pipeline Q = Double | SpecialPipe
//pipegen:pipeline W = Double | Windows
