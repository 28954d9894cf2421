package p

//pipegen:map
func A(x int) int { return x }

//pipegen:pipeline Empty = concat()
//pipegen:pipeline NoParens = concat | A
//pipegen:pipeline Unclosed(a, b) = concat(a, b | A
//pipegen:pipeline EmptyBranch(a, b) = concat(a, , b) | A
//pipegen:pipeline Trailing(a, b) = concat(a, b,) | A
//pipegen:pipeline Named = A | concat
