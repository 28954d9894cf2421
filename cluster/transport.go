package cluster

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// Transport carries distributed pipelines over NATS JetStream; it
// implements pipegen.Transport. One Transport serves any number of
// pipelines and runs, as driver, worker or both; it is safe for concurrent
// use.
//
// Per pipeline P it uses one work-queue stream, PIPEGEN_P, with a subject
// per stage group and run (pipegen.P.gK.RUN) and one per run for the output
// and errors (pipegen.P.out.RUN); a durable pull consumer per group,
// shared by every worker process; a consumer per run for its driver; a
// core NATS subject for stops; and a key-value bucket, PIPEGEN_POISON,
// for the notes that find poison elements.
type Transport struct {
	nc *nats.Conn
	js jetstream.JetStream

	ackWait     time.Duration
	window      int
	poisonLimit int
	maxAge      time.Duration
	serving     func(pipeline string)

	// duplicates counts the output batches that drivers dropped because
	// they had them already.
	duplicates atomic.Int64
	// again counts the output batches that ran more than once
	// (at-least-once execution), delivered once.
	again atomic.Int64

	mu      sync.Mutex
	streams map[string]jetstream.Stream
	poison  jetstream.KeyValue
}

// Defaults of the settings of a Transport.
const (
	DefaultAckWait     = 10 * time.Second
	DefaultWindow      = 32
	DefaultPoisonLimit = 2
	DefaultMaxAge      = time.Hour
)

// Connect connects to the NATS server or cluster at url (JetStream must be
// enabled), with opts as nats.Connect takes them.
func Connect(url string, opts ...nats.Option) (*Transport, error) {
	opts = append([]nats.Option{nats.Name("pipegen"), nats.MaxReconnects(-1)}, opts...)
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return nil, fmt.Errorf("cluster: connect to %s: %w", url, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("cluster: %w", err)
	}
	return &Transport{nc: nc, js: js, ackWait: DefaultAckWait, window: DefaultWindow, poisonLimit: DefaultPoisonLimit,
		maxAge: DefaultMaxAge, streams: map[string]jetstream.Stream{}}, nil
}

// SetAckWait sets how long a worker may hold a batch without a sign of
// life before JetStream gives it to another worker (default
// DefaultAckWait). Workers report progress on long batches every third of
// it, so it bounds how long a dead worker's batches wait, not how long a
// batch may take. It applies to consumers this transport creates; set it
// before Serve.
func (t *Transport) SetAckWait(d time.Duration) { t.ackWait = d }

// SetWindow sets how many batches a driver's run may have in flight
// (default DefaultWindow): with MaxBatch elements each, it bounds the
// memory of driver, workers and streams per run.
func (t *Transport) SetWindow(n int) { t.window = max(n, 1) }

// SetPoisonLimit sets how many worker processes may die on one batch,
// after its first delivery, before the run fails with an error naming the
// element that was running (default DefaultPoisonLimit).
func (t *Transport) SetPoisonLimit(n int) { t.poisonLimit = max(n, 1) }

// WhenServing sets f, which each Serve call of this transport calls with
// its pipeline's name once it has found or made its consumers and its
// workers take batches: a worker process is ready when every pipeline it
// serves was named. Set it before Serve.
func (t *Transport) WhenServing(f func(pipeline string)) { t.serving = f }

// Duplicates returns the number of output batches that the drivers of
// this transport received twice (their input batch ran again after a
// worker died or was slow to acknowledge) and dropped.
func (t *Transport) Duplicates() int64 { return t.duplicates.Load() }

// RanAgain returns the number of output batches delivered to the drivers
// of this transport that ran more than once in some stage group (a worker
// died, or was slow, while it held them): their stages ran at least once
// per element, their output was delivered once.
func (t *Transport) RanAgain() int64 { return t.again.Load() }

// Close closes the connection.
func (t *Transport) Close() error {
	t.nc.Close()
	return nil
}

var _ pipegen.Transport = (*Transport)(nil)

// token is a pipeline's name as a subject token and stream name: itself
// when it is ASCII letters, digits and underscores, else x and its hex.
func token(name string) string {
	for _, r := range name {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return "x" + hex.EncodeToString([]byte(name))
		}
	}
	return name
}

// names of one pipeline's JetStream objects.
type names struct{ tok string }

func (n names) stream() string { return "PIPEGEN_" + n.tok }
func (n names) group(k int, run string) string {
	return fmt.Sprintf("pipegen.%s.g%d.%s", n.tok, k, run)
}
func (n names) groupFilter(k int) string      { return fmt.Sprintf("pipegen.%s.g%d.*", n.tok, k) }
func (n names) out(run string) string         { return fmt.Sprintf("pipegen.%s.out.%s", n.tok, run) }
func (n names) runFilter(run string) string   { return fmt.Sprintf("pipegen.%s.*.%s", n.tok, run) }
func (n names) stop(run string) string        { return fmt.Sprintf("pgstop.%s.%s", n.tok, run) }
func (n names) stops() string                 { return fmt.Sprintf("pgstop.%s.*", n.tok) }
func (n names) groupConsumer(k int) string    { return fmt.Sprintf("g%d", k) }
func (n names) runConsumer(run string) string { return "o" + run }

// Message headers.
const (
	hdrRun   = "Pipegen-Run"
	hdrFP    = "Pipegen-Fingerprint"
	hdrBatch = "Pipegen-Batch"
	hdrKind  = "Pipegen-Kind"  // "error" for a failure; absent for data
	hdrAgain = "Pipegen-Again" // set when the batch ran more than once somewhere
)

// stream returns the stream of pipeline tok, creating it when missing.
// It never updates an existing stream: updating one while another process
// creates a consumer on it races inside nats-server 2.15.3.
func (t *Transport) stream(ctx context.Context, n names) (jetstream.Stream, error) {
	t.mu.Lock()
	s := t.streams[n.tok]
	t.mu.Unlock()
	if s != nil {
		return s, nil
	}
	cfg := jetstream.StreamConfig{
		Name:       n.stream(),
		Subjects:   []string{"pipegen." + n.tok + ".>"},
		Retention:  jetstream.WorkQueuePolicy,
		Storage:    jetstream.FileStorage,
		MaxAge:     t.maxAge, // a dead driver's messages expire
		Duplicates: 2 * time.Minute,
	}
	s, err := lookupOrCreate(ctx,
		func() (jetstream.Stream, error) { return t.js.Stream(ctx, cfg.Name) },
		func() (jetstream.Stream, error) { return t.js.CreateStream(ctx, cfg) },
		jetstream.ErrStreamNotFound)
	if err != nil {
		return nil, fmt.Errorf("cluster: stream %s: %w", cfg.Name, err)
	}
	t.mu.Lock()
	t.streams[n.tok] = s
	t.mu.Unlock()
	return s, nil
}

// lookupOrCreate looks an object up, creates it when missing, and looks it
// up again when another process created it first.
func lookupOrCreate[T any](ctx context.Context, lookup, create func() (T, error), notFound error) (T, error) {
	for range 5 {
		v, err := lookup()
		if err == nil || !errors.Is(err, notFound) {
			return v, err
		}
		v, err = create()
		if err == nil || !alreadyExists(err) {
			return v, err
		}
		if ctx.Err() != nil {
			return v, ctx.Err()
		}
	}
	var zero T
	return zero, errors.New("created and deleted by others too often")
}

func alreadyExists(err error) bool {
	return errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) || errors.Is(err, jetstream.ErrConsumerExists) ||
		errors.Is(err, jetstream.ErrBucketExists) || strings.Contains(err.Error(), "already in use") ||
		strings.Contains(err.Error(), "already exists")
}

// poisonBucket returns the bucket of the poison notes, creating it when
// missing (CreateKeyValue on an existing bucket would update its stream).
func (t *Transport) poisonBucket(ctx context.Context) (jetstream.KeyValue, error) {
	t.mu.Lock()
	kv := t.poison
	t.mu.Unlock()
	if kv != nil {
		return kv, nil
	}
	cfg := jetstream.KeyValueConfig{Bucket: "PIPEGEN_POISON", TTL: t.maxAge, Storage: jetstream.FileStorage}
	kv, err := lookupOrCreate(ctx,
		func() (jetstream.KeyValue, error) { return t.js.KeyValue(ctx, cfg.Bucket) },
		func() (jetstream.KeyValue, error) { return t.js.CreateKeyValue(ctx, cfg) },
		jetstream.ErrBucketNotFound)
	if err != nil {
		return nil, fmt.Errorf("cluster: bucket %s: %w", cfg.Bucket, err)
	}
	t.mu.Lock()
	t.poison = kv
	t.mu.Unlock()
	return kv, nil
}

// cleanupContext is the context of work that must be done although the
// caller's context is cancelled (stopping a run): bounded, not cancelled.
func cleanupContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 10*time.Second)
}
