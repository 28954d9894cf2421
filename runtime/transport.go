package pipegen

import (
	"context"
	"encoding/binary"
	"errors"

	"github.com/pipegen/pipegen/runtime/internal/config"
)

// A Transport carries the batches of a distributed pipeline (one with a
// //pipegen:distribute directive) between the process that runs it, the
// driver, and the worker processes that run its stages. The generated
// code talks only to this interface; github.com/pipegen/pipegen/cluster
// implements it on NATS JetStream.
//
// A pipeline is cut into stage groups: the stages that pipegen fuses into
// one worker loop form a group, and every queue between groups (and the
// input and output queues) crosses the transport. Batches are opaque to
// the transport: sequences of encoded elements, each with its [Index],
// written and read by generated code. An implementation must deliver every
// input batch to the first group, every group's output batch to the next
// group, and the last group's output to the driver, at least once, and
// give the driver each output batch once.
type Transport interface {
	// Drive starts one run of p as its driver. The run ends with
	// [RemoteRun.Close], which the caller always calls.
	Drive(ctx context.Context, p *RemotePipeline) (RemoteRun, error)
	// Serve runs this process's workers of every group of p: Workers
	// goroutines per group, each calling h for one batch at a time, for
	// every run that any driver starts, until ctx ends or the transport
	// closes. When ctx ends it stops taking batches, finishes (or gives
	// back) those it holds, and returns nil.
	Serve(ctx context.Context, p *RemotePipeline, h RemoteHandler) error
}

// RemotePipeline describes a distributed pipeline to a [Transport].
type RemotePipeline struct {
	// Name is the pipeline's name; Fingerprint identifies its shape and
	// element types. A worker whose fingerprint differs from the driver's
	// refuses the run, rather than decode garbage.
	Name        string
	Fingerprint string
	// Groups are the stage groups, upstream first.
	Groups []RemoteGroup
	// Ordered is set when the driver wants the output batches in the order
	// of the input batches (the pipeline ends in ordered).
	Ordered bool
	// MaxBatch is the number of elements the driver puts in one input batch.
	MaxBatch int
}

// RemoteGroup is one group of stages that run in one worker loop.
type RemoteGroup struct {
	// Stages are the stages' names, in order; the first names the group.
	Stages []string
	// Workers is the number of goroutines per process that run the group.
	Workers int
}

// A RemoteRun is the driver's side of one run.
type RemoteRun interface {
	// Send publishes the next input batch (they are numbered from 0 in
	// the order sent). It waits while the run has as many batches in
	// flight as it allows, so that memory stays bounded.
	Send(ctx context.Context, batch []byte) error
	// CloseSend says that no batch follows.
	CloseSend(ctx context.Context) error
	// Recv returns the next output batch of the last group: each batch
	// once, in input order if the pipeline is ordered. It returns io.EOF
	// after the last one, a *StageError when a worker failed, or another
	// error when the run cannot go on (a worker refused it, the
	// transport failed).
	Recv(ctx context.Context) ([]byte, error)
	// Close stops the run everywhere and removes what is left of it. It
	// is safe to call more than once.
	Close() error
}

// RemoteHandler runs one group of stages over one batch, in a worker
// process. worker is the goroutine's number in the group (from 0), as
// worker hooks and errors see it. before, if not nil, is called with the
// stage and the element's index just before each stage runs on each
// element: a transport that suspects a batch of killing processes uses it
// to note what is running. It returns the encoded output batch, or the
// failure as a *StageError.
type RemoteHandler func(ctx context.Context, group, worker int, batch []byte, before func(stage string, index Index)) ([]byte, error)

// Remote makes a call of a distributed pipeline run on the worker
// processes reached through t (see Serve<Name> in the generated code)
// instead of in this process: this process feeds the input and yields
// what the workers produce, with the same semantics as a local call.
func Remote(t Transport) Option {
	return func(o *config.Options) { o.Remote = t }
}

// AppendIndex appends the binary form of x to b: its source position and
// path as unsigned varints, the path preceded by its depth.
func AppendIndex(b []byte, x Index) []byte {
	b = binary.AppendUvarint(b, x.source)
	b = append(b, x.depth)
	for _, p := range x.path[:x.depth] {
		b = binary.AppendUvarint(b, uint64(p))
	}
	return b
}

// errBadIndex is the error of a malformed binary index.
var errBadIndex = errors.New("pipegen: malformed element index")

// ReadIndex reads an index written by [AppendIndex] from the front of b and
// returns it with the rest of b.
func ReadIndex(b []byte) (Index, []byte, error) {
	var x Index
	src, n := binary.Uvarint(b)
	if n <= 0 || n >= len(b) {
		return Index{}, nil, errBadIndex
	}
	x.source = src
	x.depth = b[n]
	b = b[n+1:]
	if x.depth > MaxIndexDepth {
		return Index{}, nil, errBadIndex
	}
	for i := range int(x.depth) {
		p, n := binary.Uvarint(b)
		if n <= 0 || p > 1<<32-1 {
			return Index{}, nil, errBadIndex
		}
		x.path[i] = uint32(p)
		b = b[n:]
	}
	return x, b, nil
}
