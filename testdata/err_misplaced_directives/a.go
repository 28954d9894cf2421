package p

//pipegen:map

func Detached(x int) int { return x }

func outer() {
	//pipegen:map
	f := func(x int) int { return x }
	_ = f
}

var handler = func() {
	//pipegen:filter
	_ = func(x int) bool { return x > 0 }
}

// pipegen:map
func Spaced(x int) int { return x }

//pipegen:map workers=2 // two is enough
func Trailing(x int) int { return x }

//pipegen:map workers=2,maxsize=3
func Commas(x int) int { return x }

//pipegen:pipeline P = Detached | Spaced | Trailing | Commas
