package leakcheck

import "testing"

// raceStack is a goroutine of a run under -race that has left its worker
// and is marking the run's WaitGroup done, which tells the race detector.
const raceStack = `goroutine 7 [runnable]:
internal/race.ReleaseMerge(...)
	/usr/local/go/src/internal/race/race.go:41
sync.(*WaitGroup).Add(0xc0000a4018, 0xffffffffffffffff)
	/usr/local/go/src/sync/waitgroup.go:90 +0x1b2
sync.(*WaitGroup).Done(...)
	/usr/local/go/src/sync/waitgroup.go:160
github.com/pipegen/pipegen/runtime/pipegenimpl.(*Run).Go.func1()
	/work/runtime/pipegenimpl/run.go:125 +0x8e
created by github.com/pipegen/pipegen/runtime/pipegenimpl.(*Run).Go in goroutine 6
	/work/runtime/pipegenimpl/run.go:120 +0x8c`

// workingStack is a goroutine of a run still in a stage.
const workingStack = `goroutine 8 [chan receive]:
github.com/pipegen/pipegen/generator/e2e.Slow(0x1)
	/work/generator/e2e/stages.go:40 +0x25
github.com/pipegen/pipegen/generator/e2e.(*slowRun).slowWorker(0xc0000b2000, 0x0)
	/work/generator/e2e/pipegen_gen.go:300 +0x1a
github.com/pipegen/pipegen/runtime/pipegenimpl.(*Run).Go.func1()
	/work/runtime/pipegenimpl/run.go:124 +0x7e
created by github.com/pipegen/pipegen/runtime/pipegenimpl.(*Run).Go in goroutine 6
	/work/runtime/pipegenimpl/run.go:120 +0x8c`

// watcherStack is the goroutine that watches the caller's context, still
// waiting.
const watcherStack = `goroutine 9 [chan receive]:
github.com/pipegen/pipegen/runtime/pipegenimpl.NewRun.func1()
	/work/runtime/pipegenimpl/run.go:80 +0x5e
created by github.com/pipegen/pipegen/runtime/pipegenimpl.NewRun in goroutine 6
	/work/runtime/pipegenimpl/run.go:77 +0x3c5`

// endingWatcherStack is the watcher stopped in its last lines, after the
// close that the call waits for.
const endingWatcherStack = `goroutine 9 [runnable]:
github.com/pipegen/pipegen/runtime/pipegenimpl.NewRun.func1()
	/work/runtime/pipegenimpl/run.go:82 +0xce
created by github.com/pipegen/pipegen/runtime/pipegenimpl.NewRun in goroutine 6
	/work/runtime/pipegenimpl/run.go:78 +0x5c5`

// TestFilter: a goroutine whose frames above the function it started in
// belong to sync, the runtime or the race detector has finished; one in a
// stage has not. (internal/race frames once made a false leak under
// -race.)
func TestFilter(t *testing.T) {
	if !ofRun(raceStack) || !Finishing(raceStack) {
		t.Errorf("a goroutine marking its WaitGroup done under -race counts as at work:\n%s", raceStack)
	}
	if !ofRun(workingStack) || Finishing(workingStack) {
		t.Errorf("a goroutine in a stage counts as finishing:\n%s", workingStack)
	}
	if !ofRun(watcherStack) || Finishing(watcherStack) {
		t.Errorf("the waiting watcher of the caller's context counts as finishing:\n%s", watcherStack)
	}
	if !ofRun(endingWatcherStack) || !Finishing(endingWatcherStack) {
		t.Errorf("a runnable watcher counts as at work:\n%s", endingWatcherStack)
	}
	if ofRun("goroutine 1 [running]:\nmain.main()\n\t/x.go:1") {
		t.Error("a goroutine of the program counts as one of a run")
	}
}
