package main

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pipegen/pipegen/generator"
	pipegen "github.com/pipegen/pipegen/runtime"
)

// sequential counts like Count, without the pipeline: the reference.
func sequential(t *testing.T, dir string) map[string]int {
	t.Helper()
	counts := map[string]int{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".txt" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(data), "\n") {
			for _, w := range Words(line) {
				if Interesting(w) {
					counts[w]++
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return counts
}

func TestCountMatchesSequential(t *testing.T) {
	got, err := Count(context.Background(), "testdata")
	if err != nil {
		t.Fatal(err)
	}
	want := sequential(t, "testdata")
	if !maps.Equal(got, want) {
		t.Fatalf("Count differs from a sequential count:\ngot  %v\nwant %v", got, want)
	}
	top := Top(got, 3)
	if top[0] != (WordCount{"stage", 10}) {
		t.Errorf("top word = %v, want stage×10", top[0])
	}
	if got["workers"] != 3 || got["the"] != 0 || got["context's"] != 1 {
		t.Errorf("counts of workers, the, context's = %d, %d, %d", got["workers"], got["the"], got["context's"])
	}
}

func TestErrorsFailThePipeline(t *testing.T) {
	ctx := context.Background()
	// A failing input: the walk of a directory that does not exist.
	_, err := Count(ctx, filepath.Join(t.TempDir(), "missing"))
	var se *pipegen.StageError
	if !errors.As(err, &se) || se.Stage != "files" || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Count(missing dir) = %v, want the walk's error from input files", err)
	}
	// A failing stage: ReadLines cannot open a file.
	for _, err := range WordFreq(ctx, slices.Values([]string{"testdata/queues.txt", "testdata/nope.txt"})) {
		if err == nil {
			continue
		}
		if !errors.As(err, &se) || se.Stage != "ReadLines" || se.Index.Source() != 1 || !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("err = %v, want ReadLines failing on element 1", err)
		}
		return
	}
	t.Fatal("no error for a missing file")
}

func TestTop(t *testing.T) {
	got := Top(map[string]int{"b": 2, "a": 2, "c": 5, "d": 1}, 3)
	want := []WordCount{{"c", 5}, {"a", 2}, {"b", 2}}
	if !slices.Equal(got, want) {
		t.Fatalf("Top = %v, want %v", got, want)
	}
}

func TestGeneratedCodeIsFresh(t *testing.T) {
	stale, err := generator.Check(context.Background(), generator.Config{}, ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Fatalf("stale generated code %v: run go generate ./examples/wordfreq", stale)
	}
}
