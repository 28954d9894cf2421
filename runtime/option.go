package pipegen

import (
	"fmt"
	"time"

	"github.com/pipegen/pipegen/runtime/internal/config"
)

// DefaultMaxSize is the capacity, in elements, of a stage's input queue when
// its directive sets no maxsize, and of a pipeline's output queue unless
// [OutputSize] says otherwise. Queues are never unbounded: this bounds how
// far a fast stage may run ahead of a slow one.
const DefaultMaxSize = 1024

// DefaultMaxBatch is the largest batch, in elements, that queues move at
// once unless [MaxBatch] says otherwise. A hand-over between goroutines
// costs hundreds of nanoseconds on small machines; batches of 256 make
// that a nanosecond or two per element.
const DefaultMaxBatch = 256

// Limits on stage settings, checked when code is generated and when a
// call starts. They keep a mistyped number from becoming a crash rather
// than limit real pipelines.
const (
	MaxWorkers   = 1 << 16
	MaxQueueSize = 1 << 24
)

// An Option changes how one call of a generated pipeline runs. Options are
// checked when the call starts: an option naming a stage the pipeline does
// not have, or with a value out of range, makes the call fail at once with
// an error that says so.
//
// An option naming a stage that pipegen fused into the stage before it
// (they run in the same workers, see the README) applies to the whole
// fused group.
type Option func(*config.Options)

// Workers sets the number of goroutines of the named stage (1 to
// [MaxWorkers]).
func Workers(stage string, n int) Option {
	return stageSetting(fmt.Sprintf("Workers(%q, %d)", stage, n), stage, func(c *config.StageConfig) error {
		if n < 1 || n > MaxWorkers {
			return fmt.Errorf("workers must be from 1 to %d", MaxWorkers)
		}
		c.Workers = n
		return nil
	})
}

// MaxSize sets the capacity of the named stage's input queue, in elements
// (0 to [MaxQueueSize]; 0 makes every hand-over synchronous). A queue's
// memory grows with what it holds, up to that many elements.
func MaxSize(stage string, n int) Option {
	return stageSetting(fmt.Sprintf("MaxSize(%q, %d)", stage, n), stage, func(c *config.StageConfig) error {
		if n < 0 || n > MaxQueueSize {
			return fmt.Errorf("maxsize must be from 0 to %d", MaxQueueSize)
		}
		c.MaxSize = n
		return nil
	})
}

// Timeout sets the per-element deadline of the named stage, which must
// declare one with timeout= in its directive (only such a stage takes a
// context that carries the deadline, and watches for it). d must be
// positive.
func Timeout(stage string, d time.Duration) Option {
	return stageSetting(fmt.Sprintf("Timeout(%q, %v)", stage, d), stage, func(c *config.StageConfig) error {
		if c.Timeout == 0 {
			return fmt.Errorf("stage %s has no timeout= in its directive; add one (it needs a context.Context parameter) to set it at run time", c.Name)
		}
		if d <= 0 {
			return fmt.Errorf("the timeout must be positive")
		}
		c.Timeout = d
		return nil
	})
}

// stageSetting is an Option that changes one stage's settings.
func stageSetting(option, stage string, apply func(*config.StageConfig) error) Option {
	return func(o *config.Options) {
		o.Settings = append(o.Settings, config.Setting{Option: option, Stage: stage, Apply: apply})
	}
}

// callSetting is an Option for the whole call: it checks the value when
// the call starts, and records it.
func callSetting(option string, check func() error, set func(*config.Options)) Option {
	return func(o *config.Options) {
		if err := check(); err != nil {
			o.Settings = append(o.Settings, config.Setting{Option: option, Apply: func(*config.StageConfig) error { return err }})
			return
		}
		set(o)
	}
}

// MaxBatch sets the largest number of elements that the call's queues
// move at once (1 to [MaxQueueSize]; the default is [DefaultMaxBatch]). It
// is a tuning knob: batching never holds an element back from a consumer
// that waits for it, whatever the size. Smaller batches cost more per
// element and keep less memory in flight.
func MaxBatch(n int) Option {
	return callSetting(fmt.Sprintf("MaxBatch(%d)", n), func() error {
		if n < 1 || n > MaxQueueSize {
			return fmt.Errorf("must be from 1 to %d", MaxQueueSize)
		}
		return nil
	}, func(o *config.Options) { o.MaxBatch = n })
}

// OutputSize sets the capacity, in elements, of the queue between the
// pipeline's last stage and the caller's loop (0 to [MaxQueueSize]; the
// default is [DefaultMaxSize]).
func OutputSize(n int) Option {
	return callSetting(fmt.Sprintf("OutputSize(%d)", n), func() error {
		if n < 0 || n > MaxQueueSize {
			return fmt.Errorf("must be from 0 to %d", MaxQueueSize)
		}
		return nil
	}, func(o *config.Options) { o.OutputSize, o.OutputSizeSet = n, true })
}

// OnTimeout makes the pipeline call f for every element that a stage with
// a timeout (and the default ontimeout=drop) drops because its function
// ran past the deadline: f learns the stage, the element's index and the
// element itself (the value the stage was called with). f is called from
// the stage's workers, so it must be safe for concurrent use, and quick.
func OnTimeout(f func(stage string, index Index, element any)) Option {
	return func(o *config.Options) { o.OnTimeout = f }
}

// DefaultWindow is how many source positions an ordered term lets be in
// flight at once: the elements of later positions wait at their sources
// until the earliest position not yet emitted has been. It bounds the
// memory of the reorder buffer, even when one element is very slow.
const DefaultWindow = 1024

// Stage names a stage of a generated pipeline in options that the
// compiler checks. For each pipeline P, generated code declares a
// variable PStages with a field per stage, so that a misspelled stage is a
// compile error rather than a failed call:
//
//	WordFreq(ctx, files, WordFreqStages.ReadLines.Workers(16))
//
// The options that take a stage's name as a string ([Workers], [MaxSize],
// [Timeout]) are checked when the call starts.
type Stage struct {
	name string
}

// StageNamed returns the Stage of the given name. Generated code calls
// it; use the generated PStages variables instead.
func StageNamed(name string) Stage { return Stage{name: name} }

// String returns the stage's name.
func (s Stage) String() string { return s.name }

// Workers is [Workers] for this stage.
func (s Stage) Workers(n int) Option { return Workers(s.name, n) }

// MaxSize is [MaxSize] for this stage.
func (s Stage) MaxSize(n int) Option { return MaxSize(s.name, n) }

// Timeout is [Timeout] for this stage.
func (s Stage) Timeout(d time.Duration) Option { return Timeout(s.name, d) }
