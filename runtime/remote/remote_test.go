package remote

import (
	"context"
	"errors"
	"iter"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
	"github.com/pipegen/pipegen/runtime/pipegenimpl"
)

func TestWriterReaderRoundTrip(t *testing.T) {
	var w Writer
	idx := pipegen.SourceIndex(1 << 40).Child(3).Child(70000)
	w.Uint(math.MaxUint64)
	w.Int(math.MinInt64)
	w.Bool(true)
	w.Float64(math.Pi)
	w.Float32(-1.5)
	w.String("héllo")
	w.Bytes8(nil)
	w.Bytes8([]byte{})
	w.Bytes8([]byte{1, 2})
	w.Len(0, true)
	w.Len(3, false)
	w.Index(idx)
	r := NewReader(w.Bytes())
	if r.Uint() != math.MaxUint64 || r.Int() != math.MinInt64 || !r.Bool() || r.Float64() != math.Pi || r.Float32() != -1.5 || r.String() != "héllo" {
		t.Fatal("basic values differ")
	}
	if b := r.Bytes8(); b != nil {
		t.Errorf("nil bytes came back as %v", b)
	}
	if b := r.Bytes8(); b == nil || len(b) != 0 {
		t.Errorf("empty bytes came back as %v", b)
	}
	if b := r.Bytes8(); !slices.Equal(b, []byte{1, 2}) {
		t.Errorf("bytes %v", b)
	}
	if _, isNil := r.Len(); !isNil {
		t.Error("nil length")
	}
	if n, isNil := r.Len(); isNil || n != 3 {
		t.Errorf("length %d %v", n, isNil)
	}
	if got := r.Index(); got != idx {
		t.Errorf("index %v, want %v", got, idx)
	}
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	// Past the end: zero values and an error, never a panic.
	if r.Uint() != 0 || r.Err() == nil {
		t.Error("reading past the end did not fail")
	}
}

// TestMalformedInputNeverPanics feeds every prefix and some garbage to
// the readers.
func TestMalformedInputNeverPanics(t *testing.T) {
	var w BatchWriter
	w.Begin()
	for i := range 5 {
		w.Record(pipegen.SourceIndex(uint64(i)).Child(i))
		w.String(strings.Repeat("x", i))
	}
	b := w.Finish([]StageCount{{In: 5, Out: 5}}, []Drop{{Stage: 0, Index: pipegen.SourceIndex(9)}})
	for n := range len(b) + 1 {
		for _, in := range [][]byte{b[:n], append(slices.Clone(b[:n]), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)} {
			r, err := NewBatchReader(in)
			if err != nil {
				continue
			}
			for {
				if _, ok := r.Next(); !ok {
					break
				}
				_ = r.String()
				r.Len()
			}
			r.Trailer(nil)
		}
		DecodeError(b[:n])
	}
	r, err := NewBatchReader(b)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		r.Next()
		_ = r.String()
	}
	stats, drops, err := r.Trailer(nil)
	if err != nil || len(stats) != 1 || stats[0].In != 5 || len(drops) != 1 || drops[0].Index != pipegen.SourceIndex(9) {
		t.Errorf("trailer %v %v %v", stats, drops, err)
	}
}

func TestErrorsCrossAsText(t *testing.T) {
	se := &pipegen.StageError{Pipeline: "P", Stage: "S", Worker: 2, Index: pipegen.SourceIndex(7).Child(1),
		Err: errors.New("boom"), Panic: 42, Stack: []byte("stack")}
	got := DecodeError(EncodeError(se))
	var back *pipegen.StageError
	if !errors.As(got, &back) || back.Pipeline != "P" || back.Stage != "S" || back.Worker != 2 || back.Index != se.Index ||
		back.Err.Error() != "boom" || back.Panic != "42" || string(back.Stack) != "stack" {
		t.Errorf("got %#v", got)
	}
	te := &pipegen.StageError{Pipeline: "P", Stage: "S", Err: &pipegen.TimeoutError{Timeout: time.Second}}
	if !errors.Is(DecodeError(EncodeError(te)), context.DeadlineExceeded) {
		t.Error("a timeout does not stay a timeout")
	}
	if got := DecodeError(EncodeError(errors.New("refused"))); got.Error() != "refused" {
		t.Errorf("plain error: %v", got)
	}
}

// TestDriverEndsEveryGoroutine runs a driver over the loopback transport
// with a handler that doubles, and stops it every way.
func TestDriverEndsEveryGoroutine(t *testing.T) {
	spec := &Spec{Pipeline: "P", Stages: []string{"Double"}}
	desc := &pipegen.RemotePipeline{Name: "P", Fingerprint: "f", Groups: []pipegen.RemoteGroup{{Stages: []string{"Double"}, Workers: 1}}, Ordered: true}
	d := &Driver[int, int]{Spec: spec, Input: "in", Pipeline: desc, FusedInto: []string{""},
		Encode: func(w *Writer, v int) { w.Int(int64(v)) }, Decode: func(r *Reader) int { return int(r.Int()) }}
	g := &Group[int, int]{Spec: spec, Decode: d.Decode, Encode: d.Encode,
		Run: func(ctx context.Context, s *Step, worker int, index pipegen.Index, v int, out func(pipegen.Index, int)) error {
			s.Enter(0, index)
			if v < 0 {
				return errors.New("negative")
			}
			out(index, 2*v)
			return nil
		}}
	lb := NewLoopback()
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error)
	go func() { served <- lb.Serve(ctx, desc, Handler(g)) }()
	before := goroutines()
	settings := func() *Settings {
		s, err := Options("P", []pipegenimpl.StageConfig{{Name: "Double", Workers: 1}}, []pipegen.Option{pipegen.Remote(lb), pipegen.MaxBatch(3)})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	in := func(n int) iter.Seq2[int, error] {
		return func(yield func(int, error) bool) {
			for i := range n {
				if !yield(i, nil) {
					return
				}
			}
		}
	}
	var got []int
	for it, err := range d.Run(context.Background(), settings(), in(10)) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, it.Value)
	}
	if !slices.Equal(got, []int{0, 2, 4, 6, 8, 10, 12, 14, 16, 18}) {
		t.Errorf("got %v", got)
	}
	for range d.Run(context.Background(), settings(), in(100)) {
		break
	}
	cctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, err := range d.Run(cctx, settings(), in(1000)) {
		cancel()
		if err != nil {
			if err != context.Canceled {
				t.Errorf("after cancel: %v", err)
			}
			break
		}
	}
	// The loop body cancels on the first element of a batch of three:
	// nothing more is yielded, and the last pair carries the cancel.
	bctx, bcancel := context.WithCancel(context.Background())
	defer bcancel()
	seen, last := 0, error(nil)
	for _, err := range d.Run(bctx, settings(), in(9)) {
		if err != nil {
			last = err
			continue
		}
		seen++
		bcancel()
	}
	if seen != 1 || last != context.Canceled {
		t.Errorf("the body cancelled: %d elements, then %v; want 1, then context.Canceled", seen, last)
	}
	err := d.Wait(context.Background(), settings(), func(yield func(int, error) bool) {
		yield(1, nil)
		yield(-1, nil)
	})
	var se *pipegen.StageError
	if !errors.As(err, &se) || se.Stage != "Double" || se.Index != pipegen.SourceIndex(1) {
		t.Errorf("error %v", err)
	}
	for id, g := range goroutines() {
		if _, ok := before[id]; !ok && !finishing(g) {
			t.Errorf("a goroutine is left:\n%s", g)
		}
	}
	stop()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
}

// goroutines returns the stack of every goroutine by its header's id.
func goroutines() map[string]string {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	all := map[string]string{}
	for _, g := range strings.Split(string(buf), "\n\n") {
		id, _, _ := strings.Cut(g, " [")
		all[id] = g
	}
	return all
}

// finishing reports whether the goroutine whose stack is g has done its
// work and is only returning. Every goroutine this package starts (a
// loopback run, the driver's feeder and statistics reporter) closes a
// channel as its last statement, which the call that started it waits
// for; so when the call returns, such a goroutine may still be counted,
// runnable in its own function literal with no frame above it, past that
// close.
func finishing(g string) bool {
	lines := strings.Split(g, "\n")
	return len(lines) > 3 && (strings.Contains(lines[0], "[runnable") || strings.Contains(lines[0], "[running")) &&
		strings.HasPrefix(lines[1], "github.com/pipegen/pipegen/runtime/remote.") && strings.Contains(lines[1], ".func") &&
		strings.HasPrefix(lines[3], "created by ")
}
