// Command crawler crawls a small web site with a pipegen pipeline and
// prints what it found, page by page, in crawl order.
//
//	go run ./examples/crawler [-depth N] [-workers N] [-strict]
//
// The site is built in: the program serves it itself from a local
// net/http/httptest server (see site.go), so the crawl needs no network
// and gives the same report every time. Among its pages are one that is
// slow but answers in time, one that never answers, two HTTP errors and
// one page of broken markup.
//
// The crawl goes depth by depth: the pages at one depth are the input of
// one run of the pipeline
//
//	Visit = Fetch | Parse | ordered
//
// or, with -strict,
//
//	VisitStrict = Fetch(ontimeout=fail) | Parse | ordered | Check
//
// and the new links found in them make the input of the next run. (A
// pipeline is a DAG: the links a stage finds cannot flow back into its
// own input, so the loop is the caller's.) It shows:
//
//   - worker hooks: Fetch is a method stage; start=newFetcher gives each
//     of its workers its own *http.Client and done=Close releases that
//     client's connections when the worker ends, on every path;
//   - a per-request timeout: Fetch has timeout=1s, so the request's ctx
//     expires after a second. By default a page that runs past it is
//     dropped (ontimeout=drop) and the crawl reports it through the
//     pipegen.OnTimeout option;
//   - two ways with errors. By default an HTTP error or broken markup is a
//     value carried in the Page, and the report lists it. With -strict,
//     Check turns a page's error into a stage error and a timeout fails
//     too (the per-pipeline override ontimeout=fail): the first bad page
//     stops the whole run, and the program says which page and why, and
//     exits with status 1;
//   - ordered: Fetch runs four requests at a time and pages finish in any
//     order; ordered puts them back in the order their links were found,
//     so the report and the next depth's input are the same every run.
//
// Regenerate the pipeline code after changing a directive with
//
//	go generate ./examples/crawler
package main

//go:generate go run github.com/pipegen/pipegen/cmd/pipegen

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// maxBody is the most of a page the crawler reads.
const maxBody = 1 << 20

// Page is what the crawl learned about one URL.
type Page struct {
	URL   string
	Depth int // links followed from the start page
	// Status is the HTTP status code, or 0 when no response came.
	Status int
	Title  string
	// Links are the page's links, absolute, without fragments, each once,
	// in document order.
	Links []string
	// Err is what went wrong with the page: a failed request, an HTTP
	// error status or markup the parser rejects. The default crawl carries
	// it to the report; the strict one fails on it (see Check).
	Err error

	contentType string
	body        []byte // until Parse has read it
}

// fetcher is the state of one worker of Fetch.
type fetcher struct {
	client *http.Client
	agent  string
}

// newFetcher makes the state of one Fetch worker: a client with a transport
// of its own. Workers share no connection pool and no lock, and Close can
// release exactly the connections of its own worker.
func newFetcher(w pipegen.Worker) *fetcher {
	return &fetcher{
		client: &http.Client{Transport: &http.Transport{
			// The crawl reads one site: no proxy, and one idle
			// connection per worker is all it reuses.
			Proxy:               nil,
			MaxIdleConnsPerHost: 1,
			IdleConnTimeout:     30 * time.Second,
		}},
		agent: fmt.Sprintf("pipegen-crawler (%s worker %d)", w.Stage, w.Index),
	}
}

// Fetch gets the page at url. It fails only when ctx ends, that is when
// the page runs past its timeout (pipegen then drops the page, or fails
// the run with ontimeout=fail) or the run stops; every other problem is
// carried in the Page's Err.
//
//pipegen:map workers=4 timeout=1s start=newFetcher done=Close
func (f *fetcher) Fetch(ctx context.Context, url string) (Page, error) {
	p := Page{URL: url}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		p.Err = err
		return p, nil
	}
	req.Header.Set("User-Agent", f.agent)
	resp, err := f.client.Do(req)
	if err == nil {
		defer resp.Body.Close()
		p.Status = resp.StatusCode
		p.contentType = resp.Header.Get("Content-Type")
		p.body, err = io.ReadAll(io.LimitReader(resp.Body, maxBody))
	}
	if err != nil {
		if ctx.Err() != nil {
			// Not the page's fault: say so with ctx's error, which
			// pipegen recognises as the element's timeout.
			return Page{}, ctx.Err()
		}
		p.Err = err
		return p, nil
	}
	if resp.StatusCode != http.StatusOK {
		p.Err = fmt.Errorf("HTTP %s", resp.Status)
	}
	return p, nil
}

// Close releases the connections of the worker's client. pipegen calls it
// once when the worker ends, whether the input ended, a stage failed or
// the caller stopped early.
func (f *fetcher) Close() {
	f.client.CloseIdleConnections()
}

// Parse reads the title and links of a fetched HTML page. Markup it cannot
// read becomes the page's Err; pages that failed already, or are not HTML,
// pass unchanged.
//
//pipegen:map workers=2
func Parse(p Page) Page {
	body := p.body
	p.body = nil // the report keeps pages: not their bodies
	if p.Err != nil || !strings.HasPrefix(p.contentType, "text/html") {
		return p
	}
	title, hrefs, err := scanHTML(string(body))
	if err != nil {
		p.Err = fmt.Errorf("bad HTML: %w", err)
		return p
	}
	p.Title = title
	base, err := url.Parse(p.URL)
	if err != nil {
		p.Err = err
		return p
	}
	for _, h := range hrefs {
		ref, err := url.Parse(h)
		if err != nil {
			p.Err = fmt.Errorf("bad HTML: link %q: %w", h, err)
			return p
		}
		u := base.ResolveReference(ref)
		if u.Scheme != "http" && u.Scheme != "https" {
			continue // mailto:, javascript: and the like
		}
		u.Fragment = ""
		if s := u.String(); !slices.Contains(p.Links, s) {
			p.Links = append(p.Links, s)
		}
	}
	return p
}

// Check fails on a page that has an error, with the page's URL in the
// error. It is the strict crawl's last stage: after ordered, so that the
// run fails on the first bad page in crawl order, whatever the timing.
//
//pipegen:map
func Check(p Page) (Page, error) {
	if p.Err != nil {
		return p, fmt.Errorf("%s: %w", p.URL, p.Err)
	}
	return p, nil
}

// Visit fetches and parses the pages at urls, and yields them in the order
// of urls; bad pages carry their error, timed-out pages are dropped.
//
//pipegen:pipeline Visit(urls) = Fetch | Parse | ordered

// VisitStrict is Visit that fails on the first bad or timed-out page.
//
//pipegen:pipeline VisitStrict(urls) = Fetch(ontimeout=fail) | Parse | ordered | Check

// Options are the settings of a crawl.
type Options struct {
	// MaxDepth is how many links away from the start page the crawl
	// goes.
	MaxDepth int
	// Workers is the number of concurrent requests; 0 keeps the
	// directive's.
	Workers int
	// Strict makes the first bad page, or page past its timeout, fail the
	// crawl.
	Strict bool
	// Timeout is how long a request may take; 0 keeps the directive's.
	Timeout time.Duration
}

// Report is the result of a crawl.
type Report struct {
	// Pages are the pages visited, by depth, and at each depth in the
	// order their links were found.
	Pages []Page
	// Dropped are the pages whose fetch ran past its timeout (only their
	// URL and Depth are set), in the same order.
	Dropped []Page
	// External counts the links to other sites, which the crawl does not
	// follow.
	External int
}

// CrawlError is the error of a strict crawl: the page that stopped it.
type CrawlError struct {
	Depth int
	URL   string
	// Err is the pipeline's error, a *pipegen.StageError.
	Err error
}

// Error names the page and what went wrong with it.
func (e *CrawlError) Error() string {
	var te *pipegen.TimeoutError
	if errors.As(e.Err, &te) {
		return fmt.Sprintf("depth %d: %s: no answer within %v", e.Depth, e.URL, te.Timeout)
	}
	var se *pipegen.StageError
	if errors.As(e.Err, &se) {
		// Check's error starts with the URL already.
		return fmt.Sprintf("depth %d: %v", e.Depth, se.Err)
	}
	return fmt.Sprintf("depth %d: %s: %v", e.Depth, e.URL, e.Err)
}

// Unwrap returns the pipeline's error.
func (e *CrawlError) Unwrap() error { return e.Err }

// Crawl visits the pages of the site at start, following the links that
// stay on its host up to o.MaxDepth. A strict crawl stops at the first bad
// page with a *CrawlError; the other errors are ctx's or a bad option's.
func Crawl(ctx context.Context, start string, o Options) (*Report, error) {
	home, err := url.Parse(start)
	if err != nil {
		return nil, err
	}
	visit := Visit[iter.Seq[string]]
	if o.Strict {
		visit = VisitStrict[iter.Seq[string]]
	}
	rep := &Report{}
	seen := map[string]bool{start: true}
	level := []string{start}
	for depth := 0; len(level) > 0; depth++ {
		// OnTimeout is called from Fetch's workers: collect under a lock,
		// and sort afterwards, since they drop pages in any order.
		var mu sync.Mutex
		var dropped []int
		opts := []pipegen.Option{pipegen.OnTimeout(func(stage string, i pipegen.Index, _ any) {
			mu.Lock()
			defer mu.Unlock()
			dropped = append(dropped, int(i.Source()))
		})}
		// The stage is named as a string: both pipelines have it.
		if o.Workers > 0 {
			opts = append(opts, pipegen.Workers("Fetch", o.Workers))
		}
		if o.Timeout > 0 {
			opts = append(opts, pipegen.Timeout("Fetch", o.Timeout))
		}
		var next []string
		for p, err := range visit(ctx, slices.Values(level), opts...) {
			if err != nil {
				var se *pipegen.StageError
				if errors.As(err, &se) && se.Worker >= 0 {
					return rep, &CrawlError{Depth: depth, URL: level[se.Index.Source()], Err: err}
				}
				return rep, err
			}
			p.Depth = depth
			rep.Pages = append(rep.Pages, p)
			if depth == o.MaxDepth {
				continue
			}
			for _, l := range p.Links {
				u, err := url.Parse(l)
				switch {
				case err != nil || seen[l]:
				case u.Host != home.Host:
					rep.External++
				default:
					next = append(next, l)
				}
				seen[l] = true
			}
		}
		slices.Sort(dropped)
		for _, i := range dropped {
			rep.Dropped = append(rep.Dropped, Page{URL: level[i], Depth: depth})
		}
		level = next
	}
	return rep, nil
}

// Print writes the report, with the URLs relative to site.
func (rep *Report) Print(w io.Writer, site string) {
	errs := 0
	for _, p := range rep.Pages {
		path := strings.TrimPrefix(p.URL, site)
		if p.Err != nil {
			errs++
			fmt.Fprintf(w, "%d %-14s error: %v\n", p.Depth, path, p.Err)
		} else {
			fmt.Fprintf(w, "%d %-14s %q, %s\n", p.Depth, path, p.Title, count(len(p.Links), "link"))
		}
	}
	for _, p := range rep.Dropped {
		fmt.Fprintf(w, "%d %-14s dropped: no answer in time\n", p.Depth, strings.TrimPrefix(p.URL, site))
	}
	fmt.Fprintf(w, "%s, %d with errors, %d dropped; %s to other sites not followed\n",
		count(len(rep.Pages), "page"), errs, len(rep.Dropped), count(rep.External, "link"))
}

// count returns "1 page", "2 pages" and so on.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func main() {
	var o Options
	flag.IntVar(&o.MaxDepth, "depth", 3, "how many links away from the home page to go")
	flag.IntVar(&o.Workers, "workers", 0, "concurrent requests (0: Fetch's workers=4)")
	flag.BoolVar(&o.Strict, "strict", false, "stop at the first bad page or timeout")
	flag.DurationVar(&o.Timeout, "timeout", 0, "how long a request may take (0: Fetch's timeout=1s)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: crawler [-depth N] [-workers N] [-timeout D] [-strict]\n\nCrawls a built-in site, served on a local port, and reports its pages.")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}

	srv := httptest.NewServer(Site())
	defer srv.Close()
	start := time.Now()
	rep, err := Crawl(context.Background(), srv.URL+"/", o)
	if rep != nil {
		rep.Print(os.Stdout, srv.URL)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "crawler: crawl stopped:", err)
		var ce *CrawlError
		if errors.As(err, &ce) {
			// The pipeline's own words: which stage, worker and element.
			fmt.Fprintln(os.Stderr, "crawler:", ce.Err)
		}
		srv.Close() // os.Exit skips the deferred Close
		os.Exit(1)
	}
	fmt.Printf("crawled %s in %v\n", srv.URL, time.Since(start).Round(time.Millisecond))
}
