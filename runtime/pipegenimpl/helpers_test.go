package pipegenimpl

import "runtime"

// runtimeStack writes every goroutine's stack into buf and returns its
// length.
func runtimeStack(buf []byte) int {
	return runtime.Stack(buf, true)
}

// heapAlloc returns the live heap after a collection.
func heapAlloc() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// publish publishes what w holds and wakes a consumer if it must, as
// generated code does.
func publish[I any](w *Writer[I]) {
	if w.Publish() {
		w.Wake()
	}
}
