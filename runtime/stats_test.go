package pipegen

import (
	"strings"
	"testing"
	"time"
)

func TestBottleneck(t *testing.T) {
	stage := func(name string, workers int, full float64, work time.Duration) StageStats {
		return StageStats{Name: name, Workers: workers, Full: full, WorkTime: work}
	}
	for _, c := range []struct {
		name string
		snap Snapshot
		want string
	}{
		{"a full queue, the most downstream", Snapshot{Samples: 10, Elapsed: time.Second, Stages: []StageStats{
			stage("A", 1, 0.9, time.Second), stage("B", 2, 0.6, time.Second), stage("output", 1, 0.1, 0)}}, "stage B (its input queue was full 60%"},
		{"the output queue", Snapshot{Samples: 10, Elapsed: time.Second, Stages: []StageStats{
			stage("A", 1, 0.9, time.Second), stage("output", 1, 0.8, 0)}}, "the caller's loop"},
		{"no full queue, busy workers", Snapshot{Samples: 10, Elapsed: time.Second, Stages: []StageStats{
			stage("A", 4, 0, time.Second), stage("B", 2, 0, 1900*time.Millisecond)}}, "stage B (its workers worked 95%"},
		{"waiting for the input", Snapshot{Samples: 10, Elapsed: time.Second, Stages: []StageStats{
			stage("A", 4, 0, time.Second), stage("B", 2, 0, 100*time.Millisecond)}}, "the input"},
		{"too early", Snapshot{}, "unknown"},
	} {
		if got := c.snap.Bottleneck(); !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want it to say %q", c.name, got, c.want)
		}
	}
}
