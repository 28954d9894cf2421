package cluster

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// A poison element kills every worker process that runs it. A redelivery
// alone does not say that a process died on a batch: batches also come
// back when their process was stopped, or was silent past the ack
// deadline. So deaths are counted only for batches run in suspect mode:
// a redelivered batch runs alone in its process (see worker.suspect),
// with a durable note, keyed by the message's stream sequence (stable
// across redeliveries), of the element running. The note is removed
// whenever the batch ends, so finding one means the process that wrote it
// died; after SetPoisonLimit such deaths the run fails, naming the element
// that the last note names. Batches delivered for the first time run as
// usual: the cost is paid only by redelivered ones.

// note is the durable note of one suspect batch.
type note struct {
	key    string
	deaths int
	ctx    context.Context
}

// suspectNote reads the note of the batch at stream sequence seq of group
// k. It returns the note to keep while the batch runs, or the error that
// fails the run when the batch has killed enough processes.
func (w *worker) suspectNote(ctx context.Context, seq uint64, k int) (*note, error) {
	n := &note{key: fmt.Sprintf("%s.%d", w.n.tok, seq), ctx: ctx}
	entry, err := w.kv.Get(ctx, n.key)
	switch {
	case err == nil:
		deaths, stage, index, hasIndex := decodeNote(entry.Value())
		n.deaths = deaths + 1
		if n.deaths >= w.t.poisonLimit {
			if !hasIndex {
				stage = strings.Join(w.p.Groups[k].Stages, " | ")
			}
			what := "while running its batch"
			if hasIndex {
				what = "while running this element"
			}
			return n, &pipegen.StageError{Pipeline: w.p.Name, Stage: stage, Worker: 0, Index: index,
				Err: fmt.Errorf("poison element: %d worker processes died %s (after its first delivery; each death was noted in bucket PIPEGEN_POISON)", n.deaths, what)}
		}
	case errors.Is(err, jetstream.ErrKeyNotFound):
	default:
		// Without the bucket, run the batch as usual.
		return n, nil
	}
	_, _ = w.kv.Put(ctx, n.key, encodeNote(n.deaths, "", pipegen.Index{}, false))
	return n, nil
}

// before returns the function that notes each stage and element before
// it runs (a KV write each: suspect batches only).
func (n *note) before(kv jetstream.KeyValue) func(string, pipegen.Index) {
	return func(stage string, i pipegen.Index) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, _ = kv.Put(ctx, n.key, encodeNote(n.deaths, stage, i, true))
	}
}

// A note is: deaths (uvarint), 0 or 1 (whether a stage and element
// follow), the stage's name (length-prefixed) and the element's index.
func encodeNote(deaths int, stage string, i pipegen.Index, hasIndex bool) []byte {
	b := binary.AppendUvarint(nil, uint64(deaths))
	if !hasIndex {
		return append(b, 0)
	}
	b = binary.AppendUvarint(append(b, 1), uint64(len(stage)))
	return pipegen.AppendIndex(append(b, stage...), i)
}

func decodeNote(b []byte) (deaths int, stage string, i pipegen.Index, hasIndex bool) {
	d, n := binary.Uvarint(b)
	if n <= 0 || n >= len(b) || b[n] != 1 {
		return int(d), "", i, false
	}
	b = b[n+1:]
	l, n := binary.Uvarint(b)
	if n <= 0 || uint64(len(b)-n) < l {
		return int(d), "", i, false
	}
	stage = string(b[n : n+int(l)])
	if x, _, err := pipegen.ReadIndex(b[n+int(l):]); err == nil {
		return int(d), stage, x, true
	}
	return int(d), "", i, false
}
