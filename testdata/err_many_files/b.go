package p

//pipegen:filter
func B(x string) bool { return x != "" }

//pipegen:pipeline Q = B | Nope
