package p

//pipegen:map
func A(x int) int { return x }

//pipegen:map
func S(x string) string { return x }

//pipegen:pipeline Unused(a, b) = a | A
//pipegen:pipeline Mixed(a, b) = concat(a | A, b | S)
//pipegen:pipeline NoType(a, b) = concat(a, b)
//pipegen:pipeline Late(a) = A | a
//pipegen:pipeline Orphan(a) = concat(a, A)
//pipegen:pipeline needsX(x) = x | A
//pipegen:pipeline UsesX = needsX
//pipegen:pipeline TwoIn(a, b) = concat(a, b) | A
//pipegen:pipeline Middle = A | TwoIn
//pipegen:pipeline Dup(a, a) = a
//pipegen:pipeline Clash(A) = A
