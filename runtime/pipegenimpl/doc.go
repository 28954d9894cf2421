// Package pipegenimpl is the support of the code that the pipegen
// generator writes; it is not meant for anything else, and its API may
// change with the generator. Users of generated pipelines need package
// pipegen (github.com/pipegen/pipegen/runtime) only.
//
//   - [Run]: one call of a pipeline: its goroutines, its cancellation, and
//     the first error or panic of any of them ([Guard] catches panics and
//     runtime.Goexit in the goroutines that run user code);
//   - [Queue], [Writer], [Reader]: the bounded queues between stages, of
//     generated item types. Items travel in batches, and a batch can be
//     taken by an idle goroutine at any time, so that batching never holds
//     an element back from a consumer that waits;
//   - [Term] and [Reorder]: the bookkeeping of ordered terms, by shares of
//     source positions that travel with the elements;
//   - [Source]: the inputs of a pipeline as sequences;
//   - [Counter] and [Watch]: statistics, when a call asks for them.
//
// It uses only the standard library.
package pipegenimpl
