package p

import (
	"io"
	"strings"
	"sync"
)

//pipegen:map
func A(x int) int { return x }

//pipegen:map
func Ch(x int) chan int { return nil }

//pipegen:map
func Rd(x int) io.Reader { return strings.NewReader("") }

// WithMutex has a field with unexported fields of another package.
type WithMutex struct {
	Mu sync.Mutex
}

//pipegen:map
func Mu(x int) WithMutex { return WithMutex{} }

// Fn holds a function.
type Fn struct{ F func() }

//pipegen:map
func MakeFn(x int) Fn { return Fn{} }

//pipegen:pipeline P = A
//pipegen:distribute Q
//pipegen:distribute Pp
//pipegen:distribute

//pipegen:pipeline Chan = A | Ch
//pipegen:distribute Chan

//pipegen:pipeline Reader = Rd
//pipegen:distribute Reader

//pipegen:pipeline Mutex = Mu
//pipegen:distribute Mutex

//pipegen:pipeline Func = MakeFn
//pipegen:distribute Func

//pipegen:pipeline Two(a, b) = concat(a, b) | A
//pipegen:distribute Two

//pipegen:pipeline Cat = concat(A, A)
//pipegen:distribute Cat

//pipegen:pipeline Mid = A | ordered | A
//pipegen:distribute Mid

//pipegen:pipeline sub = A
//pipegen:pipeline Bcast = sub | concat(sub, sub)
//pipegen:distribute Bcast

//pipegen:distribute P
//pipegen:distribute P extra
//pipegen:distribute P
