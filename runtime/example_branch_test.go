package pipegen_test

import (
	"fmt"
	"slices"

	pipegen "github.com/pipegen/pipegen/runtime"
)

func ExampleIndex_Branch() {
	// In concat(concat(a, b), c), an element of a or b enters the inner
	// concat, then the outer one; an element of c only the outer one. The
	// outer branch comes first in the path.
	a := pipegen.SourceIndex(4).Branch(0).Branch(0)
	b := pipegen.SourceIndex(4).Branch(1).Branch(0)
	c := pipegen.SourceIndex(4).Branch(1)
	fmt.Println(a, b, c)

	// The branch goes right after the source position, before the
	// children of a flatmap the element passed on the way.
	child := pipegen.SourceIndex(4).Child(2).Branch(1)
	fmt.Println(child, child.Path())

	// Ordered: by source position, then branch, then child.
	xs := []pipegen.Index{c, child, pipegen.SourceIndex(3).Branch(1), b, a}
	slices.SortFunc(xs, pipegen.Compare)
	fmt.Println(xs)
	// Output:
	// 4.0.0 4.0.1 4.1
	// 4.1.2 [1 2]
	// [3.1 4.0.0 4.0.1 4.1 4.1.2]
}
