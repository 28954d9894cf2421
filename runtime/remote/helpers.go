package remote

import (
	"iter"
	"slices"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// Seq2 turns any input of a generated pipeline into an iter.Seq2 (the
// elements of an iter.Seq come with nil errors).
func Seq2[T any, In pipegen.Input[T]](in In) iter.Seq2[T, error] {
	switch in := any(in).(type) {
	case iter.Seq[T]:
		return withNilErrors(in)
	case func(func(T) bool):
		return withNilErrors(in)
	case iter.Seq2[T, error]:
		return in
	case func(func(T, error) bool):
		return in
	}
	panic("unreachable: pipegen.Input has four types")
}

func withNilErrors[T any](seq func(func(T) bool)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for v := range seq {
			if !yield(v, nil) {
				return
			}
		}
	}
}

// Configure returns a copy of p whose groups have the workers that the
// call's options give their first stages.
func Configure(p *pipegen.RemotePipeline, s *pipegen.RemoteSettings) *pipegen.RemotePipeline {
	c := *p
	c.Groups = slices.Clone(p.Groups)
	for i := range c.Groups {
		for _, st := range s.Stages {
			if st.Name == c.Groups[i].Stages[0] {
				c.Groups[i].Workers = st.Workers
			}
		}
	}
	c.MaxBatch = s.MaxBatch
	if c.MaxBatch <= 0 {
		c.MaxBatch = pipegen.DefaultMaxBatch
	}
	return &c
}

// Nothing decodes the output of a pipeline that ends in each: there is
// none.
func Nothing(*Reader) struct{} { return struct{}{} }

// EncodeNothing encodes the output of a group that ends in each: there is
// none.
func EncodeNothing(*Writer, struct{}) {}
