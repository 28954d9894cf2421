package p

//pipegen:map
func A(x int) int { return x }

// P is already taken.
func P() {}

type Q struct{}

//pipegen:pipeline P = A
//pipegen:pipeline Q = A
//pipegen:pipeline A = A

//pipegen:pipeline W = A

// WWithIndex is taken too.
func WWithIndex() {}

//pipegen:pipeline S = A

// SStages is taken too: it is what pipeline S names its stages with.
var SStages int
