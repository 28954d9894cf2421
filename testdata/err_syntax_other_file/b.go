package p

// helper has a syntax error; the file has no directives.
func helper(x int) int {
	return x +
}
