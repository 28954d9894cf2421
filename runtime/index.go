package pipegen

import (
	"strconv"
	"strings"
)

// MaxIndexDepth is how many positions an [Index] holds below its source
// position: one per flatmap (the child's position in its parent's output) or
// concat (the branch) that an element has passed. The generator rejects
// pipelines that would need more.
const MaxIndexDepth = 7

// Index identifies an element of a pipeline run by where it came from: its
// position in the pipeline's input and, for elements made by a flatmap stage,
// their position among their parent's children, level by level. Indices are
// small values: comparable with ==, ordered by [Compare], printed as
// "17" or "17.2.0".
type Index struct {
	source uint64
	depth  uint8
	path   [MaxIndexDepth]uint32
}

// SourceIndex returns the index of the i-th element (from 0) of a pipeline's
// input.
func SourceIndex(i uint64) Index {
	return Index{source: i}
}

// Child returns the index of the pos-th element (from 0) that a flatmap stage
// produced from the element at x. Positions are kept in 32 bits: a parent
// with more than 4,294,967,295 children reuses positions. Past [MaxIndexDepth] levels, which the
// generator never lets happen, the deepest position is overwritten.
func (x Index) Child(pos int) Index {
	if int(x.depth) < MaxIndexDepth {
		x.depth++
	}
	x.path[x.depth-1] = uint32(pos)
	return x
}

// Source returns the position in the pipeline's input of the element that x
// descends from.
func (x Index) Source() uint64 {
	return x.source
}

// Path returns the positions below the source position, outermost first. It
// is empty for an element taken straight from the input.
func (x Index) Path() []int {
	p := make([]int, x.depth)
	for i := range p {
		p[i] = int(x.path[i])
	}
	return p
}

// String formats x as its positions joined by dots, e.g. "17" or "17.2.0".
func (x Index) String() string {
	var b strings.Builder
	b.WriteString(strconv.FormatUint(x.source, 10))
	for _, p := range x.path[:x.depth] {
		b.WriteByte('.')
		b.WriteString(strconv.FormatUint(uint64(p), 10))
	}
	return b.String()
}

// Compare orders indices the way the elements were produced: by source
// position, then level by level by child position, a parent before its
// children. It returns -1, 0 or +1.
func Compare(a, b Index) int {
	switch {
	case a.source < b.source:
		return -1
	case a.source > b.source:
		return +1
	}
	n := min(a.depth, b.depth)
	for i := range n {
		switch {
		case a.path[i] < b.path[i]:
			return -1
		case a.path[i] > b.path[i]:
			return +1
		}
	}
	switch {
	case a.depth < b.depth:
		return -1
	case a.depth > b.depth:
		return +1
	}
	return 0
}

// Branch returns the index of the element at x as it enters a concat
// through its branch-th branch (from 0). The branch becomes the first
// position below the source position, so that ordering sorts the elements
// of one source position by branch, then by their own children.
func (x Index) Branch(branch int) Index {
	if int(x.depth) < MaxIndexDepth {
		x.depth++
	}
	copy(x.path[1:x.depth], x.path[:x.depth-1])
	x.path[0] = uint32(branch)
	return x
}
