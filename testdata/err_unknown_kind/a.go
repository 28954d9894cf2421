package p

//pipegen:mapp workers=2
func A(x int) int { return x }

//pipegen:Map
func B(x int) int { return x }

//pipegen:pipelines P = A
