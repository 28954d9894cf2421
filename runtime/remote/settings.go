package remote

import (
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
	"github.com/pipegen/pipegen/runtime/internal/config"
)

// Settings are the options of one call that the code behind a distributed
// pipeline uses.
type Settings struct {
	// Transport is the transport of a Remote option, nil for a local call.
	Transport pipegen.Transport
	// Stages are the stage settings with the options applied.
	Stages []config.StageConfig
	// MaxBatch is the MaxBatch option, 0 when not given.
	MaxBatch int
	// OnTimeout is the OnTimeout option's callback, or nil.
	OnTimeout func(stage string, index pipegen.Index, element any)
	// StatsEvery and StatsReport are the Stats option's, or zero.
	StatsEvery  time.Duration
	StatsReport func(pipegen.Snapshot)
}

// Options applies opts to the stages of pipeline, as a local call would,
// and returns what distributed code needs of them.
func Options(pipeline string, stages []config.StageConfig, opts []pipegen.Option) (*Settings, error) {
	fs := make([]func(*config.Options), len(opts))
	for i, o := range opts {
		fs[i] = o
	}
	resolved, o, err := config.Apply(pipeline, stages, fs)
	if err != nil {
		return nil, err
	}
	s := &Settings{Stages: resolved, MaxBatch: o.MaxBatch, StatsEvery: o.StatsEvery}
	s.Transport, _ = o.Remote.(pipegen.Transport)
	s.OnTimeout, _ = o.OnTimeout.(func(string, pipegen.Index, any))
	s.StatsReport, _ = o.StatsReport.(func(pipegen.Snapshot))
	return s, nil
}

// TransportOf returns the transport of the Remote option among opts, or
// nil: generated entry points call it to choose between a local run and a
// distributed one.
func TransportOf(opts []pipegen.Option) pipegen.Transport {
	var o config.Options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	t, _ := o.Remote.(pipegen.Transport)
	return t
}
