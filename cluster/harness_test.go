package cluster_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	pipegen "github.com/pipegen/pipegen/runtime"

	"github.com/pipegen/pipegen/cluster"
	"github.com/pipegen/pipegen/cluster/internal/otherpipe"
	"github.com/pipegen/pipegen/cluster/internal/testpipe"
)

// The tests run worker processes: the test binary itself, re-executed
// with PIPEGEN_WORKER set, which makes TestMain serve instead of test.
//
// Each test has its own server and worker processes, and they spend most
// of their time waiting (for ack deadlines, timeouts, processes), so they
// run in parallel (see parallel), more of them at once than there are
// cores unless -test.parallel says otherwise.

func TestMain(m *testing.M) {
	if kind := os.Getenv("PIPEGEN_WORKER"); kind != "" {
		os.Exit(workerMain(kind))
	}
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		_ = flag.Set("test.parallel", strconv.Itoa(max(runtime.GOMAXPROCS(0), defaultParallel)))
	}
	os.Exit(m.Run())
}

// defaultParallel is how many tests run at once by default.
const defaultParallel = 6

// parallel makes t run in parallel with the other tests, and labels the
// goroutines that it starts with its name, so that checkNoDriverGoroutine
// sees its own only.
func parallel(t *testing.T) {
	t.Parallel()
	pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels("test", t.Name())))
}

// workerMain serves the test pipelines until SIGTERM (or, for kind
// "driver", drives one run: see driverMain).
func workerMain(kind string) int {
	if kind == "driver" {
		return driverMain()
	}
	if d, err := time.ParseDuration(os.Getenv("PIPEGEN_DELAY")); err == nil {
		testpipe.Delay = d
	}
	testpipe.DoneLog = os.Getenv("PIPEGEN_DONELOG")
	if n, err := strconv.Atoi(os.Getenv("PIPEGEN_ROUNDS")); err == nil {
		testpipe.Rounds = n
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if f := os.Getenv("PIPEGEN_CPUPROFILE"); f != "" {
		// A CPU profile of the worker process, for benchmarks.
		out, err := os.Create(fmt.Sprintf("%s.%d", f, os.Getpid()))
		if err == nil && pprof.StartCPUProfile(out) == nil {
			defer func() {
				pprof.StopCPUProfile()
				out.Close()
			}()
		}
	}
	t, err := cluster.Connect(os.Getenv("PIPEGEN_URL"), connectTimeout)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer t.Close()
	if d, err := time.ParseDuration(os.Getenv("PIPEGEN_ACKWAIT")); err == nil {
		t.SetAckWait(d)
	}
	if n, err := strconv.Atoi(os.Getenv("PIPEGEN_POISONLIMIT")); err == nil {
		t.SetPoisonLimit(n)
	}
	serves := []func(context.Context) error{
		func(ctx context.Context) error { return testpipe.ServeSquares(ctx, t) },
		func(ctx context.Context) error { return testpipe.ServeInOrder(ctx, t) },
		func(ctx context.Context) error { return testpipe.ServeTracked(ctx, t) },
		func(ctx context.Context) error { return testpipe.ServeTiny(ctx, t) },
		func(ctx context.Context) error {
			return testpipe.ServeCPU(ctx, t, pipegen.Workers("Burn", workersFromEnv()))
		},
	}
	if kind == "other" {
		serves = serves[:0]
		serves = append(serves, func(ctx context.Context) error { return otherpipe.ServeSquares(ctx, t) })
	}
	if os.Getenv("PIPEGEN_HEAPSAMPLE") != "" {
		stopSampling := sampleHeap()
		defer func() { fmt.Fprintf(os.Stderr, "peak live heap %d\n", stopSampling()) }()
	}
	// Ready once every pipeline is served (or a Serve ended early).
	serving := make(chan string, len(serves))
	t.WhenServing(func(p string) { serving <- p })
	var wg sync.WaitGroup
	errs := make([]error, len(serves))
	ended := make(chan struct{})
	for i, serve := range serves {
		wg.Go(func() { errs[i] = serve(ctx) })
	}
	go func() {
		wg.Wait()
		close(ended)
	}()
	for range serves {
		select {
		case <-serving:
		case <-ended:
		}
	}
	fmt.Println("ready")
	<-ended
	for _, err := range errs {
		if err != nil {
			fmt.Fprintln(os.Stderr, "serve:", err)
			return 1
		}
	}
	fmt.Println("stopped")
	fmt.Fprintf(os.Stderr, "ran %d elements\n", testpipe.Ran.Load())
	return 0
}

// driverMain runs Squares over PIPEGEN_N elements through the workers at
// PIPEGEN_URL, in batches of 256, and prints how many results it got and
// the peak of its live heap: a driver in a process of its own, whose
// memory no other test touches.
func driverMain() int {
	n, err := strconv.Atoi(os.Getenv("PIPEGEN_N"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "PIPEGEN_N:", err)
		return 2
	}
	t, err := cluster.Connect(os.Getenv("PIPEGEN_URL"), connectTimeout)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer t.Close()
	seq := func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
	stop := sampleHeap()
	results := 0
	for _, err := range testpipe.Squares(context.Background(), seq, pipegen.Remote(t), pipegen.MaxBatch(256)) {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		results++
	}
	fmt.Printf("%d results, peak live heap %d\n", results, stop())
	return 0
}

// workersFromEnv is PIPEGEN_CPUWORKERS, or 2.
func workersFromEnv() int {
	if n, err := strconv.Atoi(os.Getenv("PIPEGEN_CPUWORKERS")); err == nil {
		return n
	}
	return 2
}

// sampleHeap samples the live heap (after a collection) every 20 ms
// until the returned function is called, which returns the peak.
func sampleHeap() (stop func() uint64) {
	var peak uint64
	done, ended := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ended)
		for {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-ended
		return peak
	}
}

// env is an embedded server, a driver's transport, and worker processes.
type env struct {
	t         testing.TB
	srv       *cluster.Server
	url       string
	tr        *cluster.Transport
	js        jetstream.JetStream
	extra     []string
	closeOnce sync.Once
	mu        sync.Mutex
	workers   []*proc
}

// proc is a worker process.
type proc struct {
	cmd    *exec.Cmd
	done   chan struct{}
	err    error
	stderr strings.Builder
}

// connectTimeout bounds a connection's handshake: the default, 2s, is
// short for a machine loaded with parallel tests under the race detector.
var connectTimeout = nats.Timeout(30 * time.Second)

// ackWait is the ack deadline of the tests' consumers: short, so that a
// killed worker's batches come back soon.
const ackWait = 2 * time.Second

// newEnv starts a server and n worker processes with the extra
// environment.
func newEnv(t testing.TB, n int, extra ...string) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv, err := cluster.Embedded(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return startEnv(t, &env{t: t, srv: srv, url: srv.URL(), extra: extra}, n)
}

func startEnv(t testing.TB, e *env, n int) *env {
	t.Helper()
	var err error
	t.Cleanup(e.close)
	e.tr, err = cluster.Connect(e.url, connectTimeout)
	if err != nil {
		t.Fatal(err)
	}
	e.tr.SetAckWait(ackWait)
	nc, err := nats.Connect(e.url, connectTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	e.js, _ = jetstream.New(nc)
	for range n {
		e.startWorker()
	}
	return e
}

// startWorker starts a worker process and waits until it is connected.
func (e *env) startWorker(extra ...string) *proc {
	e.t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PIPEGEN_WORKER=test", "PIPEGEN_URL="+e.url, "PIPEGEN_ACKWAIT="+ackWait.String())
	cmd.Env = append(cmd.Env, e.extra...)
	cmd.Env = append(cmd.Env, extra...)
	p := &proc{cmd: cmd, done: make(chan struct{})}
	cmd.Stderr = &syncWriter{w: &p.stderr}
	out, err := cmd.StdoutPipe()
	if err != nil {
		e.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == "ready" {
				ready <- true
			}
		}
		close(ready)
		p.err = cmd.Wait()
		close(p.done)
	}()
	select {
	case ok := <-ready:
		if !ok {
			<-p.done
			e.t.Fatalf("worker process ended before it was ready: %v\n%s", p.err, p.stderr.String())
		}
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		e.t.Fatal("worker process not ready after 60s")
	}
	e.mu.Lock()
	e.workers = append(e.workers, p)
	e.mu.Unlock()
	return p
}

// syncWriter makes a strings.Builder safe for a process's writes and the
// test's reads.
type syncWriter struct {
	mu sync.Mutex
	w  *strings.Builder
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}

var _ io.Writer = (*syncWriter)(nil)

// close stops the workers, the transport and the server, once.
func (e *env) close() { e.closeOnce.Do(e.stop) }

func (e *env) stop() {
	e.mu.Lock()
	workers := e.workers
	e.mu.Unlock()
	for _, p := range workers {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
	}
	for _, p := range workers {
		select {
		case <-p.done:
		case <-time.After(30 * time.Second):
			// A worker must stop on SIGTERM: show where it hangs.
			_ = p.cmd.Process.Signal(syscall.SIGQUIT)
			<-p.done
			e.t.Errorf("worker process %d did not stop within 30s of SIGTERM:\n%s", p.cmd.Process.Pid, p.stderr.String())
		}
	}
	if e.tr != nil {
		e.tr.Close()
	}
	if e.srv != nil {
		e.srv.Close()
	}
}

// messages returns the number of messages in a pipeline's stream.
func (e *env) messages(pipeline string) uint64 {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := e.js.Stream(ctx, "PIPEGEN_"+pipeline)
	if err != nil {
		return 0
	}
	info, err := s.Info(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return info.State.Msgs
}

// describe lists the messages of a pipeline's stream: subject and
// headers, for a failure's message.
func (e *env) describe(pipeline string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := e.js.Stream(ctx, "PIPEGEN_"+pipeline)
	if err != nil {
		return err.Error()
	}
	info, err := s.Info(ctx)
	if err != nil {
		return err.Error()
	}
	var b strings.Builder
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && seq-info.State.FirstSeq < 20; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if err != nil {
			continue // deleted
		}
		fmt.Fprintf(&b, "seq %d at %s: %s %v (%d bytes)\n", seq, m.Time.Format("15:04:05.000000"), m.Subject, m.Header, len(m.Data))
	}
	return b.String()
}

// waitEmpty waits until the stream of pipeline holds no message.
func (e *env) waitEmpty(pipeline string) {
	e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for e.messages(pipeline) != 0 {
		if time.Now().After(deadline) {
			e.t.Fatalf("stream of %s still holds %d messages after 30s:\n%s", pipeline, e.messages(pipeline), e.describe(pipeline))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// driverGoroutines lists the stacks of the drivers' goroutines still
// running that test t started (see parallel).
func driverGoroutines(t *testing.T) []string {
	var buf strings.Builder
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 1); err != nil {
		t.Fatal(err)
	}
	label := fmt.Sprintf("# labels: {%q:%q}", "test", t.Name())
	var left []string
	for _, g := range strings.Split(buf.String(), "\n\n") {
		if strings.Contains(g, label) && (strings.Contains(g, "cluster.(*driverRun)") || strings.Contains(g, "runtime/remote.(*Driver")) && !finishing(g) {
			left = append(left, g)
		}
	}
	return left
}

// finishing reports whether the goroutines whose stack record (pprof's
// debug=1 form) is g have done their work and are only returning: their
// only frame is the function they started in, with nothing it waits in
// above it. The driver's receiver and feeder close a channel as their last
// statement, which the call that ends the run waits for, so they may still
// be counted, runnable past that close, when the call returns.
func finishing(g string) bool {
	var frames []string
	for _, line := range strings.Split(g, "\n") {
		if strings.HasPrefix(line, "#\t") {
			frames = append(frames, line)
		}
	}
	return len(frames) == 1 &&
		(strings.Contains(frames[0], "cluster.(*driverRun).receive+") || strings.Contains(frames[0], "runtime/remote.(*Driver[...]).run.func1+"))
}

// checkNoDriverGoroutine fails the test if a goroutine of a driver that it
// ran is left.
func checkNoDriverGoroutine(t *testing.T) {
	t.Helper()
	if left := driverGoroutines(t); len(left) > 0 {
		t.Fatalf("driver goroutines left:\n%s", strings.Join(left, "\n\n"))
	}
}

// ints is 1..n.
func ints(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i + 1
	}
	return s
}

// sorted returns a sorted copy.
func sorted[T interface{ ~int | ~string }](s []T) []T {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
