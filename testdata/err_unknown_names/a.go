package p

//pipegen:map
func A(x int) int { return x }

// helper is a plain function: no directive.
func helper(x int) int { return x }

type Limit int

var threshold = 3

const big = 100

//pipegen:pipeline P = A | helper
//pipegen:pipeline Q = A | Limit | threshold | big
//pipegen:pipeline R(xs) = concat(xs, ys) | A
//pipegen:pipeline S = A | order
//pipegen:pipeline T(a) = concat(a, b) | A
//pipegen:pipeline inner(xs) = concat(xs, zs) | A
//pipegen:pipeline U = A | inner
