package cluster

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	pipegen "github.com/pipegen/pipegen/runtime"
	"github.com/pipegen/pipegen/runtime/remote"
)

// Serve runs this process's workers of every group of p until ctx ends:
// per group, Workers goroutines that each take one batch at a time from
// the group's durable consumer (no prefetch, so that no process hoards
// batches that others could run), run it with h, publish its output to the
// next group (or the run's output) and acknowledge it only once the
// output is stored. When ctx ends they take no more batches, finish those
// they hold, and Serve returns nil.
func (t *Transport) Serve(ctx context.Context, p *pipegen.RemotePipeline, h pipegen.RemoteHandler) error {
	n := names{tok: token(p.Name)}
	s, err := t.stream(ctx, n)
	if err != nil {
		return stopped(ctx, err)
	}
	kv, err := t.poisonBucket(ctx)
	if err != nil {
		return stopped(ctx, err)
	}
	w := &worker{t: t, p: p, n: n, s: s, kv: kv, h: h, runs: map[string]*runState{}}
	sub, err := t.nc.Subscribe(n.stops(), func(m *nats.Msg) {
		w.stopRun(m.Subject[len(n.stop("")):])
	})
	if err != nil {
		return fmt.Errorf("cluster: pipeline %s: %w", p.Name, err)
	}
	var consumers []jetstream.Consumer
	for k := range p.Groups {
		cfg := jetstream.ConsumerConfig{
			Durable:       n.groupConsumer(k),
			FilterSubject: n.groupFilter(k),
			AckPolicy:     jetstream.AckExplicitPolicy,
			AckWait:       t.ackWait,
			MaxDeliver:    -1, // poison elements are found by counting deaths
			MaxAckPending: -1,
		}
		c, err := lookupOrCreate(ctx,
			func() (jetstream.Consumer, error) { return s.Consumer(ctx, cfg.Durable) },
			func() (jetstream.Consumer, error) { return s.CreateConsumer(ctx, cfg) },
			jetstream.ErrConsumerNotFound)
		if err != nil {
			_ = sub.Unsubscribe()
			return stopped(ctx, fmt.Errorf("cluster: pipeline %s: consumer %s: %w", p.Name, cfg.Durable, err))
		}
		consumers = append(consumers, c)
	}
	var wg sync.WaitGroup
	failed := make(chan error, 1)
	for k, g := range p.Groups {
		// One fetcher per group keeps one batch ready while the workers
		// run theirs, so that they do not wait for a round trip between
		// batches; it holds no more than that one, so that no process
		// hoards batches that others could run.
		ready := make(chan jetstream.Msg)
		wg.Go(func() {
			defer close(ready)
			if err := w.fetch(ctx, consumers[k], ready); err != nil {
				select {
				case failed <- err:
				default:
				}
			}
		})
		for i := range max(g.Workers, 1) {
			wg.Go(func() {
				for msg := range ready {
					w.handle(msg, k, i)
				}
			})
		}
	}
	if t.serving != nil {
		t.serving(p.Name)
	}
	wg.Wait()
	w.acks.Wait()
	_ = sub.Unsubscribe()
	w.mu.Lock()
	w.closing = true // no purge starts now
	w.mu.Unlock()
	w.purges.Wait()
	w.stopAll()
	select {
	case err := <-failed:
		return err
	default:
	}
	return nil
}

// stopped is what Serve returns when it fails with err while it starts:
// nil if ctx ended meanwhile (Serve was stopped), else err.
func stopped(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// worker is one process's service of one pipeline.
type worker struct {
	t  *Transport
	p  *pipegen.RemotePipeline
	n  names
	s  jetstream.Stream
	kv jetstream.KeyValue
	h  pipegen.RemoteHandler

	// acks are the goroutines that acknowledge batches once their output
	// is stored.
	acks sync.WaitGroup
	// purges are the goroutines that remove what this process published
	// of a stopped run; none starts once closing is set (w.mu).
	purges  sync.WaitGroup
	closing bool

	// suspect is held while a redelivered batch runs: one at a time per
	// process, so that a death is the batch's.
	suspect sync.Mutex

	mu   sync.Mutex
	runs map[string]*runState
}

// runState is what a worker process knows of one run.
type runState struct {
	ctx     context.Context
	cancel  context.CancelFunc
	stopped bool
	checked bool // its driver's consumer was seen: the run is alive
	when    time.Time

	// What this process published of the run (w.mu): whether it
	// published anything, how many publishes are not yet confirmed, and
	// whether the run's messages must be removed once they are.
	published bool
	inflight  int
	purgeDue  bool
}

// run returns the state of a run, making it on first sight.
func (w *worker) run(id string) *runState {
	w.mu.Lock()
	defer w.mu.Unlock()
	rs := w.runs[id]
	if rs == nil {
		ctx, cancel := context.WithCancel(context.Background())
		rs = &runState{ctx: ctx, cancel: cancel, when: time.Now()}
		w.runs[id] = rs
		w.forgetOld()
	}
	return rs
}

// forgetOld forgets the runs stopped long ago (w.mu held); a stopped
// run's late messages are acknowledged and dropped meanwhile.
func (w *worker) forgetOld() {
	for id, rs := range w.runs {
		if rs.stopped && time.Since(rs.when) > w.t.maxAge {
			delete(w.runs, id)
		}
	}
}

// stopRun records that the driver stopped run id, and stops its batches.
//
// The driver removes the run's messages from the stream once it has told
// the workers, but a worker may hear of the stop only after a message it
// published is stored, and so after that removal. So a process that
// published anything of the run removes the run's messages itself, once
// its publishes of the run are confirmed (stored or refused); from the
// stop on it publishes nothing of the run. So no message of a stopped run
// is left behind, whenever the stop reaches each worker.
func (w *worker) stopRun(id string) {
	rs := w.run(id)
	w.mu.Lock()
	first := !rs.stopped
	rs.stopped, rs.when = true, time.Now()
	purge := false
	if first && rs.published {
		if rs.inflight > 0 {
			rs.purgeDue = true // when the last one is confirmed
		} else {
			purge = true
		}
	}
	if purge && !w.closing {
		w.purges.Go(func() { w.purgeRun(id) })
	}
	w.mu.Unlock()
	rs.cancel()
}

// beginPublish is called before publishing a message of run rs: it
// reports false when the run is stopped, and the message must not be
// published; otherwise endPublish must follow once the publish is
// confirmed or has failed.
func (w *worker) beginPublish(rs *runState) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if rs.stopped {
		return false
	}
	rs.published = true
	rs.inflight++
	return true
}

// endPublish records that a publish of run id ended, and removes the
// run's messages if it was stopped meanwhile and this was the last one.
func (w *worker) endPublish(id string, rs *runState) {
	w.mu.Lock()
	rs.inflight--
	purge := rs.purgeDue && rs.inflight == 0
	if purge {
		rs.purgeDue = false
	}
	w.mu.Unlock()
	if purge {
		w.purgeRun(id)
	}
}

// purgeRun removes the messages of run id from the stream.
func (w *worker) purgeRun(id string) {
	ctx, cancel := cleanupContext()
	defer cancel()
	_ = w.s.Purge(ctx, jetstream.WithPurgeSubject(w.n.runFilter(id)))
}

func (w *worker) stopAll() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, rs := range w.runs {
		rs.cancel()
	}
}

// alive reports whether run id still has a driver: a stop was not seen and
// its output consumer exists.
func (w *worker) alive(ctx context.Context, id string) bool {
	rs := w.run(id)
	w.mu.Lock()
	stopped, checked := rs.stopped, rs.checked
	w.mu.Unlock()
	if stopped {
		return false
	}
	if checked {
		return true
	}
	_, err := w.s.Consumer(ctx, w.n.runConsumer(id))
	if errors.Is(err, jetstream.ErrConsumerNotFound) {
		w.stopRun(id)
		return false
	}
	w.mu.Lock()
	rs.checked = err == nil
	w.mu.Unlock()
	return true
}

// fetch takes the batches of a group's consumer and hands each to a free
// worker, until ctx ends. It pulls one message at a time through one
// subscription (a pull request per batch, each on a new inbox, costs the
// server more than the batch itself), so that it holds at most the batch it
// hands over and one more: no process hoards batches that others could
// run. While it waits for a worker it reports progress on the batch it
// holds; when ctx ends it gives back (NAK) what it holds at once, rather
// than after the ack deadline.
func (w *worker) fetch(ctx context.Context, c jetstream.Consumer, ready chan<- jetstream.Msg) error {
	msgs, err := c.Messages(jetstream.PullMaxMessages(1))
	if err != nil {
		return fmt.Errorf("cluster: pipeline %s: %w", w.p.Name, err)
	}
	defer msgs.Stop()
	stop := context.AfterFunc(ctx, msgs.Drain)
	defer stop()
	for {
		msg, err := msgs.Next()
		if err != nil {
			if errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				return nil
			}
			if errors.Is(err, nats.ErrConnectionClosed) {
				return fmt.Errorf("cluster: pipeline %s: %w", w.p.Name, err)
			}
			if ctx.Err() != nil {
				return nil
			}
			time.Sleep(100 * time.Millisecond) // a transient failure
			continue
		}
		if ctx.Err() != nil {
			_ = msg.Nak() // stopping: give it back at once
			continue
		}
		tick := time.NewTicker(max(w.t.ackWait/3, 10*time.Millisecond))
	wait:
		for {
			select {
			case ready <- msg:
				break wait
			case <-tick.C:
				_ = msg.InProgress()
			case <-ctx.Done():
				_ = msg.Nak()
				break wait
			}
		}
		tick.Stop()
	}
}

// handle runs one batch of group k.
func (w *worker) handle(msg jetstream.Msg, k, worker int) {
	hdr := msg.Headers()
	id := hdr.Get(hdrRun)
	batch := hdr.Get(hdrBatch)
	ctx, cancel := cleanupContext()
	defer cancel()
	if !w.alive(ctx, id) {
		_ = msg.Ack() // a stopped run's leftovers
		return
	}
	rs := w.run(id)
	if fp := hdr.Get(hdrFP); fp != w.p.Fingerprint {
		w.fail(ctx, msg, id, rs, fmt.Sprintf("refused.%d.%s", k, batch), fmt.Errorf(
			"cluster: pipeline %s: a worker process was built from another version of the pipeline (fingerprint %s, the driver's %s) and refuses the run: rebuild driver and workers from the same code",
			w.p.Name, w.p.Fingerprint, fp))
		return
	}
	// Progress: a long batch is not a dead worker.
	done := make(chan struct{})
	var ticks sync.WaitGroup
	ticks.Go(func() {
		tick := time.NewTicker(max(w.t.ackWait/3, 10*time.Millisecond))
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				_ = msg.InProgress()
			case <-done:
				return
			}
		}
	})
	defer func() {
		close(done)
		ticks.Wait()
	}()

	var before func(string, pipegen.Index)
	meta, _ := msg.Metadata()
	if meta != nil && meta.NumDelivered > 1 {
		// Redelivered: maybe a worker died on it. Run it alone, noting
		// which element runs, so that deaths can be counted and the
		// poison element named.
		w.suspect.Lock()
		defer w.suspect.Unlock()
		note, stop := w.suspectNote(ctx, meta.Sequence.Stream, k)
		if stop != nil {
			w.fail(ctx, msg, id, rs, fmt.Sprintf("poison.%d.%s", k, batch), stop)
			_ = w.kv.Purge(ctx, note.key)
			return
		}
		before = note.before(w.kv)
		defer func() {
			// Cleared on every way out: only a death leaves it.
			pctx, cancel := cleanupContext()
			defer cancel()
			_ = w.kv.Purge(pctx, note.key)
		}()
	}
	out, err := w.h(rs.ctx, k, worker, msg.Data(), before)
	ctx, cancel = cleanupContext() // the batch may have taken long
	defer cancel()
	if rs.ctx.Err() != nil {
		_ = msg.Ack() // the run was stopped
		return
	}
	if err != nil {
		w.fail(ctx, msg, id, rs, fmt.Sprintf("err.%d.%s", k, batch), err)
		return
	}
	subject := w.n.out(id)
	msgID := fmt.Sprintf("%s.out.%s", id, batch)
	if k+1 < len(w.p.Groups) {
		subject = w.n.group(k+1, id)
		msgID = fmt.Sprintf("%s.%d.%s", id, k+1, batch)
	}
	next := nats.NewMsg(subject)
	next.Header.Set(hdrRun, id)
	next.Header.Set(hdrFP, w.p.Fingerprint)
	next.Header.Set(hdrBatch, batch)
	// Whether this batch, or one upstream of it, ran more than once.
	again := hdr.Get(hdrAgain) != ""
	if meta != nil && meta.NumDelivered > 1 {
		again = true
	}
	if again {
		next.Header.Set(hdrAgain, "1")
	}
	next.Data = out
	// Acknowledge only once the output is stored: a crash in between
	// makes a duplicate, which the stream's deduplication or the driver
	// drops. The worker goes on with its next batch meanwhile: the wait
	// for the store's answer is a round trip in which it would idle.
	if !w.beginPublish(rs) {
		_ = msg.Ack() // the run was stopped
		return
	}
	f, err := w.t.js.PublishMsgAsync(next, jetstream.WithMsgID(msgID))
	if err != nil {
		w.endPublish(id, rs)
		_ = msg.Nak()
		return
	}
	w.acks.Go(func() {
		defer w.endPublish(id, rs)
		timeout := time.NewTimer(time.Minute)
		defer timeout.Stop()
		select {
		case <-f.Ok():
			_ = msg.Ack()
		case <-f.Err():
			_ = msg.Nak()
		case <-timeout.C:
			_ = msg.Nak()
		}
	})
}

// fail sends err to the run's driver, through the run's output, and
// acknowledges the batch.
func (w *worker) fail(ctx context.Context, msg jetstream.Msg, run string, rs *runState, id string, err error) {
	if !w.beginPublish(rs) {
		_ = msg.Ack() // the run was stopped
		return
	}
	defer w.endPublish(run, rs)
	m := nats.NewMsg(w.n.out(run))
	m.Header.Set(hdrRun, run)
	m.Header.Set(hdrKind, "error")
	m.Data = remote.EncodeError(err)
	if _, perr := w.t.js.PublishMsg(ctx, m, jetstream.WithMsgID(run+"."+id)); perr != nil {
		_ = msg.Nak()
		return
	}
	_ = msg.Ack()
}
