package p

import "iter"

//pipegen:map
func ErrorFirst(x int) (error, int) { return nil, x }

//pipegen:map
func TwoErrors(x int) (int, error, error) { return x, nil, nil }

//pipegen:filter
func TwoBools(x int) (bool, bool) { return true, true }

//pipegen:filter
func BoolErrorSwapped(x int) (error, bool) { return nil, true }

//pipegen:each
func EachTwoErrors(x int) (error, error) { return nil, nil }

//pipegen:each
func EachValueError(x int) (int, error) { return x, nil }

//pipegen:flatmap
func SeqAndInt(x int) (iter.Seq[int], int) { return nil, 0 }
