package pipegen

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestBranchPath(t *testing.T) {
	x := SourceIndex(17)
	b := x.Branch(2)
	if b.Source() != 17 {
		t.Errorf("Source() = %d, want 17", b.Source())
	}
	if got, want := b.Path(), []int{2}; !slices.Equal(got, want) {
		t.Errorf("Path() = %v, want %v", got, want)
	}
	if got, want := b.String(), "17.2"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	// Branch 0 is a position: the element is not its source element.
	if x.Branch(0) == x || Compare(x, x.Branch(0)) != -1 {
		t.Errorf("%s.Branch(0) = %s, want an index after it", x, x.Branch(0))
	}
	// Branch returns a new value.
	if got := x.Path(); len(got) != 0 {
		t.Errorf("receiver changed: Path() = %v", got)
	}

	// The branch goes right after the source position, before the
	// children of flatmaps the element passed before the concat.
	c := chain(17, 5, 6)
	if got, want := c.Branch(1).Path(), []int{1, 5, 6}; !slices.Equal(got, want) {
		t.Errorf("%s.Branch(1).Path() = %v, want %v", c, got, want)
	}
	if got, want := c.Branch(1).String(), "17.1.5.6"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got, want := c.Path(), []int{5, 6}; !slices.Equal(got, want) {
		t.Errorf("receiver changed: Path() = %v, want %v", got, want)
	}
	// Children of a flatmap after the concat go after the branch.
	if got, want := c.Branch(1).Child(3).Path(), []int{1, 5, 6, 3}; !slices.Equal(got, want) {
		t.Errorf("Path() = %v, want %v", got, want)
	}
	if got, want := SourceIndex(3).Branch(1).Child(4).String(), "3.1.4"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := chain(0, math.MaxInt32).Branch(math.MaxInt32).Path(); !slices.Equal(got, []int{math.MaxInt32, math.MaxInt32}) {
		t.Errorf("Path() with large positions = %v", got)
	}
}

func TestBranchNested(t *testing.T) {
	// An element enters the inner concat first, then the outer one: the
	// outer branch comes first in the path.
	x := SourceIndex(9).Branch(2).Branch(1)
	if got, want := x.Path(), []int{1, 2}; !slices.Equal(got, want) {
		t.Errorf("Branch(2).Branch(1).Path() = %v, want %v", got, want)
	}
	// concat(a, concat(b, c)): a < b < c too.
	a := SourceIndex(9).Branch(0)
	b := SourceIndex(9).Branch(0).Branch(1)
	c := SourceIndex(9).Branch(1).Branch(1)
	if Compare(a, b) != -1 || Compare(b, c) != -1 || Compare(a, c) != -1 {
		t.Errorf("concat(a, concat(b, c)): %s, %s, %s are out of order", a, b, c)
	}
	// A flatmap between the inner and the outer concat.
	y := chain(9, 7).Branch(2).Child(4).Branch(1)
	if got, want := y.Path(), []int{1, 2, 7, 4}; !slices.Equal(got, want) {
		t.Errorf("Path() = %v, want %v", got, want)
	}
}

// concat3 returns the indices of elements at source position pos of
// concat(concat(a, b), c), each branch given the flatmap children (nil for
// none) its elements had before the concats.
func concat3(pos uint64, children ...[]int) (a, b, c []Index) {
	enter := func(branches []int, kids []int) []Index {
		var out []Index
		x := SourceIndex(pos)
		if kids == nil {
			out = append(out, x)
		}
		for _, k := range kids {
			out = append(out, x.Child(k))
		}
		for i := range out {
			for _, br := range branches {
				out[i] = out[i].Branch(br)
			}
		}
		return out
	}
	return enter([]int{0, 0}, children[0]), enter([]int{1, 0}, children[1]), enter([]int{1}, children[2])
}

func TestBranchCompareConcat(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, kids := range [][3][]int{
		{nil, nil, nil},
		{{0, 1, 2}, nil, nil},
		{nil, {0, 1}, nil},
		{nil, nil, {0, 5}},
		{{3}, {0, 9}, {0, 1, 2}},
	} {
		a, b, c := concat3(4, kids[0], kids[1], kids[2])
		want := slices.Concat(a, b, c) // a, then b, then c; each by child
		for i := 1; i < len(want); i++ {
			if Compare(want[i-1], want[i]) != -1 {
				t.Errorf("concat(concat(a,b),c) %v: Compare(%s, %s) = %d, want -1", kids, want[i-1], want[i], Compare(want[i-1], want[i]))
			}
		}
		for range 5 {
			got := slices.Clone(want)
			r.Shuffle(len(got), func(i, j int) { got[i], got[j] = got[j], got[i] })
			slices.SortFunc(got, Compare)
			if !slices.Equal(got, want) {
				t.Errorf("sorted %v, want %v", got, want)
			}
		}
	}
	// A flatmap after the concats: children stay with their branch.
	a, b, c := concat3(4, nil, nil, nil)
	xs := []Index{c[0].Child(0), b[0].Child(1), a[0].Child(1), b[0].Child(0), a[0].Child(0), c[0]}
	slices.SortFunc(xs, Compare)
	want := []Index{a[0].Child(0), a[0].Child(1), b[0].Child(0), b[0].Child(1), c[0], c[0].Child(0)}
	if !slices.Equal(xs, want) {
		t.Errorf("sorted %v, want %v", xs, want)
	}
	// The source position decides first, whatever the branch.
	if Compare(SourceIndex(3).Branch(5).Branch(5), SourceIndex(4).Branch(0).Branch(0)) != -1 {
		t.Error("a later branch of position 3 sorts after position 4")
	}
	if Compare(chain(3, 9).Branch(1), SourceIndex(3).Branch(2)) != -1 {
		t.Error("branch 1 with children sorts after branch 2")
	}
}

func TestBranchCompareProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var xs []Index
	for len(xs) < 200 {
		x, _ := randomIndex(r)
		if len(x.Path()) < MaxIndexDepth {
			xs = append(xs, x)
		}
	}
	for _, x := range xs {
		br := r.IntN(4)
		got := x.Branch(br)
		if want := append([]int{br}, x.Path()...); !slices.Equal(got.Path(), want) {
			t.Fatalf("%s.Branch(%d).Path() = %v, want %v", x, br, got.Path(), want)
		}
		if got.Source() != x.Source() {
			t.Fatalf("%s.Branch(%d).Source() = %d", x, br, got.Source())
		}
		for _, y := range xs {
			// Through the same branch, the order is kept.
			if c, want := Compare(x.Branch(br), y.Branch(br)), Compare(x, y); c != want {
				t.Fatalf("Compare(%s, %s) = %d, want %d as for %s, %s", x.Branch(br), y.Branch(br), c, want, x, y)
			}
			// Through different branches, the branch decides within a
			// source position.
			bx, by := x.Branch(1), y.Branch(2)
			want := -1
			if x.Source() > y.Source() {
				want = +1
			}
			if c := Compare(bx, by); c != want {
				t.Fatalf("Compare(%s, %s) = %d, want %d", bx, by, c, want)
			}
		}
	}
}

func TestBranchPastMaxIndexDepth(t *testing.T) {
	x := SourceIndex(4)
	for level := range MaxIndexDepth {
		x = x.Child(level + 10)
	}
	full := x.Path()
	b := x.Branch(9) // must not panic
	path := b.Path()
	if len(path) != MaxIndexDepth {
		t.Fatalf("Path() has %d positions past the limit, want %d", len(path), MaxIndexDepth)
	}
	if path[0] != 9 {
		t.Errorf("Path()[0] = %d, want the branch 9", path[0])
	}
	// The outer positions are kept; the deepest is lost.
	if !slices.Equal(path[1:], full[:MaxIndexDepth-1]) {
		t.Errorf("Path() = %v, want [9] then %v", path, full[:MaxIndexDepth-1])
	}
	if b.Source() != 4 {
		t.Errorf("Source() = %d, want 4", b.Source())
	}
	// Branching on and on stays at the limit.
	for i := range MaxIndexDepth + 3 {
		b = b.Branch(i)
		if got := len(b.Path()); got != MaxIndexDepth {
			t.Fatalf("after %d more branches, %d positions", i+1, got)
		}
		_ = b.String()
	}
	// Compare still orders the branches within the source position.
	if Compare(x.Branch(0), x.Branch(1)) != -1 || Compare(x.Branch(1), SourceIndex(5)) != -1 {
		t.Error("saturated indices are out of order")
	}
}
