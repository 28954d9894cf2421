// Command wordfreq prints the most frequent words of the text files in a
// directory tree. It is the pipegen example: the work is a pipeline of
// annotated stage functions, and pipegen_gen.go, generated from them,
// runs it concurrently.
//
//	go run ./examples/wordfreq [-top N] [dir]
//
// The pipeline reads the files four at a time, splits their lines into
// words and drops the short and common ones; the caller counts what comes
// out. Regenerate the pipeline code after changing a directive with
//
//	go generate ./examples/wordfreq
package main

//go:generate go run github.com/pipegen/pipegen/cmd/pipegen

import (
	"bufio"
	"cmp"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
)

// ReadLines yields the lines of the file at path, or the error that
// stopped reading it.
//
//pipegen:flatmap workers=4
func ReadLines(ctx context.Context, path string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		f, err := os.Open(path)
		if err != nil {
			yield("", err)
			return
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if ctx.Err() != nil || !yield(sc.Text(), nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield("", fmt.Errorf("%s: %w", path, err))
		}
	}
}

// Words splits a line into lower-case words: runs of letters, with
// apostrophes inside words kept (don't, o'clock).
//
//pipegen:flatmap workers=2
func Words(line string) []string {
	words := strings.FieldsFunc(line, func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\''
	})
	out := words[:0]
	for _, w := range words {
		if w = strings.Trim(w, "'"); w != "" {
			out = append(out, strings.ToLower(w))
		}
	}
	return out
}

// stopWords are too common to be interesting.
var stopWords = map[string]bool{
	"the": true, "and": true, "for": true, "that": true, "with": true, "this": true,
	"are": true, "was": true, "but": true, "not": true, "you": true, "from": true,
	"its": true, "has": true, "had": true, "have": true, "they": true, "their": true,
	"them": true, "then": true, "than": true, "into": true, "one": true, "all": true,
}

// Interesting keeps words of three letters or more that are not stop words.
//
//pipegen:filter workers=2
func Interesting(w string) bool {
	return len([]rune(w)) >= 3 && !stopWords[w]
}

//pipegen:pipeline WordFreq(files) = ReadLines | Words | Interesting

// textFiles yields the paths of the .txt files below dir, or the error
// that stopped the walk.
func textFiles(dir string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && filepath.Ext(path) == ".txt" && !yield(path, nil) {
				return fs.SkipAll
			}
			return nil
		})
		if err != nil {
			yield("", err)
		}
	}
}

// WordCount is a word and how often it occurs.
type WordCount struct {
	Word  string
	Count int
}

// Count counts the interesting words of the text files below dir.
func Count(ctx context.Context, dir string) (map[string]int, error) {
	counts := map[string]int{}
	for w, err := range WordFreq(ctx, textFiles(dir)) {
		if err != nil {
			return nil, err
		}
		counts[w]++
	}
	return counts, nil
}

// Top returns the n most frequent words of counts, most frequent first,
// ties in alphabetical order.
func Top(counts map[string]int, n int) []WordCount {
	all := make([]WordCount, 0, len(counts))
	for w, c := range counts {
		all = append(all, WordCount{w, c})
	}
	slices.SortFunc(all, func(a, b WordCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Word, b.Word))
	})
	return all[:min(n, len(all))]
}

func main() {
	top := flag.Int("top", 10, "how many words to print")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: wordfreq [-top N] [dir]\n\nPrints the most frequent words of the .txt files below dir (default: the example's texts).")
		flag.PrintDefaults()
	}
	flag.Parse()
	dir := "examples/wordfreq/testdata"
	if flag.NArg() > 0 {
		dir = flag.Arg(0)
	}
	counts, err := Count(context.Background(), dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wordfreq:", err)
		os.Exit(1)
	}
	for _, wc := range Top(counts, *top) {
		fmt.Printf("%6d %s\n", wc.Count, wc.Word)
	}
}
