package e2e

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// recorder keeps the snapshots a call reports.
type recorder struct {
	mu    sync.Mutex
	snaps []pipegen.Snapshot
}

func (r *recorder) report(s pipegen.Snapshot) {
	r.mu.Lock()
	r.snaps = append(r.snaps, s)
	r.mu.Unlock()
}

// final returns the last snapshot, which must be the only final one.
func (r *recorder) final(t *testing.T) pipegen.Snapshot {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.snaps) == 0 {
		t.Fatal("no snapshot was reported")
	}
	for _, s := range r.snaps[:len(r.snaps)-1] {
		if s.Final {
			t.Fatal("a snapshot before the last is marked final")
		}
	}
	last := r.snaps[len(r.snaps)-1]
	if !last.Final {
		t.Fatal("the last snapshot is not marked final")
	}
	return last
}

func stage(t *testing.T, s pipegen.Snapshot, name string) pipegen.StageStats {
	t.Helper()
	for _, st := range s.Stages {
		if st.Name == name {
			return st
		}
	}
	t.Fatalf("no stage %s in %v", name, s)
	return pipegen.StageStats{}
}

func TestStatsCountEveryElement(t *testing.T) {
	var rec recorder
	n := 0
	for _, err := range chain(context.Background(), slices.Values(ints(1000)), pipegen.Stats(time.Millisecond, rec.report)) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	s := rec.final(t)
	// chain = Square(workers=4) | Even | Dup(workers=2) | Check: half the
	// squares are even; Dup doubles them.
	if len(s.Inputs) != 1 || s.Inputs[0].Read != 1000 {
		t.Errorf("inputs %+v, want 1000 read", s.Inputs)
	}
	for _, c := range []struct {
		name    string
		in, out int64
	}{{"Square", 1000, 1000}, {"Even", 1000, 500}, {"Dup", 500, 1000}, {"Check", 1000, 1000}, {"output", 1000, 0}} {
		st := stage(t, s, c.name)
		if st.In != c.in || st.Out != c.out || st.Errors != 0 || st.Dropped != 0 || st.Queued != 0 || st.Busy != 0 {
			t.Errorf("%s: %+v, want in %d out %d and nothing else", c.name, st, c.in, c.out)
		}
	}
	if n != 1000 {
		t.Fatalf("got %d elements", n)
	}
	if !strings.Contains(s.String(), "pipeline chain, done") {
		t.Errorf("String() = %q", s.String())
	}
	noLeaks(t)
}

func TestStatsCountErrorsAndDrops(t *testing.T) {
	var rec recorder
	_, err := collect(t, Checked(context.Background(), slices.Values([]int{1, 2, FailOn, 4}), pipegen.Stats(time.Hour, rec.report)))
	if !errors.Is(err, ErrBoom) {
		t.Fatalf("err = %v", err)
	}
	if st := stage(t, rec.final(t), "Check"); st.Errors != 1 {
		t.Errorf("Check: %+v, want 1 error", st)
	}

	rec = recorder{}
	got, err := collect(t, patient(context.Background(), slices.Values([]int{1, HangOn, 3}), pipegen.Stats(time.Hour, rec.report)))
	if err != nil || len(got) != 2 {
		t.Fatalf("got %v, %v", got, err)
	}
	if st := stage(t, rec.final(t), "Patient"); st.Dropped != 1 || st.In != 3 || st.Out != 2 {
		t.Errorf("Patient: %+v, want 3 in, 2 out, 1 dropped", st)
	}
	noLeaks(t)
}

func TestStatsNameTheBottleneck(t *testing.T) {
	// A slow stage with a short queue: its queue stays full.
	gateHook = func(x int) int { time.Sleep(time.Millisecond); return x }
	defer func() { gateHook = func(x int) int { return x } }()
	var rec recorder
	if _, err := collect(t, gated(context.Background(), slices.Values(ints(400)),
		pipegen.MaxSize("Gate", 8), pipegen.Stats(5*time.Millisecond, rec.report))); err != nil {
		t.Fatal(err)
	}
	if v := rec.final(t).Bottleneck(); !strings.Contains(v, "stage Gate") {
		t.Errorf("verdict %q, want stage Gate", v)
	}

	// A slow consumer: every queue fills up, the output's last.
	gateHook = func(x int) int { return x }
	rec = recorder{}
	for _, err := range gated(context.Background(), slices.Values(ints(3000)), pipegen.Stats(2*time.Millisecond, rec.report)) {
		if err != nil {
			t.Fatal(err)
		}
		// Sleeps are far coarser than this on small machines: spin.
		for start := time.Now(); time.Since(start) < 20*time.Microsecond; {
		}
	}
	if v := rec.final(t).Bottleneck(); !strings.Contains(v, "caller's loop") {
		t.Errorf("verdict %q, want the caller's loop\n%v", v, rec.final(t))
	}

	// A slow input: no queue fills up.
	rec = recorder{}
	slow := func(yield func(int) bool) {
		for i := range 100 {
			time.Sleep(200 * time.Microsecond)
			if !yield(i) {
				return
			}
		}
	}
	if _, err := collect(t, gated(context.Background(), slow, pipegen.Stats(2*time.Millisecond, rec.report))); err != nil {
		t.Fatal(err)
	}
	if v := rec.final(t).Bottleneck(); !strings.Contains(v, "the input") {
		t.Errorf("verdict %q, want the input", v)
	}
	noLeaks(t)
}

func TestStatsAfterBreak(t *testing.T) {
	var rec recorder
	for range Squares(context.Background(), slices.Values(ints(10000)), pipegen.Stats(time.Millisecond, rec.report)) {
		break
	}
	if s := rec.final(t); stage(t, s, "output").In != 1 {
		t.Errorf("after a break the output counts %d elements taken, want 1", stage(t, s, "output").In)
	}
	noLeaks(t)
}
