package harness

import "strconv"

// Num is a named int type of another package than the test program's.
type Num int

// Box is a struct type of another package than the test program's.
type Box struct{ V int }

// Value returns b.V.
func (b Box) Value() int { return b.V }

// Valuer is an interface element type: Box, *Box and the test programs'
// rec implement it.
type Valuer interface{ Value() int }

// Atoi is strconv.Atoi for strings the test programs made with
// strconv.Itoa.
func Atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic("harness.Atoi: " + err.Error())
	}
	return n
}
