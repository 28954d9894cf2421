package pipegen

import (
	"fmt"
	"strings"
	"time"
)

// DefaultMaxSize is the capacity, in elements, of a stage's input queue when
// its directive sets no maxsize. Queues are never unbounded: this bounds how
// far a fast stage may run ahead of a slow one.
const DefaultMaxSize = 1024

// Limits on stage settings, checked when code is generated and when a
// call starts. They keep a mistyped number from becoming a crash (a
// channel too large to make) rather than limit real pipelines.
const (
	MaxWorkers   = 1 << 16
	MaxQueueSize = 1 << 24
)

// StageConfig is a stage's settings as its directives give them. Generated
// code lists one per stage; [Option] values may change them for one call.
type StageConfig struct {
	// Name is the stage's name, as options refer to it.
	Name string
	// Workers is the number of goroutines that run the stage (at least 1).
	Workers int
	// MaxSize is the capacity of the stage's input queue, in elements.
	MaxSize int
	// FusedInto names the stage whose workers also run this one, which then
	// has neither workers nor a queue of its own; "" for most stages.
	FusedInto string
}

// An Option changes how one call of a generated pipeline runs. Options are
// checked when the call starts: an option naming a stage the pipeline does
// not have, or with a value out of range, makes the call fail at once with an
// error that says so.
type Option func(*options)

// options collects what the Options of one call asked for.
type options struct {
	settings    []setting
	onTimeout   func(stage string, index Index)
	maxBatch    int
	statsEvery  time.Duration
	statsReport func(Snapshot)
	remote      Transport // see Remote (transport.go)
}

// OnTimeout makes the pipeline call f for every element that a stage with
// a timeout (and the default ontimeout=drop) drops because its function
// ran past the deadline. f is called from the stage's workers, so it must
// be safe for concurrent use, and quick.
func OnTimeout(f func(stage string, index Index)) Option {
	return func(o *options) { o.onTimeout = f }
}

// MaxBatch sets the largest number of elements that the call's queues
// move at once (1 to [MaxQueueSize]; the default is [DefaultMaxBatch]).
// MaxBatch(1) hands every element over on its own: the lowest latency,
// at a higher cost per element. It matters for an input that yields
// elements slowly, when the first stage is busy: an element the input
// yields then waits in its batch until the batch is full, a worker of the
// first stage asks for more, or the input yields again.
func MaxBatch(n int) Option {
	return func(o *options) {
		if n < 1 || n > MaxQueueSize {
			o.settings = append(o.settings, setting{
				option: fmt.Sprintf("MaxBatch(%d)", n),
				call:   true,
				apply:  func(*StageConfig) error { return fmt.Errorf("must be from 1 to %d", MaxQueueSize) },
			})
			return
		}
		o.maxBatch = n
	}
}

// setting is one override asked for by an Option.
type setting struct {
	option string // as the caller wrote it, for error messages
	stage  string
	call   bool // a setting of the whole call, not of a stage
	apply  func(*StageConfig) error
}

// Workers sets the number of goroutines of the named stage (1 to
// [MaxWorkers]).
func Workers(stage string, n int) Option {
	return intSetting("Workers", "workers", stage, n, 1, MaxWorkers, func(c *StageConfig) { c.Workers = n })
}

// MaxSize sets the capacity of the named stage's input queue, in elements
// (0 to [MaxQueueSize]; 0 makes every hand-over synchronous).
func MaxSize(stage string, n int) Option {
	return intSetting("MaxSize", "maxsize", stage, n, 0, MaxQueueSize, func(c *StageConfig) { c.MaxSize = n })
}

// intSetting is an Option that sets one integer setting of a stage, within
// [lo, hi].
func intSetting(option, key, stage string, n, lo, hi int, set func(*StageConfig)) Option {
	return func(o *options) {
		o.settings = append(o.settings, setting{
			option: fmt.Sprintf("%s(%q, %d)", option, stage, n),
			stage:  stage,
			apply: func(c *StageConfig) error {
				if n < lo || n > hi {
					return fmt.Errorf("%s must be from %d to %d", key, lo, hi)
				}
				set(c)
				return nil
			},
		})
	}
}

// configure returns the stages of pipeline with opts applied, and the
// options, or an error naming every option that does not fit the
// pipeline.
func configure(pipeline string, stages []StageConfig, opts []Option) ([]StageConfig, *options, error) {
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	resolved := append([]StageConfig(nil), stages...)
	var problems []string
	for _, s := range o.settings {
		if s.call {
			// A setting of the whole call, rejected when it was made.
			problems = append(problems, fmt.Sprintf("%s: %v", s.option, s.apply(nil)))
			continue
		}
		i := stageIndex(resolved, s.stage)
		if i < 0 {
			problems = append(problems, fmt.Sprintf("%s: no stage named %q (stages: %s)", s.option, s.stage, stageNames(stages)))
			continue
		}
		if into := resolved[i].FusedInto; into != "" {
			problems = append(problems, fmt.Sprintf("%s: stage %s runs in the workers of stage %s, with no queue between them (pipegen fused them): set it on %s, or generate with pipegen --nofuse", s.option, s.stage, into, into))
			continue
		}
		if err := s.apply(&resolved[i]); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", s.option, err))
		}
	}
	if problems != nil {
		return nil, nil, fmt.Errorf("pipeline %s: bad option: %s", pipeline, strings.Join(problems, "; "))
	}
	if o.maxBatch == 0 {
		o.maxBatch = DefaultMaxBatch
	}
	return resolved, &o, nil
}

func stageIndex(stages []StageConfig, name string) int {
	for i, s := range stages {
		if s.Name == name {
			return i
		}
	}
	return -1
}

func stageNames(stages []StageConfig) string {
	names := make([]string, len(stages))
	for i, s := range stages {
		names[i] = s.Name
	}
	return strings.Join(names, ", ")
}
