package p

// The element types do not exist: the type checker says so, and the
// pipelines using the stages are not checked further.
//
//pipegen:map
func Parse(s string) Undefined { return Undefined{} }

//pipegen:filter
func Keep(x []Missing) bool { return true }

//pipegen:map
func A(x int) int { return x }

//pipegen:pipeline P = A | Parse
//pipegen:pipeline Q = Keep | A
