package remote

import (
	"iter"
	"slices"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// seq2 returns an input as an iter.Seq2, whichever form it has.
func seq2[T any](seq iter.Seq[T], seq2 iter.Seq2[T, error]) iter.Seq2[T, error] {
	if seq2 != nil {
		return seq2
	}
	return withNilErrors(seq)
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
func Configure(p *pipegen.RemotePipeline, s *Settings) *pipegen.RemotePipeline {
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
