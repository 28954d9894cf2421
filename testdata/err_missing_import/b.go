package p

import "example.com/nope"

var _ = nope.Thing
