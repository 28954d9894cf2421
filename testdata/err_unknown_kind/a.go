package p

//pipegen:mapp workers=2
func A(x int) int { return x }

//pipegen:flat_map
func B(x int) int { return x }

//pipegen:pipelines P = A
