// A stage may take an interface that the previous stage's type implements;
// a filter passes on the type it receives.
package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
)

//pipegen:map
func Buffer(s string) *bytes.Buffer { return bytes.NewBufferString(s) }

//pipegen:filter
func NonEmpty(r io.Reader) bool {
	b, ok := r.(*bytes.Buffer)
	return ok && b.Len() > 0
}

//pipegen:map
func Read(r io.Reader) (string, error) {
	b, err := io.ReadAll(r)
	return string(b), err
}

//pipegen:pipeline Reread = Buffer | NonEmpty | Read

func main() {
	var got []string
	for v, err := range Reread(context.Background(), slices.Values([]string{"x", "", "yz"})) {
		if err != nil {
			panic(err)
		}
		got = append(got, v)
	}
	slices.Sort(got)
	fmt.Println(got)
}
