package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pipegen/pipegen/generator"
	pipegen "github.com/pipegen/pipegen/runtime"
)

// site is the built-in site served for one test, watching its connections
// and the User-Agent of every request.
type site struct {
	*httptest.Server
	mu     sync.Mutex
	open   int // connections not yet closed
	agents []string
}

// startSite serves the built-in site until the test ends.
func startSite(t *testing.T) *site {
	t.Helper()
	s := &site{}
	h := Site()
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.agents = append(s.agents, r.UserAgent())
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		s.mu.Lock()
		defer s.mu.Unlock()
		switch st {
		case http.StateNew:
			s.open++
		case http.StateClosed, http.StateHijacked:
			s.open--
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// waitAllClosed waits until the clients have closed every connection to
// the site: the server learns of it a little after the client closes.
func (s *site) waitAllClosed(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.mu.Lock()
		open := s.open
		s.mu.Unlock()
		if open == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still open after the crawl: did Close run for every Fetch worker?", open)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// wantReport is the report of the default crawl. It does not depend on
// timing: ordered restores crawl order, and each depth's input is built
// from the previous depth's ordered output.
const wantReport = `0 /              "Home", 8 links
1 /about         "About us", 2 links
1 /blog/         "Blog", 3 links
1 /slow          "Slow but in time", 1 link
1 /broken        error: HTTP 500 Internal Server Error
1 /bad           error: bad HTML: attribute value at byte 58 never ends: missing "
1 /missing       error: HTTP 404 Not Found
2 /team          "The team", 1 link
2 /blog/post-1   "First post", 2 links
2 /blog/post-2   "Second post", 2 links
3 /nowhere       error: HTTP 404 Not Found
1 /hang          dropped: no answer in time
11 pages, 4 with errors, 1 dropped; 1 link to other sites not followed
`

func TestCrawlReport(t *testing.T) {
	t.Parallel() // it mostly waits, for a timeout or the go command
	s := startSite(t)
	rep, err := Crawl(context.Background(), s.URL+"/", Options{MaxDepth: 3})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	rep.Print(&b, s.URL)
	if b.String() != wantReport {
		t.Errorf("report:\n%s\nwant:\n%s", b.String(), wantReport)
	}
	// Links are absolute, resolved against the page, without fragments.
	home := rep.Pages[0]
	want := []string{"/about", "/blog/", "/slow", "/broken", "/hang", "/bad", "/missing"}
	for i, w := range want {
		want[i] = s.URL + w
	}
	want = append(want, "https://example.com/")
	if !slices.Equal(home.Links, want) {
		t.Errorf("links of /: %q, want %q", home.Links, want)
	}
	if blog := rep.Pages[2]; !slices.Equal(blog.Links, []string{s.URL + "/blog/post-1", s.URL + "/blog/post-2", s.URL + "/about"}) {
		t.Errorf("links of /blog/: %q", blog.Links)
	}
	// Every request came from a Fetch worker's own client (start hook),
	// and every worker's done hook closed its connections.
	agent := regexp.MustCompile(`^pipegen-crawler \(Fetch worker [0-3]\)$`)
	s.mu.Lock()
	for _, a := range s.agents {
		if !agent.MatchString(a) {
			t.Errorf("request with User-Agent %q, want one set by newFetcher", a)
		}
	}
	s.mu.Unlock()
	s.waitAllClosed(t)
}

func TestWorkersOption(t *testing.T) {
	s := startSite(t)
	// One worker: the same pages, in the same order.
	rep, err := Crawl(context.Background(), s.URL+"/blog/", Options{MaxDepth: 1, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range rep.Pages {
		got = append(got, strings.TrimPrefix(p.URL, s.URL))
	}
	if want := []string{"/blog/", "/blog/post-1", "/blog/post-2", "/about"}; !slices.Equal(got, want) {
		t.Errorf("pages %q, want %q", got, want)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.agents {
		if a != "pipegen-crawler (Fetch worker 0)" {
			t.Errorf("User-Agent %q with Workers: 1", a)
		}
	}
}

func TestStrictStopsAtFirstBadPage(t *testing.T) {
	s := startSite(t)
	rep, err := Crawl(context.Background(), s.URL+"/", Options{MaxDepth: 3, Strict: true})
	var ce *CrawlError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a *CrawlError", err)
	}
	// /broken is the first bad page of depth 1 in crawl order, and Check
	// runs after ordered: whatever the timing, it is the one reported,
	// even though /hang (after it) never answers.
	if ce.Depth != 1 || ce.URL != s.URL+"/broken" {
		t.Errorf("stopped at depth %d, %s; want depth 1, /broken", ce.Depth, ce.URL)
	}
	var se *pipegen.StageError
	if !errors.As(err, &se) || se.Pipeline != "VisitStrict" || se.Stage != "Check" || se.Index.Source() != 3 {
		t.Errorf("err = %#v, want the StageError of Check on element 3", se)
	}
	if want := "depth 1: " + s.URL + "/broken: HTTP 500 Internal Server Error"; err.Error() != want {
		t.Errorf("message %q, want %q", err.Error(), want)
	}
	// The report holds what came before: the home page, and perhaps some
	// of the pages of depth 1 before /broken.
	if len(rep.Pages) == 0 || rep.Pages[0].URL != s.URL+"/" || len(rep.Pages) > 4 {
		t.Errorf("pages before the failure: %d", len(rep.Pages))
	}
	for _, p := range rep.Pages {
		if p.Err != nil {
			t.Errorf("page %s with an error went through Check", p.URL)
		}
	}
	s.waitAllClosed(t) // done ran on the failure path too
}

func TestStrictTimeoutFails(t *testing.T) {
	t.Parallel() // it mostly waits, for a timeout or the go command
	s := startSite(t)
	_, err := Crawl(context.Background(), s.URL+"/hang", Options{Strict: true})
	var te *pipegen.TimeoutError
	var se *pipegen.StageError
	if !errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &se) || se.Stage != "Fetch" {
		t.Fatalf("err = %v, want Fetch's TimeoutError", err)
	}
	if want := "depth 0: " + s.URL + "/hang: no answer within 1s"; err.Error() != want {
		t.Errorf("message %q, want %q", err.Error(), want)
	}
	// Without -strict the same page is dropped, not an error.
	rep, err := Crawl(context.Background(), s.URL+"/hang", Options{})
	if err != nil || len(rep.Pages) != 0 || len(rep.Dropped) != 1 || rep.Dropped[0].URL != s.URL+"/hang" {
		t.Fatalf("lenient crawl of /hang: %+v, %v; want it dropped", rep, err)
	}
}

func TestUnreachableSite(t *testing.T) {
	s := httptest.NewServer(Site())
	s.Close() // nothing listens at s.URL any more
	rep, err := Crawl(context.Background(), s.URL+"/", Options{})
	if err != nil || len(rep.Pages) != 1 {
		t.Fatalf("Crawl = %+v, %v; want one page with an error", rep, err)
	}
	if p := rep.Pages[0]; p.Status != 0 || p.Err == nil || !strings.Contains(p.Err.Error(), "connect") {
		t.Errorf("page = %+v, want a connection error", p)
	}
	_, err = Crawl(context.Background(), s.URL+"/", Options{Strict: true})
	var ce *CrawlError
	if !errors.As(err, &ce) || ce.URL != s.URL+"/" {
		t.Errorf("strict crawl: %v, want a CrawlError for /", err)
	}
}

func TestCancel(t *testing.T) {
	s := startSite(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Crawl(ctx, s.URL+"/", Options{}); err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestScanHTML(t *testing.T) {
	for _, c := range []struct {
		doc, title string
		hrefs      []string
		err        string
	}{
		{doc: "", title: ""},
		{doc: `<TITLE> A &amp; B </TITLE><A HREF=x.html>x</A><a name=top><a id="y" href='/y?a=1&amp;b=2'>`,
			title: "A & B", hrefs: []string{"x.html", "/y?a=1&b=2"}},
		{doc: "<a\n\thref=\"/z\"\n>z</a><br/><input disabled><!-- <a href=/hidden> -->", hrefs: []string{"/z"}},
		{doc: `<p>ok</p><a href="/x`, err: "attribute value at byte 17 never ends"},
		{doc: `<p <a href=/x>`, err: "tag at byte 0 has no '>'"},
		{doc: `<a href=/x`, err: "tag at byte 0 never ends"},
		{doc: `<title>t`, err: "<title> at byte 0 has no </title>"},
		{doc: `<!-- x`, err: "comment at byte 0 never ends"},
	} {
		title, hrefs, err := scanHTML(c.doc)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("scanHTML(%q) error %v, want %q", c.doc, err, c.err)
			}
			continue
		}
		if err != nil || title != c.title || !slices.Equal(hrefs, c.hrefs) {
			t.Errorf("scanHTML(%q) = %q, %q, %v; want %q, %q", c.doc, title, hrefs, err, c.title, c.hrefs)
		}
	}
}

func TestGeneratedCodeIsFresh(t *testing.T) {
	t.Parallel() // the slowest test: loading the package takes seconds
	stale, err := generator.Check(context.Background(), generator.Config{}, ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Fatalf("stale generated code %v: run go generate ./examples/crawler", stale)
	}
}
