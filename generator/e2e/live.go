package e2e

// Stages and pipelines for the liveness tests (live_test.go): an element
// that has been produced must reach its consumer while the producer
// waits, whatever the batching.

// Inc adds one.
//
//pipegen:map
func Inc(x int) int { return x + 1 }

// Double doubles x.
//
//pipegen:map
func Double(x int) int { return 2 * x }

// Pass keeps every element.
//
//pipegen:filter workers=4
func Pass(x int) bool { return x >= 0 }

// Spread yields x twice.
//
//pipegen:flatmap workers=2
func Spread(x int) []int { return []int{x, x} }

// Note tells noteHook that x went through.
//
//pipegen:each
func Note(x int) { noteHook(x) }

// noteHook is set by the test that runs liveEach.
var noteHook = func(int) {}

// Block passes x on after blockHook returns; blockHook may block.
//
//pipegen:map workers=2
func Block(x int) int {
	blockHook(x)
	return x
}

// blockHook is set by the test that runs blocking.
var blockHook = func(int) {}

//pipegen:pipeline liveChain = Inc | Double
//pipegen:pipeline liveHops = Inc(workers=2) | Double(workers=3) | Pass
//pipegen:pipeline liveFlat = Spread | Double
//pipegen:pipeline liveOrdered = Inc(workers=4) | ordered
//pipegen:pipeline liveConcat(live, quiet) = concat(live, quiet) | Inc
//pipegen:pipeline liveEach = Inc | Note
//pipegen:pipeline blocking = Block
