// flatmap stages returning iter.Seq2[U, error], with and without a
// leading error check.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
)

//pipegen:flatmap
func Lines(text string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		sc := bufio.NewScanner(strings.NewReader(text))
		for sc.Scan() {
			if sc.Text() == "ERR" {
				yield("", errors.New("bad line"))
				return
			}
			if !yield(sc.Text(), nil) {
				return
			}
		}
	}
}

//pipegen:flatmap
func Fields(ctx context.Context, line string) (iter.Seq2[string, error], error) {
	if line == "" {
		return nil, errors.New("empty line")
	}
	return func(yield func(string, error) bool) {
		for _, f := range strings.Fields(line) {
			if !yield(f, nil) {
				return
			}
		}
	}, nil
}

//pipegen:pipeline Tokens = Lines | Fields

func main() {
	ctx := context.Background()
	var got []string
	for v, err := range Tokens(ctx, slices.Values([]string{"a b\nc", "d"})) {
		if err != nil {
			panic(err)
		}
		got = append(got, v)
	}
	slices.Sort(got)
	fmt.Println("Tokens", got)
	for _, err := range Tokens(ctx, slices.Values([]string{"a\nERR\nb"})) {
		if err != nil {
			fmt.Println("error:", explain(err))
		}
	}
	for _, err := range Tokens(ctx, slices.Values([]string{"a\n\nb"})) {
		if err != nil {
			fmt.Println("error:", explain(err))
		}
	}
}
