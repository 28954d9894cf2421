package p

// T is a type.
//
//pipegen:map
type T int

//pipegen:filter
var V = 1

//pipegen:each
func A(x int) {}

// Two directives on one function.
//
//pipegen:map
//pipegen:filter
func B(x int) int { return x }
