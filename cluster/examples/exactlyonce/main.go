// Command exactlyonce shows a distributed pipeline surviving the loss of a
// worker process. With no arguments it starts an embedded NATS JetStream
// server, three worker processes of itself, and runs a CPU-bound job (an
// iterated SHA-256 of each of a few thousand inputs) through them; when a
// third of the results are in, it kills one worker with SIGKILL. Its
// batches go to the other workers once their ack deadline passes, some
// run twice, and the driver drops the duplicate outputs: the report checks
// that every result arrived exactly once, and is right.
//
//	go run ./examples/exactlyonce [-n 3000] [-workers 3] [-rounds 2000]
//
// With -worker URL it is a worker process serving the pipeline through the
// NATS server at URL; with -driver URL it is a driver only, for workers
// started elsewhere.
package main

//go:generate go tool pipegen

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pipegen/pipegen/cluster"
	pipegen "github.com/pipegen/pipegen/runtime"
)

// Job is one input: a number, and how many times to hash it.
type Job struct {
	N      int
	Rounds int
}

// Digest is the result of a job.
type Digest struct {
	N   int
	Sum [32]byte
}

// Hash hashes the job's number Rounds times: about a millisecond of CPU
// per thousand rounds.
//
//pipegen:map workers=1
func Hash(j Job) Digest {
	hashed.Add(1)
	sum := sha256.Sum256([]byte(strconv.Itoa(j.N)))
	for range j.Rounds {
		sum = sha256.Sum256(sum[:])
	}
	return Digest{N: j.N, Sum: sum}
}

// hashed counts the jobs this process hashed.
var hashed atomic.Int64

//pipegen:pipeline Digests = Hash
//pipegen:distribute Digests

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "exactlyonce:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("exactlyonce", flag.ContinueOnError)
	n := fs.Int("n", 3000, "number of jobs")
	rounds := fs.Int("rounds", 2000, "SHA-256 rounds per job")
	workers := fs.Int("workers", 3, "worker processes to start")
	kill := fs.Bool("kill", true, "SIGKILL one worker mid-run")
	worker := fs.String("worker", "", "serve as a worker of the NATS server at this URL")
	driver := fs.String("driver", "", "drive workers started elsewhere, through the NATS server at this URL")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *worker != "" {
		return serve(*worker, out)
	}
	ctx := context.Background()
	url := *driver
	var procs []*exec.Cmd
	if url == "" {
		dir, err := os.MkdirTemp("", "exactlyonce-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		srv, err := cluster.Embedded(ctx, dir)
		if err != nil {
			return err
		}
		defer srv.Close()
		url = srv.URL()
		fmt.Fprintf(out, "embedded JetStream server at %s\n", url)
		defer func() { stopWorkers(procs) }()
		for range *workers {
			p, err := startWorker(url)
			if err != nil {
				return err
			}
			procs = append(procs, p)
		}
		fmt.Fprintf(out, "started %d worker processes\n", len(procs))
	}
	t, err := cluster.Connect(url)
	if err != nil {
		return err
	}
	defer t.Close()
	t.SetAckWait(2 * time.Second)

	jobs := func(yield func(Job) bool) {
		for i := range *n {
			if !yield(Job{N: i, Rounds: *rounds}) {
				return
			}
		}
	}
	start := time.Now()
	got := make([]int, *n)
	results := 0
	killed := -1
	var longest time.Duration // the longest wait between two results
	last := time.Now()
	for d, err := range Digests(ctx, jobs, pipegen.Remote(t), pipegen.MaxBatch(16)) {
		if err != nil {
			return err
		}
		if d.N < 0 || d.N >= *n {
			return fmt.Errorf("result for job %d, which does not exist", d.N)
		}
		if want := Hash(Job{N: d.N, Rounds: *rounds}); want.Sum != d.Sum {
			return fmt.Errorf("job %d: digest %s, want %s", d.N, hex.EncodeToString(d.Sum[:4]), hex.EncodeToString(want.Sum[:4]))
		}
		got[d.N]++
		results++
		longest = max(longest, time.Since(last))
		last = time.Now()
		if *kill && killed < 0 && len(procs) > 0 && results == *n/3 {
			killed = procs[0].Process.Pid
			_ = procs[0].Process.Signal(syscall.SIGKILL)
			fmt.Fprintf(out, "killed worker process %d (SIGKILL) after %d results\n", killed, results)
		}
	}
	elapsed := time.Since(start)
	for i, c := range got {
		if c != 1 {
			return fmt.Errorf("job %d: %d results, want exactly 1", i, c)
		}
	}
	fmt.Fprintf(out, "%d jobs, %d results: every result arrived exactly once and is right\n", *n, results)
	fmt.Fprintf(out, "%d batches ran again after the kill (at-least-once execution); %d duplicate output batches were dropped\n", t.RanAgain(), t.Duplicates())
	fmt.Fprintf(out, "%v, %.0f jobs/s; the longest wait between two results was %v\n", elapsed.Round(time.Millisecond), float64(*n)/elapsed.Seconds(), longest.Round(time.Millisecond))
	return nil
}

// serve is a worker process: it serves Digests until SIGTERM.
func serve(url string, out io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	t, err := cluster.Connect(url)
	if err != nil {
		return err
	}
	defer t.Close()
	t.SetAckWait(2 * time.Second)
	// Ready once it takes batches.
	t.WhenServing(func(string) { fmt.Fprintln(out, "ready") })
	err = ServeDigests(ctx, t)
	fmt.Fprintf(os.Stderr, "worker process %d hashed %d jobs\n", os.Getpid(), hashed.Load())
	return err
}

// startWorker starts a worker process of this program and waits until it
// is connected.
func startWorker(url string) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "-worker", url)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() || sc.Text() != "ready" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, errors.New("a worker process did not start")
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return cmd, nil
}

// stopWorkers stops the worker processes with SIGTERM and waits for them.
func stopWorkers(procs []*exec.Cmd) {
	for _, p := range procs {
		_ = p.Process.Signal(syscall.SIGTERM)
	}
	for _, p := range procs {
		_ = p.Wait()
	}
}
