package pipegenimpl

import (
	"iter"
	"slices"
	"testing"
)

type lines iter.Seq[string]
type pairs iter.Seq2[string, error]
type feed chan string

func collect(seq iter.Seq[string], seq2 iter.Seq2[string, error]) []string {
	var got []string
	if seq != nil {
		for v := range seq {
			got = append(got, v)
		}
		return got
	}
	for v := range seq2 {
		got = append(got, v)
	}
	return got
}

func TestSourceAcceptsEveryInputForm(t *testing.T) {
	want := []string{"a", "b"}
	ch := make(chan string, 2)
	ch <- "a"
	ch <- "b"
	close(ch)
	named := make(feed, 2)
	named <- "a"
	named <- "b"
	close(named)
	var seq2 iter.Seq2[string, error] = func(yield func(string, error) bool) {
		_ = yield("a", nil) && yield("b", nil)
	}
	for name, in := range map[string]any{
		"iter.Seq":        slices.Values(want),
		"named iter.Seq":  lines(slices.Values(want)),
		"iter.Seq2":       seq2,
		"named iter.Seq2": pairs(seq2),
		"chan":            ch,
		"named chan":      named,
	} {
		if got := collect(Source[string](in, nil)); !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", name, got, want)
		}
	}
}

func TestSourceChannelStopsWhenDone(t *testing.T) {
	quiet := make(chan string)
	done := make(chan struct{})
	close(done)
	seq, _ := Source[string]((<-chan string)(quiet), done)
	for range seq {
		t.Fatal("got an element from a quiet channel")
	}
}
