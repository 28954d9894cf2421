// Package leakcheck finds the goroutines of generated pipelines that are
// still at work, from the stacks of every goroutine: the tests of
// generated code call it right after a pipeline call returns, when every
// goroutine of the call must have finished.
package leakcheck

import (
	"runtime"
	"strings"
)

// entries are the functions that the goroutines of a run start in: a
// worker, feeder or ordered term (started by Run.Go), the goroutine that
// watches the caller's context, and the statistics reporter.
var entries = []string{
	"github.com/pipegen/pipegen/runtime/pipegenimpl.(*Run).Go.func1(",
	"github.com/pipegen/pipegen/runtime/pipegenimpl.NewRun.func1(",
	"github.com/pipegen/pipegen/runtime/pipegenimpl.(*stats).run(",
}

// Working returns the stacks of the goroutines of pipeline runs that are
// still at work, separated by blank lines; "" if there are none.
func Working() string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var bad []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if ofRun(g) && !Finishing(g) {
			bad = append(bad, g)
		}
	}
	return strings.Join(bad, "\n\n")
}

// ofRun reports whether the goroutine whose stack is g is one of a run's.
func ofRun(g string) bool {
	for _, e := range entries {
		if strings.Contains(g, "\n"+e) {
			return true
		}
	}
	return false
}

// Finishing reports whether the goroutine whose stack is g has done its
// work and is only returning: every frame above the function it started
// in belongs to the sync package, the Go runtime or the race detector
// (marking a WaitGroup done, closing a channel). The watcher of the
// caller's context and the statistics reporter wait in their own
// function, and once woken never wait again: with no frame above it, such
// a goroutine is still at work when it waits (a channel, a select), and
// finishing when it is runnable or running (it may have been stopped in
// its last lines, after the close that the call waited for).
func Finishing(g string) bool {
	lines := strings.Split(g, "\n")
	waiting := !strings.Contains(lines[0], "[runnable") && !strings.Contains(lines[0], "[running")
	// lines[0] is the header; then a function line and a file line per
	// frame.
	for i := 1; i < len(lines); i += 2 {
		fn := lines[i]
		for k, e := range entries {
			if strings.HasPrefix(fn, e) {
				return k == 0 || i > 1 || !waiting
			}
		}
		if !strings.HasPrefix(fn, "sync.") && !strings.HasPrefix(fn, "sync/") &&
			!strings.HasPrefix(fn, "internal/sync.") && !strings.HasPrefix(fn, "runtime.") &&
			!strings.HasPrefix(fn, "internal/race.") { // under -race, WaitGroup.Done tells the detector
			return false
		}
	}
	return false
}
