package remote

import (
	"encoding/binary"
	"fmt"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// A batch is what one transport message carries:
//
//	version byte (1)
//	count   uint32, little-endian: the number of records
//	records count × (index, element), elements as the generated codecs write them
//	stats   uvarint n, then n × (in, out, dropped, busy ns) as uvarints: per stage
//	        of the pipeline, what the groups that made the batch counted
//	drops   uvarint n, then n × (stage number, index): elements dropped by a timeout
//
// Input batches have no stats and no drops. Each group adds its own to
// those of the batch it took, so that the driver learns, per batch, what
// every stage did with it; a batch counts once, however many times it
// ran.
const batchVersion = 1

// StageCount is what one stage did with the elements of one batch.
type StageCount struct {
	In, Out, Dropped uint64
	Busy             time.Duration
}

// Drop is an element that a stage dropped because it ran past the
// stage's timeout.
type Drop struct {
	Stage int // the stage's number in the pipeline, from 0
	Index pipegen.Index
}

// BatchWriter writes one batch.
type BatchWriter struct {
	Writer
	n uint32
}

// Begin starts a new batch, forgetting the previous one.
func (b *BatchWriter) Begin() {
	b.Reset()
	b.n = 0
	b.buf = append(b.buf, batchVersion, 0, 0, 0, 0)
}

// Record starts the next record, of the element at index; its value
// follows.
func (b *BatchWriter) Record(index pipegen.Index) {
	b.n++
	b.Index(index)
}

// Len returns the number of records so far.
func (b *BatchWriter) Records() int { return int(b.n) }

// Finish writes the trailer and returns the batch, which stays valid
// until the next Begin.
func (b *BatchWriter) Finish(stats []StageCount, drops []Drop) []byte {
	binary.LittleEndian.PutUint32(b.buf[1:5], b.n)
	b.Uint(uint64(len(stats)))
	for _, s := range stats {
		b.Uint(s.In)
		b.Uint(s.Out)
		b.Uint(s.Dropped)
		b.Uint(uint64(s.Busy))
	}
	b.Uint(uint64(len(drops)))
	for _, d := range drops {
		b.Uint(uint64(d.Stage))
		b.Index(d.Index)
	}
	return b.buf
}

// BatchReader reads one batch.
type BatchReader struct {
	*Reader
	n, read uint32
}

// NewBatchReader starts reading batch b.
func NewBatchReader(b []byte) (*BatchReader, error) {
	if len(b) < 5 || b[0] != batchVersion {
		return nil, fmt.Errorf("%w: bad header", ErrMalformed)
	}
	return &BatchReader{Reader: NewReader(b[5:]), n: binary.LittleEndian.Uint32(b[1:5])}, nil
}

// Records returns the number of records in the batch.
func (b *BatchReader) Records() int { return int(b.n) }

// Next reads the index of the next record, whose value follows, and
// reports whether there is one.
func (b *BatchReader) Next() (pipegen.Index, bool) {
	if b.read >= b.n || b.err != nil {
		return pipegen.Index{}, false
	}
	b.read++
	return b.Index(), true
}

// Trailer reads the stats and drops, after the last record. stats is
// extended to the number of stages the batch counts, and added to.
func (b *BatchReader) Trailer(stats []StageCount) ([]StageCount, []Drop, error) {
	if b.read != b.n && b.err == nil {
		return stats, nil, fmt.Errorf("%w: trailer read before the records", ErrMalformed)
	}
	n := b.Uint()
	if n > 1<<16 {
		b.Fail(ErrMalformed)
	}
	for i := range int(n) {
		if b.err != nil {
			break
		}
		if i >= len(stats) {
			stats = append(stats, StageCount{})
		}
		stats[i].In += b.Uint()
		stats[i].Out += b.Uint()
		stats[i].Dropped += b.Uint()
		stats[i].Busy += time.Duration(b.Uint())
	}
	var drops []Drop
	nd := b.Uint()
	for range nd {
		if b.err != nil {
			break
		}
		drops = append(drops, Drop{Stage: int(b.Uint()), Index: b.Index()})
	}
	if b.err == nil && len(b.buf) != 0 {
		b.Fail(fmt.Errorf("%w: %d bytes after the trailer", ErrMalformed, len(b.buf)))
	}
	return stats, drops, b.err
}
