// flatmap stages returning slices, with and without ctx and error.
package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

//pipegen:flatmap workers=2
func Words(line string) []string { return strings.Fields(line) }

//pipegen:flatmap
func Letters(ctx context.Context, w string) ([]rune, error) {
	if w == "bad" {
		return nil, errors.New("bad word")
	}
	return []rune(w), nil
}

//pipegen:flatmap
func Nothing(r rune) []rune { return nil }

//pipegen:pipeline Split = Words | Letters
//pipegen:pipeline Empty = Words | Letters | Nothing

func main() {
	ctx := context.Background()
	var got []string
	for r, err := range Split(ctx, slices.Values([]string{"ab c", "", "de"})) {
		if err != nil {
			panic(err)
		}
		got = append(got, string(r))
	}
	slices.Sort(got)
	fmt.Println("Split", got)
	for _, err := range Split(ctx, slices.Values([]string{"ok bad ok"})) {
		if err != nil {
			fmt.Println("error:", explain(err))
		}
	}
	n := 0
	for range Empty(ctx, slices.Values([]string{"many words here"})) {
		n++
	}
	fmt.Println("Empty yielded", n)
}
