package p

//pipegen:map workers=2
func A(x int) int { return x }

//pipegen:each
func Save(x int) {}

// Sub ends in an each stage: nothing can follow it.
//
//pipegen:pipeline Sub = A | Save
//pipegen:pipeline Middle = Sub | A
//pipegen:pipeline EachBranch = concat(A, A | Save) | A
//pipegen:pipeline Twice = A | ordered | ordered
//pipegen:pipeline TwiceInlined = Ordered | ordered
//pipegen:pipeline Ordered = A | ordered
//pipegen:pipeline Settings = Ordered(workers=2)
//pipegen:pipeline InputSettings(a) = a(maxsize=2) | A
