package pipegen

// Item is an element of a pipeline's output together with its index, as
// the WithIndex variant of a generated pipeline yields it.
type Item[T any] struct {
	Index Index
	Value T
}

// Input is the constraint on the inputs of a generated pipeline:
//
//   - an iter.Seq of elements (slices.Values(x), maps.Keys(m), a func
//     literal, or a type of your own whose underlying type is one);
//   - an iter.Seq2 of elements and errors, whose first error fails the
//     pipeline;
//   - a channel of elements, read until it is closed. A pipeline stops
//     reading a quiet channel at once when it stops (break, cancel, a
//     failure), which a sequence that blocks cannot offer: prefer a
//     channel for a live source.
type Input[T any] interface {
	~func(func(T) bool) | ~func(func(T, error) bool) | ~<-chan T | ~chan T
}
