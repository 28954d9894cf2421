package p

//pipegen:map
func Decode(x int) int { return x }

//pipegen:map
func Resize(x int) int { return x }

//pipegen:pipeline P = Decod | Resize | Missing
