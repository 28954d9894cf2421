package p

//pipegen:map
func A(x int) int { return x }

// ServeQ is the user's own.
func ServeQ() {}

var remote = 1

//pipegen:pipeline Q = A
//pipegen:distribute Q

//pipegen:pipeline R = A
//pipegen:distribute R
