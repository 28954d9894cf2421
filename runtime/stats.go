package pipegen

import (
	"fmt"
	"strings"
	"time"

	"github.com/pipegen/pipegen/runtime/internal/config"
)

// Stats makes the call report how its stages are doing: every interval
// (at least a millisecond), and once more when the call ends, it passes
// report a [Snapshot] of per-stage counters and of the queues between the
// stages. report runs on a goroutine of its own, never two at once; the
// final snapshot (Final set) is delivered before the call returns. The
// snapshots answer the question of which stage holds the pipeline back:
// see [Snapshot.Bottleneck].
//
// A panic in report fails the call like a panic in a stage: the call's
// error is a [*StageError] whose Stage is "Stats".
//
// Without this option a pipeline keeps no statistics: generated code checks
// a nil pointer once per batch of elements, and that is all it costs.
func Stats(interval time.Duration, report func(Snapshot)) Option {
	return func(o *config.Options) {
		o.StatsEvery = max(interval, time.Millisecond)
		o.StatsReport = report
	}
}

// Snapshot is the state of one call of a pipeline at one moment.
type Snapshot struct {
	// Pipeline is the pipeline's name.
	Pipeline string
	// Elapsed is the time since the call started.
	Elapsed time.Duration
	// Final is set on the last snapshot, taken when every goroutine of
	// the call has ended.
	Final bool
	// Samples is the number of periodic snapshots taken so far, over
	// which StageStats.Full and Saturated are computed.
	Samples int
	// Inputs are the pipeline's inputs, in the order of its parameters.
	Inputs []InputStats
	// Stages are the pipeline's stages, upstream first; the last entry,
	// named "output", is the queue the caller reads (absent for a
	// pipeline ending in each).
	Stages []StageStats
}

// InputStats counts what a pipeline read from one of its inputs.
type InputStats struct {
	Name string
	// Read is the number of elements read from the input.
	Read int64
}

// StageStats is the state of one stage (or of the output queue).
type StageStats struct {
	// Name is the stage's name, as options and errors name it.
	Name string
	// FusedInto names the stage whose workers run this one; its counters
	// are then part of that stage's, and its own are zero.
	FusedInto string
	// Workers is the number of workers.
	Workers int
	// In counts the elements its workers took from its input queue; Out
	// those they sent on (after filters, flatmaps and fused stages).
	In, Out int64
	// Dropped counts the elements dropped by a timeout; Errors the
	// failures (errors and panics) of its workers.
	Dropped, Errors int64
	// Queued is the number of elements waiting in its input queue now,
	// QueuedPeak the most it held at once, and Capacity the most it may
	// hold (maxsize).
	Queued, QueuedPeak, Capacity int
	// Busy is the number of workers not waiting for input right now
	// (working on elements, or waiting for room downstream; 0 once the
	// call has ended), and BusyPeak the most seen in a snapshot.
	Busy, BusyPeak int
	// WorkTime is the time its workers spent on elements, all together;
	// BlockedTime the time they waited for room in the queues downstream
	// (a stage before a slow one spends its time there); IdleTime the time
	// they waited for input.
	WorkTime, BlockedTime, IdleTime time.Duration
	// Full is the share of the snapshots so far (0 to 1) in which its
	// input queue was full (a producer waited for room in it);
	// Saturated the share in which every worker was busy.
	Full, Saturated float64
}

// Bottleneck is a one-line verdict on what holds the pipeline back. The
// most downstream stage whose input queue was full in at least half of the
// snapshots keeps up least well (the stages upstream of it wait for
// room); if that is the output queue, the caller's loop is the bottleneck.
// When no queue stayed full (an input that fits in the queues, say), the
// stage whose workers were busiest is, if they worked at least 70% of the
// time; else the pipeline was waiting for its inputs.
func (s Snapshot) Bottleneck() string {
	if s.Samples == 0 && !s.Final {
		return "bottleneck: unknown (the call ended before the first interval)"
	}
	for i := len(s.Stages) - 1; i >= 0; i-- {
		st := s.Stages[i]
		if st.FusedInto != "" || st.Full < 0.5 {
			continue
		}
		if st.Name == "output" {
			return fmt.Sprintf("bottleneck: the caller's loop (the output queue was full %.0f%% of the time)", 100*st.Full)
		}
		return fmt.Sprintf("bottleneck: stage %s (its input queue was full %.0f%% of the time, all %d workers busy %.0f%%): give it more workers with pipegen.Workers(%q, n) if it can use them",
			st.Name, 100*st.Full, st.Workers, 100*st.Saturated, st.Name)
	}
	busiest, most := "", 0.0
	for _, st := range s.Stages {
		if st.FusedInto != "" || st.Name == "output" || st.Workers == 0 || s.Elapsed <= 0 {
			continue
		}
		if u := float64(st.WorkTime) / float64(st.Workers) / float64(s.Elapsed); u > most {
			busiest, most = st.Name, u
		}
	}
	if most >= 0.7 {
		return fmt.Sprintf("bottleneck: stage %s (its workers worked %.0f%% of the time): give it more workers with pipegen.Workers(%q, n) if it can use them",
			busiest, 100*min(most, 1), busiest)
	}
	return "bottleneck: the input (no queue was full half of the time, no stage's workers were busy most of it: the stages waited for elements)"
}

// String formats the snapshot as a table, one line per stage, followed by
// the verdict.
func (s Snapshot) String() string {
	var b strings.Builder
	state := "running"
	if s.Final {
		state = "done"
	}
	fmt.Fprintf(&b, "pipeline %s, %s after %v\n", s.Pipeline, state, s.Elapsed.Round(time.Millisecond))
	for _, in := range s.Inputs {
		fmt.Fprintf(&b, "  input %-12s read %d\n", in.Name, in.Read)
	}
	fmt.Fprintf(&b, "  %-14s %7s %10s %10s %7s %6s %16s %6s %6s %12s %12s\n", "stage", "workers", "in", "out", "dropped", "errors", "queued/peak/max", "full", "busy", "work", "blocked")
	for _, st := range s.Stages {
		if st.FusedInto != "" {
			fmt.Fprintf(&b, "  %-14s (fused into %s)\n", st.Name, st.FusedInto)
			continue
		}
		fmt.Fprintf(&b, "  %-14s %7d %10d %10d %7d %6d %16s %5.0f%% %6s %12v %12v\n", st.Name, st.Workers, st.In, st.Out, st.Dropped, st.Errors,
			fmt.Sprintf("%d/%d/%d", st.Queued, st.QueuedPeak, st.Capacity), 100*st.Full, fmt.Sprintf("%d/%d", st.Busy, st.BusyPeak),
			st.WorkTime.Round(time.Microsecond), st.BlockedTime.Round(time.Microsecond))
	}
	b.WriteString("  " + s.Bottleneck())
	return b.String()
}
