package remote

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// Writer appends the binary form of values to a buffer. Generated
// encoders call its methods field by field; the format has no type
// information: the decoder generated from the same pipeline knows what
// comes next (the pipeline's fingerprint makes sure of that).
type Writer struct {
	buf []byte
	err error
}

// Err returns the first error that a MarshalBinary method returned, or
// nil.
func (w *Writer) Err() error { return w.err }

// Bytes returns what was written.
func (w *Writer) Bytes() []byte { return w.buf }

// Reset empties the writer, keeping its buffer.
func (w *Writer) Reset() { w.buf, w.err = w.buf[:0], nil }

// Uint writes an unsigned integer as a varint.
func (w *Writer) Uint(u uint64) { w.buf = binary.AppendUvarint(w.buf, u) }

// Int writes a signed integer as a zig-zag varint.
func (w *Writer) Int(i int64) { w.buf = binary.AppendVarint(w.buf, i) }

// Bool writes a bool as one byte.
func (w *Writer) Bool(b bool) {
	if b {
		w.buf = append(w.buf, 1)
	} else {
		w.buf = append(w.buf, 0)
	}
}

// Float64 writes a float64 as its 8 IEEE 754 bytes.
func (w *Writer) Float64(f float64) {
	w.buf = binary.LittleEndian.AppendUint64(w.buf, math.Float64bits(f))
}

// Float32 writes a float32 as its 4 IEEE 754 bytes.
func (w *Writer) Float32(f float32) {
	w.buf = binary.LittleEndian.AppendUint32(w.buf, math.Float32bits(f))
}

// String writes a string: its length, then its bytes.
func (w *Writer) String(s string) {
	w.Uint(uint64(len(s)))
	w.buf = append(w.buf, s...)
}

// Bytes8 writes a byte slice: its length, then its bytes. A nil slice
// and an empty one are told apart, as a length of 0 and a marker.
func (w *Writer) Bytes8(b []byte) {
	if b == nil {
		w.Uint(0)
		return
	}
	w.Uint(uint64(len(b)) + 1)
	w.buf = append(w.buf, b...)
}

// Len writes the length of a slice or map (or -1 for nil, as 0), so
// that a nil slice comes back nil: it writes n+1, or 0 for nil.
func (w *Writer) Len(n int, isNil bool) {
	if isNil {
		w.Uint(0)
		return
	}
	w.Uint(uint64(n) + 1)
}

// Index writes an element's index.
func (w *Writer) Index(x pipegen.Index) { w.buf = pipegen.AppendIndex(w.buf, x) }

// Marshal writes what a MarshalBinary method returned, or records its
// error (see [Writer.Err]), which fails the element's stage.
func (w *Writer) Marshal(b []byte, err error) {
	if err != nil {
		if w.err == nil {
			w.err = err
		}
		b = nil
	}
	w.Bytes8(b)
}

// ErrMalformed is the error of a batch that does not decode: it was cut
// short, or written by a pipeline with other element types.
var ErrMalformed = errors.New("malformed batch")

// Reader reads what a [Writer] wrote. Its methods return zero values once
// the input runs short or is malformed, and remember the first problem
// ([Reader.Err]), so that generated decoders need not check each read.
type Reader struct {
	buf []byte
	err error
}

// NewReader returns a reader of b.
func NewReader(b []byte) *Reader { return &Reader{buf: b} }

// Err returns the first problem met, or nil.
func (r *Reader) Err() error { return r.err }

// Fail records err as the reader's problem (the first one wins).
func (r *Reader) Fail(err error) {
	if r.err == nil && err != nil {
		r.err = err
		r.buf = nil
	}
}

// Uint reads an unsigned varint.
func (r *Reader) Uint() uint64 {
	u, n := binary.Uvarint(r.buf)
	if n <= 0 {
		r.Fail(ErrMalformed)
		return 0
	}
	r.buf = r.buf[n:]
	return u
}

// Int reads a zig-zag varint.
func (r *Reader) Int() int64 {
	i, n := binary.Varint(r.buf)
	if n <= 0 {
		r.Fail(ErrMalformed)
		return 0
	}
	r.buf = r.buf[n:]
	return i
}

// Bool reads a bool.
func (r *Reader) Bool() bool {
	if len(r.buf) < 1 {
		r.Fail(ErrMalformed)
		return false
	}
	b := r.buf[0]
	r.buf = r.buf[1:]
	return b != 0
}

// Float64 reads a float64.
func (r *Reader) Float64() float64 {
	if len(r.buf) < 8 {
		r.Fail(ErrMalformed)
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(r.buf))
	r.buf = r.buf[8:]
	return f
}

// Float32 reads a float32.
func (r *Reader) Float32() float32 {
	if len(r.buf) < 4 {
		r.Fail(ErrMalformed)
		return 0
	}
	f := math.Float32frombits(binary.LittleEndian.Uint32(r.buf))
	r.buf = r.buf[4:]
	return f
}

// take returns the next n bytes.
func (r *Reader) take(n uint64) []byte {
	if n > uint64(len(r.buf)) {
		r.Fail(ErrMalformed)
		return nil
	}
	b := r.buf[:n:n]
	r.buf = r.buf[n:]
	return b
}

// String reads a string.
func (r *Reader) String() string {
	return string(r.take(r.Uint()))
}

// Bytes8 reads a byte slice (a copy: the batch's buffer is not kept).
func (r *Reader) Bytes8() []byte {
	n := r.Uint()
	if n == 0 {
		return nil
	}
	b := r.take(n - 1)
	if r.err != nil {
		return nil
	}
	return append(make([]byte, 0, len(b)), b...)
}

// Len reads a length written by [Writer.Len]: n, and whether the value was
// nil. A length longer than what is left to read is malformed (every
// element takes at least a byte... or none: zero-size elements are capped
// at a million), so that garbage cannot make a huge allocation.
func (r *Reader) Len() (n int, isNil bool) {
	u := r.Uint()
	if u == 0 {
		return 0, true
	}
	u--
	if u > uint64(len(r.buf))+1<<20 {
		r.Fail(fmt.Errorf("%w: length %d with %d bytes left", ErrMalformed, u, len(r.buf)))
		return 0, true
	}
	return int(u), false
}

// Index reads an element's index.
func (r *Reader) Index() pipegen.Index {
	if r.err != nil {
		return pipegen.Index{}
	}
	x, rest, err := pipegen.ReadIndex(r.buf)
	if err != nil {
		r.Fail(err)
		return pipegen.Index{}
	}
	r.buf = rest
	return x
}

// Unmarshal passes the bytes that [Writer.Marshal] wrote to an
// UnmarshalBinary method, and records its error.
func (r *Reader) Unmarshal(unmarshal func([]byte) error) {
	b := r.Bytes8()
	if r.err != nil {
		return
	}
	if err := unmarshal(b); err != nil {
		r.Fail(fmt.Errorf("%w: UnmarshalBinary: %v", ErrMalformed, err))
	}
}
