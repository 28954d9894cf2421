package pipegen

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// hangTimeout only detects a hang: a correct Order never comes near it, so
// no assertion depends on timing.
const hangTimeout = 20 * time.Second

// mustReady fails the test unless o.Ready reports position want.
func mustReady(t *testing.T, o *Order, want uint64) {
	t.Helper()
	if pos, ok := o.Ready(); !ok || pos != want {
		t.Fatalf("Ready() = %d, %v; want %d, true", pos, ok, want)
	}
}

// mustNotReady fails the test if o.Ready reports a position.
func mustNotReady(t *testing.T, o *Order) {
	t.Helper()
	if pos, ok := o.Ready(); ok {
		t.Fatalf("Ready() = %d, true; want false", pos)
	}
}

// release takes every ready position in turn, as the ordered term does,
// and returns them.
func release(o *Order) []uint64 {
	var got []uint64
	for pos, ok := o.Ready(); ok; pos, ok = o.Ready() {
		got = append(got, pos)
		o.Advance()
	}
	return got
}

// woken reports whether o's wake channel holds a signal, consuming it.
func woken(o *Order) bool {
	select {
	case <-o.Wake():
		return true
	default:
		return false
	}
}

// openAsync calls o.Open in a new goroutine and returns a channel that
// receives its result.
func openAsync(o *Order, done <-chan struct{}, source int, pos uint64) <-chan bool {
	res := make(chan bool, 1)
	go func() { res <- o.Open(done, source, pos, nil) }()
	return res
}

// openNow calls o.Open and fails the test if it waits (for hangTimeout).
func openNow(t *testing.T, o *Order, done <-chan struct{}, source int, pos uint64) bool {
	t.Helper()
	return receive(t, openAsync(o, done, source, pos), fmt.Sprintf("Open(%d, %d)", source, pos))
}

// receive returns what res receives, failing the test after hangTimeout.
func receive(t *testing.T, res <-chan bool, what string) bool {
	t.Helper()
	select {
	case ok := <-res:
		return ok
	case <-time.After(hangTimeout):
		t.Fatalf("%s hangs", what)
		return false
	}
}

// notReturned fails the test if res has received.
func notReturned(t *testing.T, res <-chan bool, what string) {
	t.Helper()
	select {
	case ok := <-res:
		t.Fatalf("%s returned %v while the window is closed", what, ok)
	default:
	}
}

// waitBlocked waits until a source waits for the window to move, failing
// the test if Open returns on res instead (or after hangTimeout).
func waitBlocked(t *testing.T, o *Order, res <-chan bool, what string) {
	t.Helper()
	deadline := time.Now().Add(hangTimeout)
	for {
		select {
		case ok := <-res:
			t.Fatalf("%s returned %v instead of waiting for the window", what, ok)
		default:
		}
		o.mu.Lock()
		waiting := o.waiting
		o.mu.Unlock()
		if waiting {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s neither returned nor waited", what)
		}
		runtime.Gosched()
	}
}

func TestOrderNothingReadyAtFirst(t *testing.T) {
	for _, n := range []int{0, 1, 3} {
		o := NewOrder(n)
		mustNotReady(t, o)
		if woken(o) {
			t.Errorf("NewOrder(%d): Wake signals before anything happened", n)
		}
	}
}

func TestOrderReadyNeedsEverySourceAndZeroCount(t *testing.T) {
	done := make(chan struct{})
	o := NewOrder(2)

	// Source 0 sends one copy of position 0.
	openNow(t, o, done, 0, 0)
	o.Add(0, 1)
	mustNotReady(t, o) // source 0 has not moved past 0
	o.Emitted(0, 0)
	mustNotReady(t, o) // source 1 has not moved past 0

	// Source 1 sends two copies; a flatmap between makes three of one.
	openNow(t, o, done, 1, 0)
	o.Add(0, 2)
	o.Emitted(1, 0)
	mustNotReady(t, o) // 3 elements on their way
	o.Add(0, 3)        // flatmap: 3 children of one element...
	o.Done(0)          // ...which is done
	for range 4 {
		o.Done(0) // elements reach the term, one by one
		mustNotReady(t, o)
	}
	o.Done(0) // the last one
	mustReady(t, o, 0)
	// Ready does not move by itself.
	mustReady(t, o, 0)
	o.Advance()
	mustNotReady(t, o) // no source has moved past 1
}

func TestOrderReadyInOrderOnly(t *testing.T) {
	done := make(chan struct{})
	o := NewOrder(1)
	for pos := range uint64(3) {
		openNow(t, o, done, 0, pos)
		o.Add(pos, 1)
		o.Emitted(0, pos)
	}
	// Positions 1 and 2 are complete, 0 is not: nothing is ready.
	o.Done(2)
	o.Done(1)
	mustNotReady(t, o)
	o.Done(0)
	if got, want := release(o), []uint64{0, 1, 2}; !slices.Equal(got, want) {
		t.Fatalf("released %v, want %v", got, want)
	}
	mustNotReady(t, o)
}

func TestOrderEndedSources(t *testing.T) {
	done := make(chan struct{})
	o := NewOrder(2)
	// Source 0 sends positions 0..2 (nothing makes it through), source 1
	// only position 0, then ends.
	for pos := range uint64(3) {
		openNow(t, o, done, 0, pos)
		o.Emitted(0, pos)
	}
	openNow(t, o, done, 1, 0)
	o.Emitted(1, 0)
	o.End(1)
	// Source 1 ended: it holds up nothing; source 0 has moved past 0..2.
	if got, want := release(o), []uint64{0, 1, 2}; !slices.Equal(got, want) {
		t.Fatalf("released %v, want %v", got, want)
	}
	mustNotReady(t, o) // source 0 may still send position 3
	o.End(0)
	// Position 3 is past the end of every source: it never becomes ready.
	mustNotReady(t, o)
	o.End(0) // ending twice is harmless
	mustNotReady(t, o)
}

func TestOrderSourceEndsWithoutSending(t *testing.T) {
	done := make(chan struct{})
	o := NewOrder(2)
	o.End(0) // an empty input
	mustNotReady(t, o)
	openNow(t, o, done, 1, 0)
	o.Add(0, 1)
	o.Emitted(1, 0)
	mustNotReady(t, o)
	o.Done(0)
	mustReady(t, o, 0)
	o.Advance()
	o.End(1)
	mustNotReady(t, o)
}

func TestOrderSourcesOfDifferentLengths(t *testing.T) {
	done := make(chan struct{})
	lengths := []uint64{3, 0, 5, 1}
	o := NewOrder(len(lengths))
	copies := map[uint64]int{}
	for s, n := range lengths {
		for pos := range n {
			openNow(t, o, done, s, pos)
			o.Add(pos, 2) // e.g. broadcast to two stages
			copies[pos] += 2
			o.Emitted(s, pos)
		}
	}
	for s := range lengths {
		o.End(s)
	}
	// Elements arrive latest position first.
	for pos := uint64(4); pos > 0; pos-- {
		for range copies[pos] {
			o.Done(pos)
		}
		mustNotReady(t, o)
	}
	for range copies[0] - 1 {
		o.Done(0)
		mustNotReady(t, o)
	}
	o.Done(0)
	if got, want := release(o), []uint64{0, 1, 2, 3, 4}; !slices.Equal(got, want) {
		t.Fatalf("released %v, want %v (up to the end of the longest source)", got, want)
	}
	mustNotReady(t, o)
}

func TestOrderOpenJump(t *testing.T) {
	done := make(chan struct{})
	o := NewOrder(2)
	// Source 1 (say, an earlier ordered term) has nothing for 0..2.
	if !openNow(t, o, done, 1, 3) {
		t.Fatal("Open = false")
	}
	if !woken(o) {
		t.Error("Open past earlier positions does not signal Wake")
	}
	mustNotReady(t, o) // source 0 has not moved
	for pos := range uint64(5) {
		openNow(t, o, done, 0, pos)
		o.Emitted(0, pos)
	}
	if got, want := release(o), []uint64{0, 1, 2}; !slices.Equal(got, want) {
		t.Fatalf("released %v, want %v", got, want)
	}
	mustNotReady(t, o) // source 1 is still at 3
	o.Add(3, 1)
	o.Emitted(1, 3)
	mustNotReady(t, o) // its element is on its way
	o.Done(3)
	mustReady(t, o, 3)
	o.Advance()
	mustNotReady(t, o) // source 1 has not moved past 4
	// Opening an earlier position again does not move a source back.
	openNow(t, o, done, 1, 2)
	o.End(0)
	mustNotReady(t, o)
	o.End(1)
	mustReady(t, o, 4) // source 0 sent position 4
	o.Advance()
	mustNotReady(t, o)
}

func TestOrderOpenWindow(t *testing.T) {
	done := make(chan struct{})
	o := NewOrder(1)
	if !openNow(t, o, done, 0, 0) || !openNow(t, o, done, 0, DefaultWindow-1) {
		t.Fatal("Open inside the window = false")
	}
	res := openAsync(o, done, 0, DefaultWindow)
	waitBlocked(t, o, res, "Open(DefaultWindow)")
	notReturned(t, res, "Open(DefaultWindow)")
	// The waiting source has moved past position 0 all the same.
	mustReady(t, o, 0)
	o.Advance()
	if !receive(t, res, "Open(DefaultWindow) after Advance") {
		t.Fatal("Open = false after the window moved")
	}

	// The window follows the base.
	for range 4 {
		mustReady(t, o, o.base)
		o.Advance()
	}
	const base = 5
	if !openNow(t, o, done, 0, base+DefaultWindow-1) {
		t.Fatal("Open at the last position of the window = false")
	}
	// Two positions past the window need two moves.
	res = openAsync(o, done, 0, base+DefaultWindow+1)
	waitBlocked(t, o, res, "Open(base+DefaultWindow+1)")
	mustReady(t, o, base)
	o.Advance()
	waitBlocked(t, o, res, "Open(base+DefaultWindow+1) after one Advance")
	notReturned(t, res, "Open(base+DefaultWindow+1) after one Advance")
	mustReady(t, o, base+1)
	o.Advance()
	if !receive(t, res, "Open after two Advances") {
		t.Fatal("Open = false after the window moved")
	}
}

func TestOrderOpenWindowSeveralSources(t *testing.T) {
	done := make(chan struct{})
	o := NewOrder(3)
	res0 := openAsync(o, done, 0, DefaultWindow)
	waitBlocked(t, o, res0, "Open(0, DefaultWindow)")
	res1 := openAsync(o, done, 1, DefaultWindow)
	// Open records the position and starts waiting in one critical
	// section: once the position shows, source 1 waits too.
	deadline := time.Now().Add(hangTimeout)
	for {
		o.mu.Lock()
		opened := o.next[1] == DefaultWindow
		o.mu.Unlock()
		if opened {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Open(1, DefaultWindow) never recorded its position")
		}
		runtime.Gosched()
	}
	notReturned(t, res1, "Open(1, DefaultWindow)")
	mustNotReady(t, o) // source 2 is at 0
	o.End(2)
	mustReady(t, o, 0)
	notReturned(t, res0, "Open(0, DefaultWindow)")
	notReturned(t, res1, "Open(1, DefaultWindow)")
	o.Advance() // one move lets both go on
	if !receive(t, res0, "Open(0, DefaultWindow)") || !receive(t, res1, "Open(1, DefaultWindow)") {
		t.Fatal("Open = false after the window moved")
	}
}

func TestOrderOpenDone(t *testing.T) {
	o := NewOrder(1)
	done := make(chan struct{})
	res := openAsync(o, done, 0, DefaultWindow+7)
	waitBlocked(t, o, res, "Open")
	close(done)
	if receive(t, res, "Open after done is closed") {
		t.Fatal("Open = true: done was closed and the window did not move")
	}
	// Open with done already closed, outside the window.
	if openNow(t, o, done, 0, DefaultWindow+8) {
		t.Fatal("Open = true with done closed and the window closed")
	}
	// A wait given up does not spoil the Order.
	mustReady(t, o, 0)
	o.Advance() // must not panic
	live := make(chan struct{})
	if !openNow(t, o, live, 0, DefaultWindow) {
		t.Fatal("Open inside the moved window = false")
	}
}

func TestOrderOpenDoneSeveralSources(t *testing.T) {
	const n = 8
	o := NewOrder(n)
	done := make(chan struct{})
	var results []<-chan bool
	for s := range n {
		results = append(results, openAsync(o, done, s, DefaultWindow+uint64(s)))
	}
	waitBlocked(t, o, results[0], "Open")
	close(done)
	for s, res := range results {
		if receive(t, res, fmt.Sprintf("Open(%d) after done is closed", s)) {
			t.Errorf("source %d: Open = true after done was closed", s)
		}
	}
}

func TestOrderWake(t *testing.T) {
	done := make(chan struct{})
	o := NewOrder(2)
	if o.Wake() != o.Wake() {
		t.Fatal("Wake returns different channels: a signal could be missed")
	}

	openNow(t, o, done, 0, 0)
	openNow(t, o, done, 1, 0)
	woken(o)
	o.Add(0, 2)
	o.Emitted(0, 0)
	if !woken(o) {
		t.Error("no Wake after Emitted")
	}
	o.Emitted(1, 0)
	if !woken(o) {
		t.Error("no Wake after the second source's Emitted")
	}
	o.Done(0)
	woken(o) // may signal or not: position 0 is not complete
	o.Done(0)
	if !woken(o) {
		t.Error("no Wake after the count of the base position reached zero")
	}
	mustReady(t, o, 0)
	o.Advance()
	o.End(0)
	if !woken(o) {
		t.Error("no Wake after End")
	}
	o.End(1)
	if !woken(o) {
		t.Error("no Wake after the last End")
	}
}

func TestOrderWakeNeverBlocks(t *testing.T) {
	o := NewOrder(2)
	finished := make(chan bool, 1)
	go func() {
		done := make(chan struct{})
		for pos := range uint64(100) {
			o.Open(done, 0, pos, nil)
			o.Open(done, 1, pos+1, nil) // a jump each time
			o.Add(pos, 1)
			o.Emitted(0, pos)
			o.Emitted(1, pos)
			o.Done(pos)
			o.Advance()
		}
		o.End(0)
		o.End(1)
		finished <- true
	}()
	// Nobody reads Wake.
	receive(t, finished, "signalling with nobody reading Wake")
	if !woken(o) {
		t.Error("no Wake pending after many signals")
	}
}

func TestReorderTake(t *testing.T) {
	var b Reorder[string]
	if got := b.Take(3); len(got) != 0 {
		t.Fatalf("Take on an empty Reorder = %v", got)
	}
	x3, x4 := SourceIndex(3), SourceIndex(4)
	put := []Index{
		x3.Branch(1),
		x4.Child(1),
		x3.Child(2).Branch(0),
		x3.Branch(0).Child(1).Child(0),
		x4,
		x3.Child(0).Branch(0),
		x3.Branch(1).Child(0),
		x4.Child(0),
		x3.Branch(0).Child(1),
		SourceIndex(2),
	}
	for _, x := range put {
		b.Put(Item[string]{Index: x, Value: x.String()})
	}
	check := func(pos uint64, want ...string) {
		t.Helper()
		got := b.Take(pos)
		var idx []string
		for _, it := range got {
			if it.Value != it.Index.String() {
				t.Errorf("Take(%d): item %s carries value %q", pos, it.Index, it.Value)
			}
			idx = append(idx, it.Index.String())
		}
		if !slices.Equal(idx, want) {
			t.Errorf("Take(%d) = %v, want %v", pos, idx, want)
		}
	}
	check(3, "3.0.0", "3.0.1", "3.0.1.0", "3.0.2", "3.1", "3.1.0")
	check(3) // taken: removed
	check(99)
	check(4, "4", "4.0", "4.1")
	check(2, "2")
	check(4)
	if n := b.held(); n != 0 {
		t.Errorf("Reorder still holds %d positions after every Take", n)
	}
	// A position taken may be filled again (a later term reuses nothing,
	// but Reorder does not care).
	b.Put(Item[string]{Index: x3, Value: "3"})
	check(3, "3")
}

func TestReorderTakeSortsRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var b Reorder[int]
	var want []Index
	for i := range 300 {
		x := SourceIndex(7).Branch(r.IntN(3))
		for range r.IntN(4) {
			x = x.Child(r.IntN(3))
		}
		want = append(want, x)
		b.Put(Item[int]{Index: x, Value: i})
		b.Put(Item[int]{Index: SourceIndex(uint64(8 + r.IntN(3))), Value: -1})
	}
	got := b.Take(7)
	if len(got) != len(want) {
		t.Fatalf("Take returned %d items, want %d", len(got), len(want))
	}
	slices.SortFunc(want, Compare)
	for i, it := range got {
		if it.Index != want[i] {
			t.Fatalf("Take()[%d] = %s, want %s", i, it.Index, want[i])
		}
		if it.Value < 0 {
			t.Fatalf("Take(7) returned an item of another position")
		}
	}
}

// simulateOrder runs an ordered term the way generated code does: source
// goroutines that Open, Add and Emitted, layers of stage goroutines that
// Add and Done with a random fan-out (0 filters, more than 1 is a
// flatmap), and one goroutine for the term that Dones, Puts and releases
// with Ready, Take and Advance. It checks that positions are released in
// order, each exactly once, each after all its elements arrived, and that
// the run ends. With fill set, one element is held back until a source
// waits for the window, so that the window fills up.
func simulateOrder(t *testing.T, seed uint64, maxSources, maxLen int, fill bool) {
	rng := rand.New(rand.NewPCG(seed, 0))
	nsrc := 1 + rng.IntN(maxSources)
	type plan struct {
		positions []uint64
		copies    []int
	}
	plans := make([]plan, nsrc)
	var maxNext uint64
	for s := range plans {
		n := rng.IntN(maxLen + 1)
		if fill && s == 0 {
			n = maxLen
		}
		for pos := range uint64(n) {
			if rng.IntN(10) == 0 && !(fill && s == 0) {
				continue // a jump: this source has nothing for pos
			}
			c := 1
			switch rng.IntN(10) {
			case 0:
				c = 0
			case 1, 2:
				c = 2
			}
			plans[s].positions = append(plans[s].positions, pos)
			plans[s].copies = append(plans[s].copies, c)
			maxNext = max(maxNext, pos+1)
		}
	}
	layers := 1 + rng.IntN(3)
	workers := 1 + rng.IntN(4)
	if fill {
		workers = max(workers, 2)
	}
	chans := make([]chan Item[int], layers+1)
	for i := range chans {
		chans[i] = make(chan Item[int], rng.IntN(8))
	}
	sent := make([]atomic.Int64, maxNext) // elements sent to the term, per position
	t.Logf("seed %d: %d sources, %d positions, %d layers of %d workers", seed, nsrc, maxNext, layers, workers)

	o := NewOrder(nsrc)
	done := make(chan struct{}) // only to unblock sources if the test fails
	defer close(done)

	var srcs sync.WaitGroup
	for s, p := range plans {
		srcs.Go(func() {
			defer o.End(s)
			r := rand.New(rand.NewPCG(seed, uint64(s)+1))
			for k, pos := range p.positions {
				if !o.Open(done, s, pos, nil) {
					return
				}
				o.mu.Lock()
				inside := pos < o.base+DefaultWindow
				o.mu.Unlock()
				if !inside {
					t.Errorf("source %d: Open(%d) returned outside the window", s, pos)
				}
				n := p.copies[k]
				o.Add(pos, n)
				for c := range n {
					chans[0] <- Item[int]{Index: SourceIndex(pos).Branch(s).Child(c), Value: s}
				}
				o.Emitted(s, pos)
				if r.IntN(8) == 0 {
					runtime.Gosched()
				}
			}
		})
	}
	go func() {
		srcs.Wait()
		close(chans[0])
	}()

	var holding atomic.Bool // an element is held back to fill the window
	for l := range layers {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				r := rand.New(rand.NewPCG(seed, uint64(1000+100*l+w)))
				for it := range chans[l] {
					pos := it.Index.Source()
					if fill && l == 0 && holding.CompareAndSwap(false, true) {
						waitForWindow(t, o)
					}
					k := 1
					switch r.IntN(10) {
					case 0, 1:
						k = 0 // filtered out
					case 2, 3:
						k = 2
					case 4:
						k = 3
					}
					o.Add(pos, k)
					for j := range k {
						if l == layers-1 {
							sent[pos].Add(1)
						}
						chans[l+1] <- Item[int]{Index: it.Index.Child(j), Value: it.Value}
					}
					if r.IntN(4) == 0 {
						runtime.Gosched()
					}
					o.Done(pos)
				}
			})
		}
		go func() {
			wg.Wait()
			close(chans[l+1])
		}()
	}

	// The ordered term.
	type report struct {
		released []uint64
		taken    map[uint64]int
		maxHeld  int
	}
	finished := make(chan report, 1)
	go func() {
		var held Reorder[int]
		rep := report{taken: map[uint64]int{}}
		arrived := map[uint64]int{}
		var next uint64
		broken := false // stop releasing, only drain, so that the test ends
		releaseReady := func() {
			for pos, ok := o.Ready(); ok && !broken; pos, ok = o.Ready() {
				if pos != next {
					t.Errorf("released position %d, want %d", pos, next)
				}
				if pos >= maxNext {
					t.Errorf("released position %d, past the end of every source", pos)
					broken = true
				}
				items := held.Take(pos)
				if len(items) != arrived[pos] {
					t.Errorf("position %d: Take returned %d items, %d arrived", pos, len(items), arrived[pos])
				}
				for i, it := range items {
					if it.Index.Source() != pos {
						t.Errorf("Take(%d) returned %s", pos, it.Index)
					}
					if i > 0 && Compare(items[i-1].Index, it.Index) >= 0 {
						t.Errorf("Take(%d): %s before %s", pos, items[i-1].Index, it.Index)
					}
				}
				rep.released = append(rep.released, pos)
				rep.taken[pos] += len(items)
				next = pos + 1
				o.Advance()
			}
		}
		in := chans[layers]
		for {
			select {
			case it, ok := <-in:
				if !ok {
					releaseReady()
					finished <- rep
					return
				}
				pos := it.Index.Source()
				if pos < next {
					t.Errorf("element %s arrived after position %d was released", it.Index, pos)
				}
				held.Put(it)
				arrived[pos]++
				rep.maxHeld = max(rep.maxHeld, held.held())
				o.Done(pos)
			case <-o.Wake():
			}
			releaseReady()
		}
	}()

	var rep report
	select {
	case rep = <-finished:
	case <-time.After(hangTimeout):
		t.Fatalf("the simulation hangs")
	}
	if len(rep.released) != int(maxNext) {
		t.Errorf("released %d positions, want %d", len(rep.released), maxNext)
	}
	for i, pos := range rep.released {
		if pos != uint64(i) {
			t.Fatalf("released[%d] = %d: not every position once, in order", i, pos)
		}
	}
	for pos := range maxNext {
		if got, want := rep.taken[pos], int(sent[pos].Load()); got != want {
			t.Errorf("position %d: released %d elements, %d were sent to the term", pos, got, want)
		}
	}
	if rep.maxHeld > DefaultWindow {
		t.Errorf("the term held %d positions at once, more than the window", rep.maxHeld)
	}
	if fill && !t.Failed() {
		t.Logf("held up to %d positions", rep.maxHeld)
		if rep.maxHeld < DefaultWindow/4 {
			t.Errorf("the window never filled: held up to %d positions", rep.maxHeld)
		}
	}
	mustNotReady(t, o)
}

// waitForWindow waits until a source waits for o's window to move.
func waitForWindow(t *testing.T, o *Order) {
	deadline := time.Now().Add(hangTimeout)
	for time.Now().Before(deadline) {
		o.mu.Lock()
		waiting := o.waiting
		o.mu.Unlock()
		if waiting {
			return
		}
		runtime.Gosched()
	}
	t.Errorf("no source waited for the window")
}

func TestOrderSimulation(t *testing.T) {
	for seed := range uint64(30) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			simulateOrder(t, seed, 4, 200, false)
		})
	}
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("window", seed), func(t *testing.T) {
			t.Parallel()
			simulateOrder(t, 100+seed, 3, 3*DefaultWindow, true)
		})
	}
}

// held counts the positions b holds elements of.
func (b *Reorder[T]) held() int {
	n := 0
	for _, s := range b.slots {
		if len(s) > 0 {
			n++
		}
	}
	return n
}
