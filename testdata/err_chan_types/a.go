package p

//pipegen:map
func Open(x int) chan int { return make(chan int) }

//pipegen:map
func Drain(c <-chan int) int { return 0 }

//pipegen:map
func Send(c chan<- int) int { return 0 }

//pipegen:map
func Strings(c chan string) int { return 0 }

//pipegen:map
func ReadOnly(x int) <-chan int { return nil }

//pipegen:map
func Both(c chan int) int { return 0 }

// A chan int may be used as a <-chan int or a chan<- int, not the other
// way round, and never as a chan string.
//
//pipegen:pipeline Fine = Open | Drain
//pipegen:pipeline FineToo = Open | Send
//pipegen:pipeline Wrong = Open | Strings
//pipegen:pipeline Narrowed = ReadOnly | Both
//pipegen:pipeline Merged(a) = concat(a | Open, a | ReadOnly) | Drain
