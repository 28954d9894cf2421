package p

type S struct{}

//pipegen:map
func (s *S) Scale(x int) int { return x }

//pipegen:map
func Ident[T any](x T) T { return x }

//pipegen:pipeline P = Scale | Ident
