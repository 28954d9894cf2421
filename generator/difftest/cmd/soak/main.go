// Command soak runs pipegen's differential tester on many random
// pipelines and prints what it found:
//
//	go run ./generator/difftest/cmd/soak -n 10000
//
// It draws programs of -per pipelines from consecutive seeds starting at
// -seed, generates, builds and runs them -batch programs at a time (-jobs
// batches at once), and
// prints the pipelines run, runs, faults injected by kind, mismatches,
// wrong errors, leaks and hangs. It exits 1 if anything went wrong, after
// describing each failure with the command that reruns it (-keep keeps
// the programs for that).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"time"

	"github.com/pipegen/pipegen/generator/difftest"
	"github.com/pipegen/pipegen/generator/difftest/harness"
)

func main() {
	n := flag.Int("n", 10000, "pipelines to run")
	per := flag.Int("per", 100, "pipelines per program")
	runs := flag.Int("runs", 4, "runs of each pipeline")
	seed := flag.Int64("seed", 1, "seed of the first program")
	batch := flag.Int("batch", 4, "programs generated and built at once")
	parallel := flag.Int("parallel", 2, "programs run at once, per batch")
	jobs := flag.Int("jobs", 1, "batches in progress at once")
	race := flag.Bool("race", false, "build the programs with the race detector")
	unopt := flag.Bool("unoptimized", false, "build the generated code with -N -l (three times faster)")
	keep := flag.Bool("keep", false, "keep the programs (in a directory printed at the end)")
	root := flag.String("root", ".", "the pipegen repository")
	verbose := flag.Bool("v", false, "report progress")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	dir, err := os.MkdirTemp("", "pipegen-soak-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if !*keep {
		defer os.RemoveAll(dir)
	}
	cfg := difftest.Config{Root: *root, Race: *race, Unoptimized: *unopt, Parallel: *parallel}
	if *verbose {
		cfg.Log = func(format string, args ...any) {
			fmt.Fprintf(os.Stderr, "soak: "+format+"\n", args...)
		}
	}
	start := time.Now()
	var (
		mu     sync.Mutex
		all    []*difftest.Result
		failed int
		wg     sync.WaitGroup
		fatal  error
	)
	sem := make(chan struct{}, *jobs)
	next := *seed
	for drawn := 0; drawn < *n && ctx.Err() == nil; {
		var specs []*harness.Spec
		for len(specs) < *batch && drawn < *n {
			k := min(*per, *n-drawn)
			specs = append(specs, harness.Draw(next, harness.DrawConfig{Pipelines: k, Runs: *runs}))
			next++
			drawn += k
		}
		cfg := cfg
		cfg.Dir = filepath.Join(dir, fmt.Sprintf("batch%d", specs[0].Seed))
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results, err := difftest.Check(ctx, cfg, specs)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && ctx.Err() == nil {
				fatal = err
				stop()
				return
			}
			for _, r := range results {
				if r.Failed() {
					failed++
					fmt.Print(r.Describe())
				}
			}
			all = append(all, results...)
			if *verbose {
				t := difftest.Add(all)
				fmt.Fprintf(os.Stderr, "soak: %d pipelines, %d runs, %d failed programs, %v\n", t.Pipelines, t.Runs, failed, time.Since(start).Round(time.Second))
			}
		}()
	}
	wg.Wait()
	if fatal != nil {
		fmt.Fprintln(os.Stderr, "soak:", fatal)
		os.Exit(2)
	}
	t := difftest.Add(all)
	fmt.Printf("soak of seeds %d..%d (%d pipelines per program, %d runs each, race %v, unoptimized %v) in %v\n",
		*seed, next-1, *per, *runs, *race, *unopt, time.Since(start).Round(time.Second))
	fmt.Print(t)
	if *keep {
		fmt.Println("programs kept in", dir)
	}
	if t.Failed() || ctx.Err() != nil {
		os.Exit(1)
	}
}
