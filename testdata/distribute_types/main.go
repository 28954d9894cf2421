// Command distribute_types sends values of many kinds of types through the
// codecs of a distributed pipeline (over the loopback transport) and checks
// that each comes back equal to what a local run yields.
package main

import (
	"context"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
	"github.com/pipegen/pipegen/runtime/remote"
)

// Pair is generic.
type Pair[K comparable, V any] struct {
	Key K
	Val V
}

// Inner is embedded.
type Inner struct {
	Note string
	at   [3]byte // unexported, of this package: encoded too
}

// Blob is a named byte slice.
type Blob []byte

// Level is a named integer.
type Level int8

// Stamp has a pointer-receiver MarshalBinary pair of its own.
type Stamp struct{ secret int }

// MarshalBinary writes the stamp.
func (s *Stamp) MarshalBinary() ([]byte, error) { return []byte{byte(s.secret)}, nil }

// UnmarshalBinary reads it.
func (s *Stamp) UnmarshalBinary(b []byte) error {
	if len(b) != 1 {
		return fmt.Errorf("stamp of %d bytes", len(b))
	}
	s.secret = int(b[0])
	return nil
}

// List is recursive through a pointer.
type List struct {
	Head int
	Tail *List
}

// Alias is an alias.
type Alias = map[string][]int

// Everything has one field of each kind.
type Everything struct {
	Inner
	Pairs   []Pair[string, *int]
	ByArray map[[2]int]string
	Blob    Blob
	Runes   []rune
	Levels  [2]Level
	PP      **float64
	Stamp   Stamp
	List    *List
	Alias   Alias
	Empty   struct{}
	Addr    netip.Addr
	When    time.Duration
	U8      uint8
	U64     uint64
	I32     int32
	C64     complex64
	Nil     []string
	NilMap  map[int]int
	Flag    bool
}

//pipegen:map workers=2
func Make(n int) Everything {
	x := n * 10
	f := float64(n) / 3
	pf := &f
	e := Everything{
		Inner:   Inner{Note: strings.Repeat("é", n), at: [3]byte{1, byte(n), 3}},
		Pairs:   []Pair[string, *int]{{Key: "a", Val: &x}, {Key: "nil"}},
		ByArray: map[[2]int]string{{n, -n}: "k"},
		Blob:    Blob{byte(n), 0},
		Runes:   []rune("ü" + fmt.Sprint(n)),
		Levels:  [2]Level{Level(-n), 127},
		PP:      &pf,
		Stamp:   Stamp{secret: n},
		List:    &List{Head: n, Tail: &List{Head: n + 1}},
		Alias:   Alias{"x": {n, n}},
		Addr:    netip.AddrFrom4([4]byte{10, 0, 0, byte(n)}),
		When:    time.Duration(n) * time.Millisecond,
		U8:      255,
		U64:     1<<64 - 1,
		I32:     -1 << 31,
		C64:     complex(float32(n), -1),
		Flag:    n%2 == 0,
	}
	if n == 0 {
		e.Blob, e.Runes, e.Pairs = Blob{}, nil, []Pair[string, *int]{}
	}
	return e
}

//pipegen:pipeline Types = Make
//pipegen:distribute Types

func main() {
	ctx := context.Background()
	lb := remote.NewLoopback()
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() { _ = ServeTypes(sctx, lb) }()
	in := []int{0, 1, 2, 3}
	local := map[string]Everything{}
	for it, err := range TypesWithIndex(ctx, slices.Values(in)) {
		if err != nil {
			panic(err)
		}
		local[it.Index.String()] = it.Value
	}
	n := 0
	for it, err := range TypesWithIndex(ctx, slices.Values(in), pipegen.Remote(lb)) {
		if err != nil {
			panic(err)
		}
		want := local[it.Index.String()]
		if !reflect.DeepEqual(it.Value, want) {
			fmt.Printf("element %v differs:\n got %+v\nwant %+v\n", it.Index, it.Value, want)
			continue
		}
		n++
	}
	fmt.Printf("%d of %d elements came back equal\n", n, len(in))
}
