// Package pipegen is the run-time support of the code that the pipegen
// generator writes. Import it as
//
//	import pipegen "github.com/pipegen/pipegen/runtime"
//
// (its directory is named runtime, so an alias keeps it from shadowing the
// standard library's runtime package in generated files).
//
// Generated pipelines are specialized, typed code: their stages, queues and
// entry points are written out per pipeline. This package holds only what
// every pipeline shares and what does not depend on element types:
//
//   - [Run]: one call of a pipeline: its goroutines, its cancellation, and the
//     first error or panic of any of them;
//   - [StageError]: how that first error reaches the caller;
//   - [Index]: an element's position in the pipeline's input, carried with
//     the element through every stage;
//   - [Option]: what a caller may change for one call (workers, queue sizes,
//     batch size, timeout reports, statistics);
//   - [Stats] and [Snapshot]: per-stage statistics of a call, and the
//     verdict on its bottleneck;
//   - [Order] and [Reorder]: the bookkeeping of ordered terms;
//   - [Batching], [Producers], [Counter] and [Item]: the bookkeeping of the
//     generated queues, which move elements in batches sized by how fast
//     their consumers are.
//
// Users of generated pipelines meet [Option], [Stats], [StageError] and
// [Index]; the rest is for generated code. The package uses only the
// standard library.
package pipegen
