// Package pipegen is what users of generated pipelines work with: the
// options of a call, the errors a call returns, element indices and
// statistics. Import it as
//
//	import pipegen "github.com/pipegen/pipegen/runtime"
//
// (its directory is named runtime, so an alias keeps it from shadowing the
// standard library's runtime package).
//
//   - [Option]: what a caller may change for one call: [Workers],
//     [MaxSize], [Timeout], [MaxBatch], [OutputSize], [OnTimeout],
//     [Stats];
//   - [StageError] and [TimeoutError]: how a failure reaches the caller;
//   - [Index], [Item]: an element's position in the pipeline's input, as
//     stages that ask for it and the WithIndex variants see it;
//   - [Input]: what a pipeline reads (sequences and channels);
//   - [Snapshot]: per-stage statistics of a call, and the verdict on its
//     bottleneck;
//   - [Worker] and [StageStatus]: what worker hooks learn.
//
// The support code that generated pipelines run on (queues, the run's
// goroutines, ordered terms) is in package
// github.com/pipegen/pipegen/runtime/pipegenimpl, which only generated
// code uses. Both use only the standard library.
package pipegen
