package pipegen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// chain builds the index source.path[0].path[1]....
func chain(source uint64, path ...int) Index {
	x := SourceIndex(source)
	for _, p := range path {
		x = x.Child(p)
	}
	return x
}

func TestSourceIndex(t *testing.T) {
	for _, i := range []uint64{0, 1, 17, math.MaxUint32 + 1, math.MaxUint64} {
		x := SourceIndex(i)
		if got := x.Source(); got != i {
			t.Errorf("SourceIndex(%d).Source() = %d", i, got)
		}
		if got := x.Path(); len(got) != 0 {
			t.Errorf("SourceIndex(%d).Path() = %v, want empty", i, got)
		}
		if got, want := x.String(), strconv.FormatUint(i, 10); got != want {
			t.Errorf("SourceIndex(%d).String() = %q, want %q", i, got, want)
		}
	}
	if SourceIndex(0) != (Index{}) {
		t.Error("SourceIndex(0) differs from the zero Index")
	}
}

func TestChild(t *testing.T) {
	parent := SourceIndex(17)
	x := parent.Child(2)
	y := x.Child(0)

	if got := y.Source(); got != 17 {
		t.Errorf("Source() = %d, want 17", got)
	}
	if got, want := y.Path(), []int{2, 0}; !slices.Equal(got, want) {
		t.Errorf("Path() = %v, want %v", got, want)
	}
	// Child returns a new value: the receiver is unchanged.
	if got := parent.Path(); len(got) != 0 {
		t.Errorf("parent.Path() = %v after Child, want empty", got)
	}
	if got, want := x.Path(), []int{2}; !slices.Equal(got, want) {
		t.Errorf("x.Path() = %v after x.Child, want %v", got, want)
	}
	// Siblings made from the same parent are independent.
	a, b := x.Child(1), x.Child(5)
	if a.String() != "17.2.1" || b.String() != "17.2.5" {
		t.Errorf("siblings = %s, %s; want 17.2.1, 17.2.5", a, b)
	}
	if got := chain(3, math.MaxInt32).Path(); !slices.Equal(got, []int{math.MaxInt32}) {
		t.Errorf("Path() of a large position = %v", got)
	}
}

func TestPathIsACopy(t *testing.T) {
	x := chain(1, 2, 3)
	p := x.Path()
	p[0] = 99
	if got := x.Path(); !slices.Equal(got, []int{2, 3}) {
		t.Errorf("Path() = %v after changing an earlier result, want [2 3]", got)
	}
}

func TestIndexString(t *testing.T) {
	tests := []struct {
		x    Index
		want string
	}{
		{Index{}, "0"},
		{SourceIndex(17), "17"},
		{chain(17, 2), "17.2"},
		{chain(17, 2, 0), "17.2.0"},
		{chain(0, 0, 0, 0), "0.0.0.0"},
		{chain(math.MaxUint64, math.MaxInt32), "18446744073709551615.2147483647"},
		{chain(1, 1, 2, 3, 4, 5, 6, 7), "1.1.2.3.4.5.6.7"},
	}
	for _, tt := range tests {
		if got := tt.x.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
		// Index is a fmt.Stringer by value.
		if got := fmt.Sprint(tt.x); got != tt.want {
			t.Errorf("fmt.Sprint = %q, want %q", got, tt.want)
		}
	}
}

func TestIndexComparable(t *testing.T) {
	if chain(17, 2, 0) != chain(17, 2, 0) {
		t.Error("equal indices built separately are not ==")
	}
	distinct := []Index{
		SourceIndex(0),
		SourceIndex(1),
		chain(1, 0), // a child at position 0 is not its parent
		chain(1, 0, 0),
		chain(1, 1),
		chain(1, 0, 1),
		chain(2, 0),
	}
	for i, a := range distinct {
		for j, b := range distinct {
			if (a == b) != (i == j) {
				t.Errorf("(%s == %s) = %v", a, b, a == b)
			}
		}
	}
	// Usable as a map key.
	seen := map[Index]int{}
	for _, x := range distinct {
		seen[x]++
	}
	seen[chain(1, 0)]++
	if len(seen) != len(distinct) || seen[chain(1, 0)] != 2 {
		t.Errorf("map keyed by Index = %v", seen)
	}
}

func TestCompareExamples(t *testing.T) {
	tests := []struct {
		a, b Index
		want int
	}{
		{SourceIndex(1), SourceIndex(1), 0},
		{SourceIndex(1), SourceIndex(2), -1},
		{SourceIndex(2), SourceIndex(1), +1},
		{SourceIndex(1), chain(1, 0), -1},    // parent before its children
		{chain(1, 0), SourceIndex(1), +1},    // children after their parent
		{chain(1, 5, 5), SourceIndex(2), -1}, // the source decides first
		{chain(1, 0, 9), chain(1, 1), -1},    // level by level
		{chain(1, 2), chain(1, 2, 0), -1},    // prefix first
		{chain(1, 2, 0), chain(1, 2, 0), 0},
		{SourceIndex(math.MaxUint64), SourceIndex(0), +1},
		{chain(0, math.MaxInt32), chain(0, 0), +1},
	}
	for _, tt := range tests {
		if got := Compare(tt.a, tt.b); got != tt.want {
			t.Errorf("Compare(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// randomIndex returns an index with its (source, path...) key. Positions come
// from a small set so that ties, shared prefixes and parent/child pairs are
// common.
func randomIndex(r *rand.Rand) (Index, []uint64) {
	sources := []uint64{0, 1, 2, math.MaxUint64}
	positions := []int{0, 1, 2, math.MaxInt32}
	source := sources[r.IntN(len(sources))]
	x := SourceIndex(source)
	key := []uint64{source}
	for range r.IntN(MaxIndexDepth + 1) {
		p := positions[r.IntN(len(positions))]
		x = x.Child(p)
		key = append(key, uint64(p))
	}
	return x, key
}

func TestCompareProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 400
	xs := make([]Index, n)
	keys := make([][]uint64, n)
	for i := range n {
		xs[i], keys[i] = randomIndex(r)
	}
	for i := range n {
		a, ka := xs[i], keys[i]
		// The parts of an index are what it was built from.
		if a.Source() != ka[0] {
			t.Fatalf("%s: Source() = %d, want %d", a, a.Source(), ka[0])
		}
		if got := a.Path(); len(got) != len(ka)-1 {
			t.Fatalf("%s: Path() = %v, want %v", a, got, ka[1:])
		}
		for l, p := range a.Path() {
			if uint64(p) != ka[l+1] {
				t.Fatalf("%s: Path() = %v, want %v", a, a.Path(), ka[1:])
			}
		}
		var parts []string
		for _, k := range ka {
			parts = append(parts, strconv.FormatUint(k, 10))
		}
		if got, want := a.String(), strings.Join(parts, "."); got != want {
			t.Fatalf("String() = %q, want %q", got, want)
		}

		if Compare(a, a) != 0 {
			t.Fatalf("Compare(%s, itself) = %d", a, Compare(a, a))
		}
		for j := range n {
			b, kb := xs[j], keys[j]
			got := Compare(a, b)
			// Lexicographic on (source, path...), a prefix (the parent)
			// first: exactly what slices.Compare does.
			if want := slices.Compare(ka, kb); got != want {
				t.Fatalf("Compare(%s, %s) = %d, want %d", a, b, got, want)
			}
			if back := Compare(b, a); back != -got {
				t.Fatalf("Compare(%s, %s) = %d but Compare(%s, %s) = %d", a, b, got, b, a, back)
			}
			if (got == 0) != (a == b) {
				t.Fatalf("Compare(%s, %s) = %d but == is %v", a, b, got, a == b)
			}
		}
	}

	// Sorted by Compare, every earlier index is <= every later one: the order
	// is total and transitive.
	sorted := slices.Clone(xs)
	slices.SortFunc(sorted, Compare)
	for i := range sorted {
		for j := i + 1; j < len(sorted); j++ {
			if c := Compare(sorted[i], sorted[j]); c > 0 {
				t.Fatalf("after sorting, Compare(%s, %s) = %d", sorted[i], sorted[j], c)
			}
		}
	}
	// And the sort agrees with sorting the keys.
	sortedKeys := slices.Clone(keys)
	slices.SortFunc(sortedKeys, slices.Compare)
	for i := range sorted {
		var want Index
		want = SourceIndex(sortedKeys[i][0])
		for _, p := range sortedKeys[i][1:] {
			want = want.Child(int(p))
		}
		if sorted[i] != want {
			t.Fatalf("sorted[%d] = %s, want %s", i, sorted[i], want)
		}
	}
}

func TestChildPastMaxIndexDepth(t *testing.T) {
	x := SourceIndex(4)
	var full Index
	for level := range MaxIndexDepth + 3 {
		x = x.Child(level + 10) // must not panic
		if level == MaxIndexDepth-1 {
			full = x
		}
	}
	path := x.Path()
	if len(path) != MaxIndexDepth {
		t.Fatalf("Path() has %d positions past the limit, want %d", len(path), MaxIndexDepth)
	}
	// The outer positions are kept; the deepest is the last one given.
	for l := range MaxIndexDepth - 1 {
		if path[l] != l+10 {
			t.Errorf("Path()[%d] = %d, want %d", l, path[l], l+10)
		}
	}
	if got, want := path[MaxIndexDepth-1], MaxIndexDepth+2+10; got != want {
		t.Errorf("deepest position = %d, want %d (the last Child)", got, want)
	}
	if got := strings.Count(x.String(), "."); got != MaxIndexDepth {
		t.Errorf("String() = %q has %d dots, want %d", x, got, MaxIndexDepth)
	}
	if x.Source() != 4 {
		t.Errorf("Source() = %d, want 4", x.Source())
	}
	// It stays a valid index: ordered consistently with the full-depth one
	// whose deepest position it overwrote.
	if Compare(full, x) != -1 || Compare(x, full) != +1 {
		t.Errorf("Compare(%s, %s) = %d, want -1", full, x, Compare(full, x))
	}
	if full.Child(MaxIndexDepth+2+10) != x {
		t.Errorf("%s.Child(%d) = %s, want %s", full, MaxIndexDepth+12, full.Child(MaxIndexDepth+12), x)
	}
}
