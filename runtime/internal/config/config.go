// Package config holds what the options of one call of a generated
// pipeline ask for. The user's package (pipegen) builds it through its
// Option values and the generated code's support package (pipegenimpl)
// reads it; neither exposes it.
package config

import (
	"fmt"
	"strings"
	"time"
)

// Options collects what the options of one call asked for.
type Options struct {
	Settings []Setting
	// OnTimeout is a func(stage string, index pipegen.Index, element
	// any), or nil (its type lives in package pipegen, which this package
	// cannot import).
	OnTimeout any
	// MaxBatch is the largest batch, 0 for the default.
	MaxBatch int
	// OutputSize is the capacity of the output queue, if OutputSizeSet.
	OutputSize    int
	OutputSizeSet bool
	// StatsEvery and StatsReport (a func(pipegen.Snapshot)) ask for
	// statistics.
	StatsEvery  time.Duration
	StatsReport any
	// Remote is the transport of a distributed run, or nil.
	Remote any
}

// Setting is one change asked for by an option.
type Setting struct {
	// Option is the option as the caller wrote it, for error messages.
	Option string
	// Stage names the stage it changes; "" for a setting of the call.
	Stage string
	// Apply changes the stage's settings, or reports why it cannot. For a
	// setting of the call, it is called with nil and only reports.
	Apply func(*StageConfig) error
}

// StageConfig is a stage's settings as its directives give them; options
// may change them for one call.
type StageConfig struct {
	// Name is the stage's name, as options refer to it.
	Name string
	// Workers is the number of goroutines that run the stage (at least 1).
	Workers int
	// MaxSize is the capacity of the stage's input queue, in elements.
	MaxSize int
	// Timeout is the per-element deadline; 0 for a stage without one.
	Timeout time.Duration
	// FusedInto names the stage whose workers also run this one; "" for
	// most stages. Options on a fused stage apply to that one.
	FusedInto string
}

// Apply applies the options to a copy of stages and returns it, with the
// options; the error names every option that does not fit.
func Apply(pipeline string, stages []StageConfig, opts []func(*Options)) ([]StageConfig, *Options, error) {
	var o Options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	resolved := append([]StageConfig(nil), stages...)
	var problems []string
	for _, s := range o.Settings {
		if s.Stage == "" {
			if err := s.Apply(nil); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", s.Option, err))
			}
			continue
		}
		i := Index(resolved, s.Stage)
		if i < 0 {
			problems = append(problems, fmt.Sprintf("%s: no stage named %q (stages: %s)", s.Option, s.Stage, names(stages)))
			continue
		}
		// A stage fused into another has no workers or queue of its own:
		// its settings are its group's.
		if into := resolved[i].FusedInto; into != "" {
			i = Index(resolved, into)
		}
		if err := s.Apply(&resolved[i]); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", s.Option, err))
		}
	}
	if problems != nil {
		return nil, nil, fmt.Errorf("pipeline %s: bad option: %s", pipeline, strings.Join(problems, "; "))
	}
	// A fused group runs with one setting; copy it to its members, so
	// that statistics and Timeout report what runs.
	for i, s := range resolved {
		if s.FusedInto != "" {
			head := resolved[Index(resolved, s.FusedInto)]
			resolved[i].Workers = head.Workers
		}
	}
	return resolved, &o, nil
}

// Index returns the position of the named stage in stages, or -1.
func Index(stages []StageConfig, name string) int {
	for i, s := range stages {
		if s.Name == name {
			return i
		}
	}
	return -1
}

func names(stages []StageConfig) string {
	list := make([]string, len(stages))
	for i, s := range stages {
		list[i] = s.Name
	}
	return strings.Join(list, ", ")
}
