package p

//pipegen:map
func A(x int) int { return x + undefinedThing }

//pipegen:pipeline P = A

func use() {
	var s string = 1
	_ = s
}
