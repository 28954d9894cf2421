// Element types from other packages: structs, interfaces, a package
// whose name differs from its import path's last element, and pointers.
package main

import (
	"context"
	"fmt"
	"image"
	"math/rand/v2"
	"net/url"
	"slices"
	"time"
)

//pipegen:map
func Parse(s string) (*url.URL, error) { return url.Parse(s) }

//pipegen:map
func Host(u *url.URL) image.Point { return image.Pt(len(u.Host), len(u.Path)) }

//pipegen:map
func Wait(p image.Point) time.Duration { return time.Duration(p.X+p.Y) * time.Millisecond }

//pipegen:map
func Seeded(d time.Duration) *rand.Rand { return rand.New(rand.NewPCG(uint64(d), 1)) }

//pipegen:map
func Draw(r *rand.Rand) uint64 { return r.Uint64() % 1000 }

//pipegen:pipeline Links = Parse | Host | Wait | Seeded | Draw

func main() {
	var got []uint64
	for v, err := range Links(context.Background(), slices.Values([]string{"https://example.com/a", "http://go.dev/"})) {
		if err != nil {
			panic(err)
		}
		got = append(got, v)
	}
	slices.Sort(got)
	fmt.Println(got)
	for _, err := range Links(context.Background(), slices.Values([]string{":bad"})) {
		fmt.Println(err != nil)
	}
}
