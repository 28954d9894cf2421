package main

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestExampleSurvivesAKilledWorker runs the example as the README does,
// smaller: three worker processes, one killed mid-run.
func TestExampleSurvivesAKilledWorker(t *testing.T) {
	t.Parallel()
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
// cluster module is stale: run go generate ./... in cluster/. It runs the
// module's pipegen tool (built without the race detector: type-checking
// the module in this race-instrumented binary takes several times as
// long), whose loading of the packages uses the build flags of this test
// binary, so that it finds them compiled already.
func TestGeneratedCodeIsFresh(t *testing.T) {
	t.Parallel()
	tool, err := exec.Command("go", "tool", "-n", "pipegen").Output()
	if err != nil {
		t.Fatalf("building the pipegen tool: %v\n%s", err, errOutput(err))
	}
	cmd := exec.Command(strings.TrimSpace(string(tool)), "check", "-v", "./...")
	cmd.Dir = "../.."
	if raceBuild {
		cmd.Env = append(os.Environ(), "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -race"))
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("stale generated files (run go generate ./... in cluster/), or the check failed: %v\n%s", err, out)
	}
	for _, f := range []string{"examples/exactlyonce", "internal/otherpipe", "internal/testpipe"} {
		if !strings.Contains(string(out), f+"/pipegen_gen.go: up to date") {
			t.Errorf("the check did not find %s/pipegen_gen.go up to date:\n%s", f, out)
		}
	}
}

// errOutput is the standard error of a command that failed, if kept.
func errOutput(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(ee.Stderr)
	}
	return ""
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
