package pipegenimpl

import (
	"fmt"
	"iter"
	"reflect"
)

// Source returns an input of a pipeline, any value whose type satisfies
// pipegen.Input[T], as an iter.Seq or as an iter.Seq2 (the other is nil).
// A channel becomes a sequence that stops as soon as done is closed, even
// while the channel is quiet.
//
// Values of the types of pipegen.Input themselves are recognized at no
// cost; a type of the caller's own (type Lines iter.Seq[string]) is
// converted once, by reflection, as the type switch of the generated code
// cannot see through it.
func Source[T any](in any, done <-chan struct{}) (iter.Seq[T], iter.Seq2[T, error]) {
	switch in := in.(type) {
	case iter.Seq[T]:
		return in, nil
	case func(func(T) bool):
		return in, nil
	case iter.Seq2[T, error]:
		return nil, in
	case func(func(T, error) bool):
		return nil, in
	case <-chan T:
		return chanSeq(in, done), nil
	case chan T:
		return chanSeq(in, done), nil
	}
	v := reflect.ValueOf(in)
	for _, t := range []reflect.Type{reflect.TypeFor[func(func(T) bool)](), reflect.TypeFor[func(func(T, error) bool)](), reflect.TypeFor[<-chan T]()} {
		if v.Type().ConvertibleTo(t) {
			return Source[T](v.Convert(t).Interface(), done)
		}
	}
	// The constraint pipegen.Input admits nothing else.
	panic(fmt.Sprintf("pipegen: %T is not an input of %v elements", in, reflect.TypeFor[T]()))
}

// chanSeq reads ch until it is closed or done is.
func chanSeq[T any](ch <-chan T, done <-chan struct{}) iter.Seq[T] {
	return func(yield func(T) bool) {
		for {
			select {
			case v, ok := <-ch:
				if !ok || !yield(v) {
					return
				}
			case <-done:
				return
			}
		}
	}
}
