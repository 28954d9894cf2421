package main

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/pipegen/pipegen/generator"
)

// TestExampleSurvivesAKilledWorker runs the example as the README does,
// smaller: three worker processes, one killed mid-run.
func TestExampleSurvivesAKilledWorker(t *testing.T) {
	if os.Getenv("EXACTLYONCE_WORKER") != "" {
		t.Skip("worker process")
	}
	var out strings.Builder
	if err := run([]string{"-n", "600", "-rounds", "100"}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"started 3 worker processes", "killed worker process", "600 jobs, 600 results: every result arrived exactly once and is right"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestGeneratedCodeIsFresh fails when a checked-in pipegen_gen.go of the
// cluster module is stale: run go generate ./... in cluster/.
func TestGeneratedCodeIsFresh(t *testing.T) {
	stale, err := generator.Check(context.Background(), generator.Config{Dir: "../.."}, "./...")
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Errorf("stale generated files (run go generate ./... in cluster/): %v", stale)
	}
}

// TestMain makes the test binary a worker process when the example
// starts workers: os.Executable is the test binary then.
func TestMain(m *testing.M) {
	for i, a := range os.Args {
		if a == "-worker" && i+1 < len(os.Args) {
			if err := serve(os.Args[i+1], os.Stdout); err != nil {
				os.Exit(1)
			}
			os.Exit(0)
		}
	}
	os.Exit(m.Run())
}
