package difftest

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pipegen/pipegen/generator/difftest/harness"
)

var (
	seedsFlag = flag.String("difftest.seeds", "", "comma-separated seeds to run instead of the CI set")
	perFlag   = flag.Int("difftest.per", 0, "pipelines per program (default: the CI set's)")
	keepFlag  = flag.Bool("difftest.keep", false, "keep the test programs, to rerun a failure (their directory is logged)")
)

// The CI set: ciPrograms programs of ciPipelines pipelines from seeds
// ciSeed, ciSeed+1, …, each pipeline run ciRuns times.
const (
	ciSeed      = 1000
	ciPrograms  = 4
	ciPipelines = 52
	ciRuns      = 3
)

// TestDifferential runs the CI set: every pipeline against the reference
// interpreter, with faults. A failure prints the seed, the pipeline's
// directive, the run's plan and how to rerun it (with -difftest.keep).
func TestDifferential(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	seeds := []int64{}
	for i := range ciPrograms {
		seeds = append(seeds, ciSeed+int64(i))
	}
	per := ciPipelines
	if testing.Short() {
		seeds, per = seeds[:1], 20
	}
	if *seedsFlag != "" {
		seeds = nil
		for _, s := range strings.Split(*seedsFlag, ",") {
			n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			seeds = append(seeds, n)
		}
	}
	if *perFlag > 0 {
		per = *perFlag
	}
	var specs []*harness.Spec
	for _, s := range seeds {
		specs = append(specs, harness.Draw(s, harness.DrawConfig{Pipelines: per, Runs: ciRuns}))
	}
	dir := t.TempDir()
	if *keepFlag {
		var err error
		if dir, err = os.MkdirTemp("", "difftest-"); err != nil {
			t.Fatal(err)
		}
		t.Logf("test programs in %s", dir)
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	results, err := Check(context.Background(), Config{
		Root: root, Dir: dir, Race: raceEnabled, Unoptimized: true, Parallel: 2, Timeout: 5 * time.Minute, Log: t.Logf,
	}, specs)
	if err != nil {
		t.Fatal(err)
	}
	totals := Add(results)
	t.Logf("%v\n%s", time.Since(start).Round(time.Millisecond), totals)
	for _, r := range results {
		if r.Failed() {
			t.Errorf("%s", r.Describe())
		}
	}
	if *seedsFlag == "" && !testing.Short() && totals.Pipelines < 200 {
		t.Errorf("the CI set ran %d pipelines, want at least 200", totals.Pipelines)
	}

	// The checks catch a wrong reference: run a program again with the
	// reference broken on purpose.
	for _, r := range results {
		if r.Failed() || r.Bin == "" {
			continue
		}
		for _, m := range []string{"value", "order", "drop"} {
			cmd := exec.Command(r.Bin, "-runs", "2")
			cmd.Env = append(os.Environ(), "DIFFTEST_MUTATE="+m)
			out, _ := cmd.Output()
			if !strings.Contains(string(out), `"kind":"mismatch"`) {
				t.Errorf("seed %d with the reference broken (%s): no mismatch found", r.Seed, m)
			}
		}
		break
	}
}
