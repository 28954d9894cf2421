// Command benchtable runs the benchmark suite's cells at full size in one
// process and prints the results as Markdown: time per source element
// (median of -runs runs), allocations per source element, peak heap, and
// ratios to the fused loop, to hand-written unbuffered channels and to
// hand-written fused and batched loops, with the machine they were
// measured on. Every run's checksum is checked
// against the fused loop's; a mismatch or a failing cell makes it exit 1
// (after printing what it measured). Then it measures the latency of a live
// input through pipegen and hand-written unbuffered channels (the cells
// Live/pipegen and Live/chan-unbuffered, which -only selects like the
// others). Last, unless -heapcheck=false, it runs
// pipegen's W1w4 and W4 at N and 10N measuring the live heap, to show that
// their memory does not grow with the input.
//
// Usage:
//
//	go run ./cmd/benchtable [-runs 5] [-scale 1] [-only regexp] [-heapcheck=true]
//
// Progress goes to standard error, the tables to standard output.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	bench "github.com/pipegen/pipegen/benchmarks"
	"github.com/pipegen/pipegen/benchmarks/pg"
)

func main() {
	runs := flag.Int("runs", 5, "runs per cell; the table shows the median")
	scale := flag.Float64("scale", 1, "multiply every workload's N by `factor` (e.g. 0.1 for a quick look)")
	only := flag.String("only", "", "run only the cells whose name (e.g. W1w4/pipegen) matches `regexp`")
	heapCheck := flag.Bool("heapcheck", true, "also compare the live heap of pipegen's W1w4 and W4 at N and 10N")
	flag.Parse()
	if *runs < 1 || *scale <= 0 {
		fmt.Fprintln(os.Stderr, "benchtable: -runs must be at least 1 and -scale positive")
		os.Exit(2)
	}
	cells, err := bench.Match(*only)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable: -only:", err)
		os.Exit(2)
	}
	latencyImpls, _ := bench.MatchLatency(*only) // the same regexp compiled
	start, startLoad := time.Now(), loadAverage()
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()

	printMachine(out, *runs, *scale, *only)
	results, failures := measureAll(cells, *runs, *scale)
	if len(cells) == 0 && len(latencyImpls) == 0 {
		fmt.Fprintf(out, "\nNo cell matched.\n")
	}
	printTables(out, results, *scale)
	if len(latencyImpls) > 0 {
		failures = append(failures, printLatency(out, latencyImpls, *scale)...)
	}
	if *heapCheck {
		if err := printHeapCheck(out, *scale); err != nil {
			failures = append(failures, err.Error())
		}
	}
	fmt.Fprintf(out, "\nLoad average (1, 5, 15 min) at the start: %s; at the end: %s. Other processes on the machine compete for its %d CPUs.\n",
		startLoad, loadAverage(), runtime.NumCPU())
	if len(failures) > 0 {
		fmt.Fprintf(out, "\n## Failures\n\n")
		for _, f := range failures {
			fmt.Fprintf(out, "- %s\n", f)
		}
	}
	fmt.Fprintf(out, "\nbenchtable took %s.\n", time.Since(start).Round(time.Second))
	if len(failures) > 0 {
		out.Flush()
		os.Exit(1)
	}
}

// outcome is what became of one cell.
type outcome struct {
	cell bench.Cell
	res  *bench.Result // nil if n/a or failed
	err  error
}

// measureAll measures every cell, computing each workload's reference
// checksum once.
func measureAll(cells []bench.Cell, runs int, scale float64) (map[string]outcome, []string) {
	results := map[string]outcome{}
	want := map[*bench.Workload]uint64{}
	var failures []string
	for _, c := range cells {
		o := outcome{cell: c}
		switch {
		case c.NA != "":
			fmt.Fprintf(os.Stderr, "%-22s n/a: %s\n", c.Name(), c.NA)
		default:
			n := c.Workload.Size(scale)
			if _, ok := want[c.Workload]; !ok {
				want[c.Workload] = bench.Expected(c.Workload, n)
			}
			r, err := bench.Measure(c, n, runs, want[c.Workload])
			if err != nil {
				o.err = err
				failures = append(failures, err.Error())
				fmt.Fprintf(os.Stderr, "%-22s FAILED: %v\n", c.Name(), err)
			} else {
				o.res = &r
				fmt.Fprintf(os.Stderr, "%-22s %10.1f ns/item %8.2f allocs/item %9s peak heap  (%d runs in %s)\n",
					c.Name(), r.NsPerItem, r.AllocsItem, bytesStr(r.PeakHeap), runs, r.Total.Round(time.Millisecond))
			}
		}
		results[c.Name()] = o
	}
	return results, failures
}

func printMachine(w io.Writer, runs int, scale float64, only string) {
	fmt.Fprintf(w, "## Machine\n\n")
	fmt.Fprintf(w, "| | |\n|---|---|\n")
	fmt.Fprintf(w, "| date | %s |\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "| GOOS/GOARCH | %s/%s |\n", runtime.GOOS, runtime.GOARCH)
	if m := cpuModel(); m != "" {
		fmt.Fprintf(w, "| CPU | %s |\n", m)
	}
	fmt.Fprintf(w, "| NumCPU | %d |\n", runtime.NumCPU())
	fmt.Fprintf(w, "| GOMAXPROCS | %d |\n", runtime.GOMAXPROCS(0))
	fmt.Fprintf(w, "| Go | %s |\n", runtime.Version())
	fmt.Fprintf(w, "| time.Sleep(%v) takes | %v (mean of 50; sets W3's times) |\n", pg.SleepTime, sleepTime(50))
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			switch d.Path {
			case "github.com/destel/rill", "github.com/sourcegraph/conc":
				fmt.Fprintf(w, "| %s | %s |\n", d.Path, d.Version)
			case "github.com/pipegen/pipegen":
				if d.Replace != nil {
					fmt.Fprintf(w, "| %s | this checkout (replace => %s) |\n", d.Path, d.Replace.Path)
				}
			}
		}
	}
	flags := fmt.Sprintf("-runs %d -scale %g", runs, scale)
	if only != "" {
		flags += fmt.Sprintf(" -only %q", only)
	}
	fmt.Fprintf(w, "| flags | `%s` |\n", flags)
}

// sleepTime measures how long time.Sleep(pg.SleepTime) really takes: the
// timer's granularity may make it much longer than asked.
func sleepTime(times int) time.Duration {
	start := time.Now()
	for range times {
		time.Sleep(pg.SleepTime)
	}
	return (time.Since(start) / time.Duration(times)).Round(time.Microsecond)
}

// loadAverage is the first three fields of /proc/loadavg, or "unknown".
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(data)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// cpuModel is the processor's model name, where /proc/cpuinfo tells it.
func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(data)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// printTables prints the summary matrices and the per-cell details.
func printTables(w io.Writer, results map[string]outcome, scale float64) {
	// Only the workloads and implementations that were run, in table order.
	var workloads []*bench.Workload
	var impls []string
	for _, wl := range bench.Workloads {
		for _, impl := range bench.Impls {
			if _, ok := results[wl.Name+"/"+impl]; !ok {
				continue
			}
			if !slices.Contains(workloads, wl) {
				workloads = append(workloads, wl)
			}
			if !slices.Contains(impls, impl) {
				impls = append(impls, impl)
			}
		}
	}
	slices.SortStableFunc(impls, func(a, b string) int {
		return slices.Index(bench.Impls, a) - slices.Index(bench.Impls, b)
	})
	if len(workloads) == 0 {
		return
	}

	nsOf := func(wl *bench.Workload, impl string) (float64, bool) {
		o, ok := results[wl.Name+"/"+impl]
		if !ok || o.res == nil {
			return 0, false
		}
		return o.res.NsPerItem, true
	}
	matrix := func(title, note string, cell func(wl *bench.Workload, impl string) string) {
		fmt.Fprintf(w, "\n## %s\n\n%s\n\n| workload | %s |\n|---|%s\n", title, note,
			strings.Join(impls, " | "), strings.Repeat("---:|", len(impls)))
		for _, wl := range workloads {
			row := []string{fmt.Sprintf("%s (N=%s)", wl.Name, count(wl.Size(scale)))}
			for _, impl := range impls {
				row = append(row, cell(wl, impl))
			}
			fmt.Fprintf(w, "| %s |\n", strings.Join(row, " | "))
		}
	}
	status := func(wl *bench.Workload, impl string) string {
		o, ok := results[wl.Name+"/"+impl]
		switch {
		case !ok:
			return "–"
		case o.cell.NA != "":
			return "n/a"
		case o.err != nil:
			return "FAILED"
		}
		return ""
	}
	ratio := func(base string) func(wl *bench.Workload, impl string) string {
		return func(wl *bench.Workload, impl string) string {
			if s := status(wl, impl); s != "" {
				return s
			}
			ns, _ := nsOf(wl, impl)
			b, ok := nsOf(wl, base)
			switch {
			case ok:
				return ratioStr(ns / b)
			case results[wl.Name+"/"+base].cell.NA != "":
				return "n/a" // no base to compare with
			}
			return "?"
		}
	}
	matrix("Time per source element", "Median ns per source element over the runs (lower is better).",
		func(wl *bench.Workload, impl string) string {
			if s := status(wl, impl); s != "" {
				return s
			}
			ns, _ := nsOf(wl, impl)
			return nsStr(ns)
		})
	matrix("Ratio to fused", "Time relative to the sequential fused loop (×1 = as fast as the loop; below 1 = faster, possible only where the stages do real work: W2, W3).",
		ratio(bench.Fused))
	matrix("Ratio to chan-unbuffered", "Time relative to hand-written goroutines and unbuffered channels (below 1 = faster).",
		ratio(bench.ChanUnbuffered))
	matrix("Ratio to fused-batched", "Time relative to hand-written fused and batched loops: the stages of one worker count in one loop per batch, batches of 256 at the two hops left (source → workers → consumer). The limit of any pipelined design; n/a where it has no such column (W3, see the table at the end).",
		ratio(bench.FusedBatched))
	matrix("Allocations per source element", "Median heap allocations per source element (runtime.MemStats.Mallocs delta / N).",
		func(wl *bench.Workload, impl string) string {
			if s := status(wl, impl); s != "" {
				return s
			}
			return fmt.Sprintf("%.2f", results[wl.Name+"/"+impl].res.AllocsItem)
		})
	matrix("Peak heap", "Highest heap in use (runtime/metrics heap objects + unused, i.e. MemStats.HeapInuse) seen by a 1 ms sampler during a run, above the level after the GC that precedes each run; the highest over the runs. It includes garbage not yet collected.",
		func(wl *bench.Workload, impl string) string {
			if s := status(wl, impl); s != "" {
				return s
			}
			return bytesStr(results[wl.Name+"/"+impl].res.PeakHeap)
		})

	fmt.Fprintf(w, "\n## Every cell\n\n| cell | ns/item (median) | min–max | ×fused | ×chan-unbuffered | ×fused-batched | allocs/item | peak heap | runs |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, wl := range workloads {
		for _, impl := range impls {
			o, ok := results[wl.Name+"/"+impl]
			if !ok {
				continue
			}
			switch {
			case o.cell.NA != "":
				fmt.Fprintf(w, "| %s | n/a: %s | | | | | | | |\n", o.cell.Name(), o.cell.NA)
				continue
			case o.err != nil:
				fmt.Fprintf(w, "| %s | FAILED: %v | | | | | | | |\n", o.cell.Name(), o.err)
				continue
			}
			r := o.res
			lo, hi := r.Runs[0].Elapsed, r.Runs[0].Elapsed
			for _, s := range r.Runs {
				lo, hi = min(lo, s.Elapsed), max(hi, s.Elapsed)
			}
			perItem := func(d time.Duration) string { return nsStr(float64(d.Nanoseconds()) / float64(r.N)) }
			fmt.Fprintf(w, "| %s | %s | %s–%s | %s | %s | %s | %.2f | %s | %d |\n", o.cell.Name(), nsStr(r.NsPerItem),
				perItem(lo), perItem(hi), ratio(bench.Fused)(wl, impl), ratio(bench.ChanUnbuffered)(wl, impl),
				ratio(bench.FusedBatched)(wl, impl), r.AllocsItem, bytesStr(r.PeakHeap), len(r.Runs))
		}
	}
}

// printLatency measures the latency row once for each of impls and prints
// its table; it returns the failures.
func printLatency(w io.Writer, impls []string, scale float64) []string {
	n := bench.Live.Size(scale)
	fmt.Fprintf(w, "\n## Latency of a live input\n\n")
	fmt.Fprintf(w, "An input that yields an element, waits %v, yields the next, … (N elements) through `Live = Hop1 | Hop2 | Hop3`, three map stages with one worker each ([pg/stages.go](pg/stages.go); pipegen with default settings, no options, its stages not fused). Latency: from the moment the input yields an element to the moment the caller's loop receives it; nearest-rank percentiles over the N elements of one run. \"Input interval\" is the mean time between two elements as the input ran (the timer may sleep longer than asked). Every element must arrive, in input order.\n\n", bench.LivePeriod)
	fmt.Fprintf(w, "| implementation | N | input interval | p50 | p99 | max |\n|---|---:|---:|---:|---:|---:|\n")
	var failures []string
	p99 := map[string]time.Duration{}
	for _, impl := range impls {
		fmt.Fprintf(os.Stderr, "latency: %s/%s at N=%d\n", bench.Live.Name, impl, n)
		r, err := bench.MeasureLatency(impl, n, bench.LivePeriod)
		if err != nil {
			fmt.Fprintf(w, "| %s | %s | FAILED: %v | | | |\n", impl, count(n), err)
			failures = append(failures, err.Error())
			continue
		}
		p99[impl] = r.P99
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", impl, count(n),
			durStr(r.Interval), durStr(r.P50), durStr(r.P99), durStr(r.Max))
	}
	pg, okPg := p99[bench.Pipegen]
	ch, okCh := p99[bench.ChanUnbuffered]
	if okPg && okCh {
		fmt.Fprintf(w, "\npipegen's p99 minus chan-unbuffered's: %s.\n", durStr(pg-ch))
	}
	return failures
}

// durStr formats a duration in µs or ms with three significant digits or
// so.
func durStr(d time.Duration) string {
	us := float64(d.Nanoseconds()) / 1e3
	switch {
	case us <= -1000 || us >= 1000:
		return fmt.Sprintf("%.3g ms", us/1e3)
	case us <= -100 || us >= 100:
		return fmt.Sprintf("%.0f µs", us)
	default:
		return fmt.Sprintf("%.3g µs", us)
	}
}

// liveFloor is the median live heap under which printHeapCheck gives no
// ratio: objects allocated while a collection runs survive it, so a few
// tens of KiB come and go between samples.
const liveFloor = 64 << 10

// heapChecked are the pipegen cells whose memory bound printHeapCheck
// checks: a plain pipeline, and the ordered one, whose reorder window is the
// other place where memory could grow.
var heapChecked = []*bench.Workload{bench.W1w4, bench.W4}

// printHeapCheck runs pipegen's W1w4 and W4 once at N and once at 10N with
// bench.MeasureLive and prints the median and peak live heaps: with bounded
// queues (and a bounded reorder window) the ratio of the medians stays near
// 1 however long the input. It also reports each run's peak heap in use including garbage,
// which is not a bound: with a low allocation rate no collection happens
// before the heap reaches the GC's 4 MiB minimum target, so that peak
// grows with the run's length.
func printHeapCheck(w io.Writer, scale float64) error {
	fmt.Fprintf(w, "\n## Is pipegen's memory bounded? N against 10N\n\n")
	fmt.Fprintf(w, "Each pipeline run once at N and once at 10N while a goroutine forces a GC every %v and reads the heap objects and goroutine stacks right after it (\"median live\", \"peak live\": what the pipeline holds, its goroutines included), and once more with the 1 ms sampler of the tables (\"peak in use\", garbage included).\n\n", bench.LiveEvery)
	fmt.Fprintf(w, "| cell | N | ns/item (with forced GCs) | forced GCs | median live | peak live | peak in use |\n|---|---:|---:|---:|---:|---:|---:|\n")
	var ratios []string
	for _, wl := range heapChecked {
		var cell bench.Cell
		for _, c := range bench.Cells() {
			if c.Workload == wl && c.Impl == bench.Pipegen {
				cell = c
			}
		}
		var medians []uint64
		for _, f := range []float64{1, 10} {
			n := wl.Size(scale * f)
			want := bench.Expected(wl, n)
			fmt.Fprintf(os.Stderr, "heap check: %s at N=%d\n", cell.Name(), n)
			live, err := bench.MeasureLive(cell, n, want)
			if err != nil {
				fmt.Fprintf(w, "| %s | %s | FAILED: %v | | | | |\n", cell.Name(), count(n), err)
				return err
			}
			r, err := bench.Measure(cell, n, 1, want)
			if err != nil {
				fmt.Fprintf(w, "| %s | %s | FAILED: %v | | | | |\n", cell.Name(), count(n), err)
				return err
			}
			medians = append(medians, live.MedianLive)
			fmt.Fprintf(w, "| %s | %s | %s | %d | %s | %s | %s |\n", cell.Name(), count(n),
				nsStr(float64(live.Elapsed.Nanoseconds())/float64(n)), live.GCs,
				bytesStr(live.MedianLive), bytesStr(live.PeakLive), bytesStr(r.PeakHeap))
		}
		switch {
		case medians[0] < liveFloor || medians[1] < liveFloor:
			ratios = append(ratios, fmt.Sprintf("%s: no ratio, a median is under %s, the noise of this measure (%s at N, %s at 10N)",
				cell.Name(), bytesStr(liveFloor), bytesStr(medians[0]), bytesStr(medians[1])))
		default:
			ratios = append(ratios, fmt.Sprintf("%s: %.2f", cell.Name(), float64(medians[1])/float64(medians[0])))
		}
	}
	fmt.Fprintf(w, "\nMedian live heap at 10N / at N — %s. Near 1: memory bounded by the queues and windows, not by the input length (holding the input would take over %s at 10N). The peaks are noisier: objects allocated while a collection runs survive it, and 10N takes 10 times as many samples.\n",
		strings.Join(ratios, "; "), bytesStr(uint64(heapChecked[0].Size(scale*10))*8))
	return nil
}

// nsStr formats nanoseconds with three significant digits or so.
func nsStr(ns float64) string {
	switch {
	case ns >= 100:
		return fmt.Sprintf("%.0f", ns)
	case ns >= 10:
		return fmt.Sprintf("%.1f", ns)
	default:
		return fmt.Sprintf("%.2f", ns)
	}
}

// ratioStr formats a time ratio.
func ratioStr(r float64) string {
	switch {
	case r >= 100:
		return fmt.Sprintf("×%.0f", r)
	case r >= 10:
		return fmt.Sprintf("×%.1f", r)
	case r >= 0.1:
		return fmt.Sprintf("×%.2f", r)
	default:
		return fmt.Sprintf("×%.2g", r)
	}
}

// bytesStr formats a byte count in binary units.
func bytesStr(b uint64) string {
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(b)/(1<<10))
	default:
		return fmt.Sprintf("%d B", b)
	}
}

// count formats an element count with thousands separators.
func count(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
