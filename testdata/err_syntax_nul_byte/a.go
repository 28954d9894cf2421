package p

// Double is a stage, if pipegen can read its directive in b.go.
func Double(x int) int { return 2 * x }
