// Package difftest is pipegen's randomized differential tester.
//
// From a seed it draws a spec (package harness): stage functions of every
// kind and signature with random directives (workers, maxsize, timeouts,
// ontimeout, worker hooks), and pipelines over them (chains, overrides,
// ordered, concat of branches and of several inputs, reuse of inlined
// pipelines and inputs, which broadcasts). [Render] writes the spec as an
// annotated Go program; [Check] writes such programs into a scratch module
// that replaces github.com/pipegen/pipegen with this repository, runs the
// real generator on them, builds them (with -race when asked) and runs
// them under a watchdog. Each program runs every pipeline several times
// on random inputs, with random faults (errors, panics, hanging elements,
// cancellation, consumer break and panic, failing start and done hooks,
// failing inputs, bad options) and run-time options, and compares what
// it yields with the sequential reference interpreter of package harness:
// the same multiset, or the same sequence where order is promised; calls
// of every stage function once per element; the error is one injected or
// ctx.Err(); done ran once per started worker; no goroutine is left.
//
// # Running
//
//	go test ./generator/difftest                      # the CI set: 4 programs, 208 pipelines, 3 runs each
//	go test -short ./generator/difftest               # one program of 20 pipelines
//	go test ./generator/difftest -difftest.seeds 7,8 -difftest.keep   # other seeds; keep the programs
//	go run ./generator/difftest/cmd/soak -n 10000 -unoptimized -v     # a soak
//
// Under -race the programs are built with -race too. A failure names the
// seed, the pipeline's directive and the run's plan (inputs, faults,
// options), and the command that reruns that one run of a kept program
// (-pipeline P -run K). Pipegen bugs known when the tester was written
// were tolerated or avoided and counted (the KnownX variables of package
// harness, now false: the fixed behaviour is checked strictly).
//
// Pipelines that pipegen must reject are drawn too: those whose elements
// pass more than pipegen.MaxIndexDepth flatmap and concat levels
// (harness.DepthError). Each becomes a program of its own, and the
// generator must reject it with exactly that error (see BUGS.md, 5).
package difftest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pipegen/pipegen/generator"
	"github.com/pipegen/pipegen/generator/difftest/harness"
)

// Config is how [Check] builds and runs the test programs.
type Config struct {
	// Root is the directory of the pipegen repository.
	Root string
	// Dir is where the scratch module goes (it must be empty or absent).
	Dir string
	// Race builds the programs with the race detector.
	Race bool
	// Unoptimized compiles the generated packages (not the runtime) with
	// -N -l: three times faster to build, for the CI set.
	Unoptimized bool
	// Parallel is how many programs run at once (default 1).
	Parallel int
	// Timeout bounds the run of one program (default 10 minutes); a
	// program past it counts as hung.
	Timeout time.Duration
	// Log, if set, hears of progress.
	Log func(format string, args ...any)
}

func (c *Config) logf(format string, args ...any) {
	if c.Log != nil {
		c.Log(format, args...)
	}
}

// Result is what one test program found.
type Result struct {
	Seed int64
	// Summary is the program's summary (nil if it printed none).
	Summary *harness.Summary
	// Failures are the failures it printed (at most 40).
	Failures []harness.Failure
	// Problem says why the program could not be generated, built or run,
	// or how it ended badly; "" when it ran to its summary.
	Problem string
	// Hung: the program, or one of its runs, did not end in time.
	Hung bool
	// Stderr is the end of what the program wrote to stderr.
	Stderr string
	// Bin is the program, to run it again (-pipeline P -run K).
	Bin     string
	Elapsed time.Duration
	// Rejected is how many pipelines pipegen had to reject (their
	// programs of their own); a failure to is among Failures.
	Rejected int
}

// Failed reports whether the program found anything wrong.
func (r *Result) Failed() bool {
	return r.Problem != "" || r.Summary == nil || len(r.Failures) > 0 || sumValues(r.Summary.Failures) > 0
}

func sumValues[K comparable](m map[K]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// Check writes, generates, builds and runs the programs of specs, and
// returns what each found.
func Check(ctx context.Context, cfg Config, specs []*harness.Spec) ([]*Result, error) {
	if cfg.Parallel < 1 {
		cfg.Parallel = 1
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Minute
	}
	results := make([]*Result, len(specs))
	for i, s := range specs {
		results[i] = &Result{Seed: s.Seed}
	}
	if err := writeModule(cfg, specs); err != nil {
		return nil, err
	}
	start := time.Now()
	ok := generate(ctx, cfg, specs, results)
	cfg.logf("generated %d programs in %v", len(specs), time.Since(start).Round(time.Millisecond))
	if err := checkRejected(ctx, cfg, specs, results); err != nil {
		return nil, err
	}
	start = time.Now()
	ok = build(ctx, cfg, specs, results, ok)
	cfg.logf("built %d programs in %v", len(ok), time.Since(start).Round(time.Millisecond))

	var wg sync.WaitGroup
	sem := make(chan struct{}, cfg.Parallel)
	for i := range specs {
		if !ok[i] {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			runProgram(ctx, cfg, results[i])
		}()
	}
	wg.Wait()
	return results, ctx.Err()
}

// modulePath is the path of the scratch module.
const modulePath = "difftest.example/m"

func pkgName(s *harness.Spec) string { return fmt.Sprintf("p%d", s.Seed) }

// rejectedName is the directory of the program of s.Rejected[k].
func rejectedName(s *harness.Spec, k int) string { return fmt.Sprintf("p%dx%d", s.Seed, k) }

// writeModule writes the scratch module: go.mod replacing pipegen with
// the repository, its go.sum, and one package main per spec.
func writeModule(cfg Config, specs []*harness.Spec) error {
	root, err := filepath.Abs(cfg.Root)
	if err != nil {
		return err
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		return err
	}
	mod := "module " + modulePath + "\n\ngo 1.26.0\n\nrequire github.com/pipegen/pipegen v0.0.0\n\nreplace github.com/pipegen/pipegen => " + root + "\n"
	files := map[string][]byte{"go.mod": []byte(mod), "go.sum": sum}
	for _, s := range specs {
		src, err := Render(s)
		if err != nil {
			return fmt.Errorf("seed %d: %w", s.Seed, err)
		}
		files[filepath.Join(pkgName(s), "main.go")] = src
		for k, r := range s.Rejected {
			name := rejectedName(s, k)
			src, err := RenderRejected(name, s.Seed, r)
			if err != nil {
				return fmt.Errorf("seed %d, rejected pipeline %s: %w", s.Seed, r.Pipeline.Name, err)
			}
			files[filepath.Join(name, "main.go")] = src
		}
	}
	for name, data := range files {
		path := filepath.Join(cfg.Dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// goEnv is the environment of the go command in the scratch module: the
// module's requirements come from the replaced pipegen module.
func goEnv() []string {
	return append(os.Environ(), "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"), "GOWORK=off")
}

// generate runs the generator on the programs, with --nofuse for the specs
// that ask for it. A program pipegen rejects is a failure of its seed: it
// is either a wrong spec or a pipegen bug. It returns which programs were
// generated.
func generate(ctx context.Context, cfg Config, specs []*harness.Spec, results []*Result) []bool {
	ok := make([]bool, len(specs))
	for _, noFuse := range []bool{false, true} {
		var idx []int
		for i, s := range specs {
			if s.NoFuse == noFuse {
				idx = append(idx, i)
			}
		}
		if len(idx) == 0 {
			continue
		}
		gen := func(idx []int) error {
			var patterns []string
			for _, i := range idx {
				patterns = append(patterns, "./"+pkgName(specs[i]))
			}
			outs, err := generator.Generate(ctx, generator.Config{Dir: cfg.Dir, Env: goEnv(), NoFuse: noFuse}, patterns...)
			if err != nil {
				return err
			}
			for _, o := range outs {
				if err := o.Commit(); err != nil {
					return err
				}
			}
			return nil
		}
		if gen(idx) == nil {
			for _, i := range idx {
				ok[i] = true
			}
			continue
		}
		// Find which programs pipegen rejects.
		for _, i := range idx {
			if err := gen([]int{i}); err != nil {
				results[i].Problem = "pipegen rejected the program: " + err.Error()
			} else {
				ok[i] = true
			}
		}
	}
	return ok
}

// RejectionKind is the Failure.Kind of a pipeline that pipegen should
// have rejected and did not, or not with the index-depth error alone.
const RejectionKind = "rejection"

// checkRejected runs the generator on the programs of the pipelines that
// pipegen must reject (Spec.Rejected), all at once, and requires of each
// exactly one error: the index-depth error, on a line of a pipeline
// directive of its file. Anything else (no error, another error, or more)
// is a failure of the spec's Result.
func checkRejected(ctx context.Context, cfg Config, specs []*harness.Spec, results []*Result) error {
	var patterns []string
	for _, s := range specs {
		for k := range s.Rejected {
			patterns = append(patterns, "./"+rejectedName(s, k))
		}
	}
	if len(patterns) == 0 {
		return nil
	}
	start := time.Now()
	_, err := generator.Generate(ctx, generator.Config{Dir: cfg.Dir, Env: goEnv()}, patterns...)
	var errs generator.Errors
	if err != nil && !errors.As(err, &errs) {
		return fmt.Errorf("generating the rejected programs: %w", err)
	}
	for i, s := range specs {
		for k, r := range s.Rejected {
			// The program's errors, by its directory (the go command may
			// spell the scratch directory differently).
			name := rejectedName(s, k)
			var got []*generator.Error
			for _, e := range errs {
				if filepath.Base(filepath.Dir(e.Pos.Filename)) == name {
					got = append(got, e)
				}
			}
			if detail := rejectionProblem(got, r.Err.Error()); detail != "" {
				results[i].Failures = append(results[i].Failures, harness.Failure{
					Seed: s.Seed, Pipeline: r.Pipeline.Name, Directive: r.Pipeline.Directive(), Kind: RejectionKind,
					Detail: detail + "\nthe program: " + filepath.Join(cfg.Dir, name, "main.go"),
				})
			}
			results[i].Rejected++
		}
	}
	cfg.logf("checked %d programs pipegen must reject in %v", len(patterns), time.Since(start).Round(time.Millisecond))
	return nil
}

// rejectionProblem says what is wrong with the errors got that pipegen
// reported for the program of a pipeline it must reject: they must be the
// one error want, in main.go, on a line of a pipeline directive. It
// returns "" if nothing is wrong.
func rejectionProblem(got []*generator.Error, want string) string {
	switch {
	case len(got) == 0:
		return "pipegen accepted the pipeline; want the error: " + want
	case len(got) > 1:
		return fmt.Sprintf("pipegen reported %d errors; want only: %s\n%s", len(got), want, generator.Errors(got))
	}
	e := got[0]
	if e.Msg != want || filepath.Base(e.Pos.Filename) != "main.go" {
		return fmt.Sprintf("pipegen rejected the pipeline with: %s\nwant: %s", e, want)
	}
	src, err := os.ReadFile(e.Pos.Filename)
	lines := strings.Split(string(src), "\n")
	if n := e.Pos.Line; err != nil || n < 1 || n > len(lines) ||
		!strings.HasPrefix(lines[n-1], "//pipegen:pipeline ") && !strings.HasPrefix(lines[n-1], "//\t| ") {
		return fmt.Sprintf("pipegen's error is not on a line of a pipeline directive: %s", e)
	}
	return ""
}

// build builds the generated programs into Dir/bin; it returns which were
// built.
func build(ctx context.Context, cfg Config, specs []*harness.Spec, results []*Result, ok []bool) []bool {
	built := slices.Clone(ok)
	run := func(idx []int) ([]byte, error) {
		args := []string{"build", "-o", filepath.Join(cfg.Dir, "bin") + string(filepath.Separator)}
		if cfg.Race {
			args = append(args, "-race")
		}
		if cfg.Unoptimized {
			args = append(args, "-gcflags="+modulePath+"/...=-N -l")
		}
		for _, i := range idx {
			args = append(args, "./"+pkgName(specs[i]))
		}
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir, cmd.Env = cfg.Dir, goEnv()
		return cmd.CombinedOutput()
	}
	var idx []int
	for i := range specs {
		if ok[i] {
			idx = append(idx, i)
			results[i].Bin = filepath.Join(cfg.Dir, "bin", pkgName(specs[i]))
		}
	}
	if len(idx) == 0 {
		return built
	}
	if _, err := run(idx); err == nil {
		return built
	}
	for _, i := range idx {
		if out, err := run([]int{i}); err != nil {
			results[i].Problem = fmt.Sprintf("the generated program does not build: %v\n%s", err, out)
			built[i] = false
		}
	}
	return built
}

// runProgram runs one built program and reads what it printed.
func runProgram(ctx context.Context, cfg Config, res *Result) {
	start := time.Now()
	defer func() { res.Elapsed = time.Since(start) }()
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, res.Bin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var l struct {
			Failure *harness.Failure `json:"failure"`
			Summary *harness.Summary `json:"summary"`
		}
		if json.Unmarshal(sc.Bytes(), &l) != nil {
			continue
		}
		if l.Failure != nil {
			res.Failures = append(res.Failures, *l.Failure)
			if l.Failure.Kind == "hang" {
				res.Hung = true
			}
		}
		if l.Summary != nil {
			res.Summary = l.Summary
		}
	}
	res.Stderr = tail(stderr.String(), 8000)
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		res.Hung = true
		res.Problem = fmt.Sprintf("the program did not end within %v", cfg.Timeout)
	case res.Hung:
		res.Problem = "a run hung"
	case errors.As(err, &exit):
		res.Problem = fmt.Sprintf("the program failed: %v", err)
	case err != nil:
		res.Problem = fmt.Sprintf("cannot run the program: %v", err)
	case res.Summary == nil:
		res.Problem = "the program printed no summary"
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// Totals adds up what several programs found.
type Totals struct {
	Programs  int
	Pipelines int
	Runs      int
	Complete  int
	Elements  int
	Planned   map[harness.FaultKind]int
	Fired     map[harness.FaultKind]int
	Failures  map[string]int
	Drops     int
	Spurious  int
	// Rejected counts the pipelines that pipegen had to reject.
	Rejected int
	Known    map[string]int
	// Hangs counts hung programs or runs; Problems the programs that could
	// not be generated, built or run to their end.
	Hangs    int
	Problems int
}

// Add adds up results.
func Add(results []*Result) *Totals {
	t := &Totals{Planned: map[harness.FaultKind]int{}, Fired: map[harness.FaultKind]int{}, Failures: map[string]int{}, Known: map[string]int{}}
	for _, r := range results {
		t.Programs++
		t.Rejected += r.Rejected
		for _, f := range r.Failures {
			if f.Kind == RejectionKind {
				t.Failures[RejectionKind]++
			}
		}
		if r.Hung {
			t.Hangs++
		}
		if r.Problem != "" && !r.Hung {
			t.Problems++
		}
		s := r.Summary
		if s == nil {
			continue
		}
		t.Pipelines += s.Pipelines
		t.Runs += s.Runs
		t.Complete += s.Complete
		t.Elements += s.Elements
		t.Drops += s.Drops
		t.Spurious += s.Spurious
		for k, v := range s.Planned {
			t.Planned[k] += v
		}
		for k, v := range s.Fired {
			t.Fired[k] += v
		}
		for k, v := range s.Known {
			t.Known[k] += v
		}
		for k, v := range s.Avoided {
			t.Known[k+" (avoided)"] += v
		}
		for k, v := range s.Failures {
			if k != "hang" {
				t.Failures[k] += v
			}
		}
	}
	return t
}

// String writes the totals as a report.
func (t *Totals) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "programs:          %d\n", t.Programs)
	fmt.Fprintf(&b, "pipelines run:     %d\n", t.Pipelines)
	fmt.Fprintf(&b, "runs:              %d (%d complete, %d ended by a fault)\n", t.Runs, t.Complete, t.Runs-t.Complete)
	fmt.Fprintf(&b, "elements:          %d (reaching stages, by the reference)\n", t.Elements)
	fmt.Fprintf(&b, "faults injected:   %d planned, %d acted\n", sumValues(t.Planned), sumValues(t.Fired))
	for _, k := range slices.Sorted(maps.Keys(t.Planned)) {
		fmt.Fprintf(&b, "  %-16s %6d planned %6d acted\n", k, t.Planned[k], t.Fired[k])
	}
	fmt.Fprintf(&b, "timeout drops:     %d (%d without a hang fault, on a loaded machine)\n", t.Drops, t.Spurious)
	fmt.Fprintf(&b, "mismatches:        %d\n", t.Failures["mismatch"]+t.Failures["calls"])
	fmt.Fprintf(&b, "wrong errors:      %d\n", t.Failures["error"])
	fmt.Fprintf(&b, "hook failures:     %d\n", t.Failures["hooks"])
	fmt.Fprintf(&b, "leaks:             %d\n", t.Failures["leak"])
	fmt.Fprintf(&b, "must be rejected:  %d (index depth), %d not rejected as they must\n", t.Rejected, t.Failures[RejectionKind])
	fmt.Fprintf(&b, "hangs:             %d\n", t.Hangs)
	fmt.Fprintf(&b, "other problems:    %d\n", t.Problems+t.Failures["spec"])
	for _, k := range slices.Sorted(maps.Keys(t.Known)) {
		fmt.Fprintf(&b, "known pipegen bug tolerated: %s ×%d\n", k, t.Known[k])
	}
	return b.String()
}

// Failed reports whether anything went wrong.
func (t *Totals) Failed() bool {
	return sumValues(t.Failures) > 0 || t.Hangs > 0 || t.Problems > 0
}

// Describe writes what a failed program found, with how to reproduce it.
func (r *Result) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "seed %d", r.Seed)
	if r.Problem != "" {
		fmt.Fprintf(&b, ": %s", r.Problem)
	}
	b.WriteString("\n")
	for _, f := range r.Failures {
		if f.Kind == RejectionKind {
			fmt.Fprintf(&b, "  %s of %s\n    //%s\n    %s\n", f.Kind, f.Pipeline, f.Directive, strings.ReplaceAll(f.Detail, "\n", "\n    "))
			continue
		}
		plan, _ := json.Marshal(f.Plan)
		fmt.Fprintf(&b, "  %s in run %d of %s\n    //%s\n    %s\n    plan: %s\n    rerun: %s -pipeline %s -run %d\n",
			f.Kind, f.Run, f.Pipeline, f.Directive, strings.ReplaceAll(tail(f.Detail, 6000), "\n", "\n    "), tail(string(plan), 3000), r.Bin, f.Pipeline, f.Run)
	}
	if r.Stderr != "" && (r.Problem != "" || len(r.Failures) > 0) {
		fmt.Fprintf(&b, "  stderr:\n    %s\n", strings.ReplaceAll(r.Stderr, "\n", "\n    "))
	}
	return b.String()
}
