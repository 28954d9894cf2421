package p

//pipegen:map workers
func A(x int) int { return x }

//pipegen:map workers=2 maxsize =3
func B(x int) int { return x }

//pipegen:pipeline P = A |
//pipegen:pipeline Q A | B
//pipegen:pipeline R = A B
//pipegen:pipeline S = A | (B)
//pipegen:pipeline T = A | strings.ToUpper
