package harness

import (
	"strconv"
	"strings"
)

// Idx is the reference interpreter's own element index, written from the
// README's definition rather than with pipegen.Index: the source position,
// then one position per concat branch taken (innermost concat last) and
// flatmap child made, so that ordering is "input position first, then
// concat branch, then position among a flatmap's children".
type Idx struct {
	Src  int
	Path []int
}

// Child is the index of the pos-th child of x made by a flatmap.
func (x Idx) Child(pos int) Idx {
	p := make([]int, len(x.Path), len(x.Path)+1)
	copy(p, x.Path)
	return Idx{Src: x.Src, Path: append(p, pos)}
}

// Branch is the index of x entering a concat through its branch-th
// branch: the branch comes first below the source position.
func (x Idx) Branch(branch int) Idx {
	p := make([]int, 0, len(x.Path)+1)
	p = append(p, branch)
	return Idx{Src: x.Src, Path: append(p, x.Path...)}
}

// String writes x as pipegen.Index does: "17" or "17.2.0".
func (x Idx) String() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(x.Src))
	for _, p := range x.Path {
		b.WriteByte('.')
		b.WriteString(strconv.Itoa(p))
	}
	return b.String()
}

// CompareIdx orders indices: by source position, then position by
// position, a prefix first.
func CompareIdx(a, b Idx) int {
	if a.Src != b.Src {
		if a.Src < b.Src {
			return -1
		}
		return 1
	}
	for i := 0; i < len(a.Path) && i < len(b.Path); i++ {
		if a.Path[i] != b.Path[i] {
			if a.Path[i] < b.Path[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a.Path) < len(b.Path):
		return -1
	case len(a.Path) > len(b.Path):
		return 1
	}
	return 0
}
