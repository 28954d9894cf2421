package p

//pipegen:map
func A(x int) int { return x }

//pipegen:map
func B(x int) string { return "" }

// A long pipeline continues on the following comment lines; errors point
// into them.
//
//pipegen:pipeline Long = A
//	| A(workers=0)
//	| B
//	| Missing
//	| A
