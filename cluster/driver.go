package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	pipegen "github.com/pipegen/pipegen/runtime"
	"github.com/pipegen/pipegen/runtime/remote"
)

// Drive starts a run of p: it makes the run's output consumer, then
// returns the run, through which the driver sends input batches to the
// first group and receives the last group's output, each batch once.
func (t *Transport) Drive(ctx context.Context, p *pipegen.RemotePipeline) (pipegen.RemoteRun, error) {
	n := names{tok: token(p.Name)}
	s, err := t.stream(ctx, n)
	if err != nil {
		return nil, err
	}
	run := nats.NewInbox()[len(nats.InboxPrefix):] // a unique token
	cons, err := s.CreateConsumer(ctx, jetstream.ConsumerConfig{
		Name:          n.runConsumer(run),
		FilterSubject: n.out(run),
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       t.ackWait,
		MaxAckPending: -1,
		// A dead driver's consumer goes away by itself.
		InactiveThreshold: max(10*t.ackWait, time.Minute),
		// It lives as long as its run: its state need not be written
		// to disk, which would cost each run milliseconds.
		MemoryStorage: true,
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: pipeline %s: output consumer: %w", p.Name, err)
	}
	msgs, err := cons.Messages(jetstream.PullMaxMessages(2 * t.window))
	if err != nil {
		return nil, fmt.Errorf("cluster: pipeline %s: %w", p.Name, err)
	}
	r := &driverRun{t: t, p: p, n: n, s: s, run: run, msgs: msgs,
		credits: make(chan struct{}, t.window), received: make(chan jetstream.Msg), recvDone: make(chan struct{}),
		held: map[uint64][]byte{}, seen: map[uint64]bool{}, total: -1}
	go r.receive()
	return r, nil
}

// driverRun is the driver's side of one run.
type driverRun struct {
	t   *Transport
	p   *pipegen.RemotePipeline
	n   names
	s   jetstream.Stream
	run string

	msgs     jetstream.MessagesContext
	received chan jetstream.Msg
	recvDone chan struct{}
	recvErr  error

	// credits holds a token per batch in flight: Send takes one, and it
	// comes back when the batch's output is delivered (for an ordered
	// pipeline, in order: a batch stuck on a dead worker must not let the
	// reorder buffer grow).
	credits chan struct{}
	sent    uint64
	total   int64 // batches sent, once CloseSend; -1 before

	// pubMu guards pending, the publishes not yet confirmed, and closed,
	// set by Close: no input is published once Close has begun, and
	// Close waits for those published before it removes the run's
	// messages, so that none is stored after that.
	pubMu   sync.Mutex
	pending []jetstream.PubAckFuture
	closed  bool

	// Output bookkeeping: batches below next were delivered; seen are
	// those above it received already; held are those above it waiting
	// for their turn (ordered).
	next uint64
	seen map[uint64]bool
	held map[uint64][]byte

	closeOnce sync.Once
}

// receive passes the output consumer's messages to Recv until the run is
// closed.
func (r *driverRun) receive() {
	defer close(r.recvDone)
	for {
		msg, err := r.msgs.Next()
		if err != nil {
			r.recvErr = err
			return
		}
		r.received <- msg
	}
}

// Send publishes the next input batch, once the window has room.
func (r *driverRun) Send(ctx context.Context, batch []byte) error {
	select {
	case r.credits <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	r.pubMu.Lock()
	defer r.pubMu.Unlock()
	if r.closed {
		return fmt.Errorf("cluster: pipeline %s: the run is stopped", r.p.Name)
	}
	if err := r.confirmed(nil); err != nil {
		return err
	}
	b := r.sent
	r.sent++
	msg := r.message(r.n.group(0, r.run), b, batch)
	f, err := r.t.js.PublishMsgAsync(msg, jetstream.WithMsgID(fmt.Sprintf("%s.0.%d", r.run, b)))
	if err != nil {
		return fmt.Errorf("cluster: pipeline %s: publish: %w", r.p.Name, err)
	}
	r.pending = append(r.pending, f)
	return nil
}

func (r *driverRun) message(subject string, batch uint64, data []byte) *nats.Msg {
	msg := nats.NewMsg(subject)
	msg.Header.Set(hdrRun, r.run)
	msg.Header.Set(hdrFP, r.p.Fingerprint)
	msg.Header.Set(hdrBatch, strconv.FormatUint(batch, 10))
	msg.Data = data
	return msg
}

// confirmed forgets the publishes that are confirmed, failing on a
// refused one (r.pubMu held). With a nil ctx it takes those at the head of
// pending that are confirmed already; with a ctx it waits for all of them,
// until ctx ends. (A future tells its outcome once: it is forgotten when
// told.)
func (r *driverRun) confirmed(ctx context.Context) error {
	var done <-chan struct{}
	if ctx != nil {
		done = ctx.Done()
	}
	for len(r.pending) > 0 {
		f := r.pending[0]
		var err error
		if ctx == nil {
			select {
			case <-f.Ok():
			case err = <-f.Err():
			default:
				return nil
			}
		} else {
			select {
			case <-f.Ok():
			case err = <-f.Err():
			case <-done:
				return ctx.Err()
			}
		}
		r.pending = r.pending[1:]
		if err != nil {
			return fmt.Errorf("cluster: pipeline %s: publish: %w", r.p.Name, err)
		}
	}
	return nil
}

// CloseSend waits until every input batch is stored, and records how many
// there are.
func (r *driverRun) CloseSend(ctx context.Context) error {
	r.pubMu.Lock()
	err := r.confirmed(ctx)
	r.pubMu.Unlock()
	if err != nil {
		return err
	}
	r.t.mu.Lock()
	r.total = int64(r.sent)
	r.t.mu.Unlock()
	return nil
}

func (r *driverRun) totalBatches() int64 {
	r.t.mu.Lock()
	defer r.t.mu.Unlock()
	return r.total
}

// Recv returns the next output batch, each once: duplicates (a batch run
// twice after a worker died) are acknowledged and dropped.
func (r *driverRun) Recv(ctx context.Context) ([]byte, error) {
	for {
		if data, ok := r.held[r.next]; ok {
			delete(r.held, r.next)
			delete(r.seen, r.next)
			r.deliver()
			return data, nil
		}
		if total := r.totalBatches(); total >= 0 && r.next >= uint64(total) {
			return nil, io.EOF
		}
		var msg jetstream.Msg
		select {
		case msg = <-r.received:
		case <-r.recvDone:
			return nil, fmt.Errorf("cluster: pipeline %s: output: %w", r.p.Name, r.recvErr)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		msg.Ack()
		h := msg.Headers()
		if h.Get(hdrKind) == "error" {
			return nil, remote.DecodeError(msg.Data())
		}
		b, err := strconv.ParseUint(h.Get(hdrBatch), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("cluster: pipeline %s: output without a batch number", r.p.Name)
		}
		if b < r.next || r.seen[b] {
			r.t.duplicates.Add(1)
			continue // a duplicate
		}
		if h.Get(hdrAgain) != "" {
			r.t.again.Add(1)
		}
		if b == r.next {
			r.deliver()
			return msg.Data(), nil
		}
		r.seen[b] = true
		if !r.p.Ordered {
			<-r.credits
			return msg.Data(), nil
		}
		r.held[b] = msg.Data()
	}
}

// deliver records that batch next is delivered, moves the low-water
// mark past the batches seen already, and gives back the credits of
// delivered batches.
func (r *driverRun) deliver() {
	r.next++
	<-r.credits
	for r.seen[r.next] {
		delete(r.seen, r.next)
		if _, ok := r.held[r.next]; ok {
			return // its credit comes back when it is delivered
		}
		r.next++
	}
}

// Close stops the run everywhere: it tells the workers, removes the run's
// messages from the stream and its consumer, with a context of its own
// (the caller's may be cancelled). Messages that a worker stores after
// this purge (it published before it heard of the stop) are that
// worker's to remove (see worker.stopRun).
func (r *driverRun) Close() error {
	var err error
	r.closeOnce.Do(func() {
		ctx, cancel := cleanupContext()
		defer cancel()
		// No input batch is published from now on; those published are
		// stored before the purge, so that it removes them.
		r.pubMu.Lock()
		r.closed = true
		for r.confirmed(ctx) != nil && ctx.Err() == nil {
			// a refused publish: wait for the others
		}
		r.pubMu.Unlock()
		// Workers stop the run's batches and drop its later messages.
		_ = r.t.nc.Publish(r.n.stop(r.run), nil)
		_ = r.t.nc.FlushWithContext(ctx)
		r.msgs.Stop()
		// Unblock receive, which may wait to hand over a message.
		for {
			select {
			case <-r.received:
				continue
			case <-r.recvDone:
			}
			break
		}
		if e := r.s.DeleteConsumer(ctx, r.n.runConsumer(r.run)); e != nil && !errors.Is(e, jetstream.ErrConsumerNotFound) {
			err = e
		}
		if e := r.s.Purge(ctx, jetstream.WithPurgeSubject(r.n.runFilter(r.run))); e != nil && err == nil {
			err = e
		}
	})
	return err
}
