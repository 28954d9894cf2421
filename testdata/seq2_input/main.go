// Named inputs, an explicit input term, and inputs given as iter.Seq2 with
// errors or as plain func literals.
package main

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
)

//pipegen:map
func Upper(s string) string { return strings.ToUpper(s) }

//pipegen:pipeline Shout(lines) = Upper
//pipegen:pipeline Explicit(src) = src | Upper

func main() {
	ctx := context.Background()
	show := func(seq iter.Seq2[string, error]) {
		var got []string
		for v, err := range seq {
			if err != nil {
				fmt.Println("error:", errors.Unwrap(err))
				return
			}
			got = append(got, v)
		}
		slices.Sort(got)
		fmt.Println(got)
	}
	show(Shout(ctx, slices.Values([]string{"a", "b"})))
	show(Explicit(ctx, func(yield func(string) bool) { yield("literal") }))
	withErr := func(yield func(string, error) bool) {
		_ = yield("x", nil) && yield("", errors.New("source failed"))
	}
	show(Shout(ctx, withErr))
	show(Explicit(ctx, iter.Seq2[string, error](withErr)))
}
