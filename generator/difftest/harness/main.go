package harness

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"time"

	"go.uber.org/goleak"

	"github.com/pipegen/pipegen/generator/internal/leakcheck"
)

// Failure is one problem found in a run, printed as a JSON line
// {"failure": ...}.
type Failure struct {
	Seed      int64  `json:"seed"`
	Pipeline  string `json:"pipeline"`
	Directive string `json:"directive"`
	Run       int    `json:"run"`
	// Kind is mismatch, calls, error, leak, hang, hooks or spec.
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
	Plan   *Plan  `json:"plan,omitempty"`
}

// Summary is what a test program prints last, as {"summary": ...}.
type Summary struct {
	Seed      int64 `json:"seed"`
	Pipelines int   `json:"pipelines"`
	Runs      int   `json:"runs"`
	// Planned and Fired count faults by kind: drawn for a run, and acted
	// out (a fault may not act: the run stopped before reaching it).
	Planned map[FaultKind]int `json:"planned"`
	Fired   map[FaultKind]int `json:"fired"`
	// Failures counts the failures by kind.
	Failures map[string]int `json:"failures"`
	// Drops counts the elements dropped by timeouts; Spurious those among
	// them (and the TimeoutErrors) without a hang fault, whose deadline
	// had passed anyway (a loaded machine).
	Drops    int `json:"drops"`
	Spurious int `json:"spurious"`
	// Elements counts the elements that reached stages, by the reference.
	Elements int `json:"elements"`
	// Complete counts the runs that ended normally.
	Complete int `json:"complete"`
	// Known counts the cases of known pipegen deviations that the checks
	// tolerate (see KnownInputPanicIndex).
	Known map[string]int `json:"known,omitempty"`
	// Avoided counts the pipelines drawn differently to avoid known
	// pipegen bugs (Spec.Avoided).
	Avoided map[string]int `json:"avoided,omitempty"`
}

// line is one line of output.
type line struct {
	Failure *Failure `json:"failure,omitempty"`
	Summary *Summary `json:"summary,omitempty"`
}

var (
	outMu   sync.Mutex
	printed int
)

func emit(l line) {
	outMu.Lock()
	defer outMu.Unlock()
	b, _ := json.Marshal(l)
	os.Stdout.Write(append(b, '\n'))
}

// Main runs every pipeline of the spec (given as JSON) several times and
// prints the failures and a summary. The flags -pipeline and -run select
// one pipeline and one run, to reproduce a failure.
func Main(specJSON string, entries []Entry) {
	only := flag.String("pipeline", "", "run only this pipeline")
	onlyRun := flag.Int("run", -1, "run only this run of each pipeline")
	runs := flag.Int("runs", 0, "runs per pipeline (default: the spec's)")
	hang := flag.Duration("hang", 30*time.Second, "time after which a run counts as hung")
	flag.Parse()

	var spec Spec
	if err := json.Unmarshal([]byte(specJSON), &spec); err != nil {
		fmt.Fprintln(os.Stderr, "bad spec:", err)
		os.Exit(2)
	}
	if *runs > 0 {
		spec.Runs = *runs
	}
	sum := &Summary{Seed: spec.Seed, Planned: map[FaultKind]int{}, Fired: map[FaultKind]int{}, Failures: map[string]int{}, Known: map[string]int{}, Avoided: spec.Avoided}
	fail := func(f *Failure) {
		f.Seed = spec.Seed
		sum.Failures[f.Kind]++
		if printed < 40 {
			printed++
			emit(line{Failure: f})
		}
	}
	for pi, p := range spec.Pipelines {
		if *only != "" && p.Name != *only {
			continue
		}
		var entry *Entry
		for i := range entries {
			if entries[i].Name == p.Name {
				entry = &entries[i]
			}
		}
		g, err := Build(&spec, p)
		if err != nil || entry == nil {
			fail(&Failure{Pipeline: p.Name, Directive: p.Directive(), Kind: "spec", Detail: fmt.Sprint("cannot build: ", err, entry == nil)})
			continue
		}
		sum.Pipelines++
		for run := range spec.Runs {
			if *onlyRun >= 0 && run != *onlyRun {
				continue
			}
			rng := rand.New(rand.NewPCG(uint64(spec.Seed), uint64(pi)<<16|uint64(run)))
			plan := DrawPlan(rng, g)
			sum.Runs++
			for _, f := range plan.Faults {
				sum.Planned[f.Kind]++
			}
			c := &checker{spec: &spec, g: g, plan: plan, sum: sum}
			c.execute(entry, *hang, func(kind, detail string) {
				fail(&Failure{Pipeline: p.Name, Directive: p.Directive(), Run: run, Kind: kind, Detail: detail, Plan: plan})
			})
		}
	}
	emit(line{Summary: sum})
}

// checker runs and checks one run.
type checker struct {
	spec *Spec
	g    *Graph
	plan *Plan
	sum  *Summary
	s    *state
	r    *Run
	fail func(kind, detail string)
	// returned is when the pipeline call returned.
	returned time.Time
}

func (c *checker) failf(kind, format string, args ...any) {
	c.fail(kind, fmt.Sprintf(format, args...))
}

// execute makes the run and checks it.
func (c *checker) execute(entry *Entry, hang time.Duration, fail func(kind, detail string)) {
	c.fail = fail
	before := goleak.IgnoreCurrent()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := newState(c.spec, c.g, c.plan, cancel)
	c.s = s
	r := &Run{Ctx: ctx, Mode: c.plan.Mode, WithIndex: c.plan.WithIndex, plan: c.plan, s: s}
	c.r = r
	r.Opts = r.options()
	current.Store(s)
	strays.Store(0)

	var timer *time.Timer
	timerDone := make(chan struct{}) // closed when the timer's function has run
	for _, f := range c.plan.Faults {
		switch f.Kind {
		case FPreCancel:
			s.fire(f, "")
			s.cancelled = true
			cancel()
		case FTimer:
			timer = time.AfterFunc(f.D, func() {
				defer close(timerDone)
				s.mu.Lock()
				s.timerFired = true
				s.fired = append(s.fired, fired{F: f})
				s.mu.Unlock()
				cancel()
			})
		}
	}
	watchdog := time.AfterFunc(hang, func() {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		c.failf("hang", "the run did not end within %v; goroutines:\n%s", hang, stacks)
		emit(line{Summary: c.sum})
		os.Exit(3)
	})
	var recovered any
	err := func() (err error) {
		defer func() { recovered = recover() }()
		return entry.Run(r)
	}()
	c.returned = time.Now()
	watchdog.Stop()
	if timer != nil && !timer.Stop() {
		// The timer fired: wait for its function, whose record the checks
		// read.
		<-timerDone
	}
	if g := workingGoroutines(); g != "" {
		c.failf("leak", "a pipeline goroutine is still at work after the call returned:\n%s", g)
	}
	if err := goleak.Find(before); err != nil {
		c.failf("leak", "goroutines left after the run: %v", err)
	}
	current.Store(nil)
	if n := strays.Load(); n > 0 {
		c.failf("leak", "%d calls of stage functions or hooks after the run ended", n)
	}
	c.check(err, recovered)
}

// workingGoroutines returns the stacks of the goroutines of a pipeline
// run that are still at work (see leakcheck).
func workingGoroutines() string {
	return leakcheck.Working()
}
