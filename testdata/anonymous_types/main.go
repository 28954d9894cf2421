// Unnamed element types: struct literals with tags, arrays, channels and
// func types.
package main

import (
	"context"
	"fmt"
	"slices"
)

//pipegen:map
func Wrap(s string) struct {
	Name string `json:"name"`
	N    int
} {
	return struct {
		Name string `json:"name"`
		N    int
	}{s, len(s)}
}

//pipegen:map
func Digest(v struct {
	Name string `json:"name"`
	N    int
}) [2]byte {
	return [2]byte{v.Name[0], byte(v.N)}
}

//pipegen:map
func Later(b [2]byte) func() string {
	return func() string { return fmt.Sprintf("%c%d", b[0], b[1]) }
}

//pipegen:map
func Send(f func() string) <-chan string {
	c := make(chan string, 1)
	c <- f()
	return c
}

//pipegen:map
func Recv(c <-chan string) string { return <-c }

//pipegen:pipeline Anon = Wrap | Digest | Later | Send | Recv

func main() {
	var got []string
	for v, err := range Anon(context.Background(), slices.Values([]string{"go", "pipe"})) {
		if err != nil {
			panic(err)
		}
		got = append(got, v)
	}
	slices.Sort(got)
	fmt.Println(got)
}
