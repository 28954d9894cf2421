package main

import (
	"fmt"
	"html"
	"net/http"
	"strings"
	"time"
)

// sitePage is one page of the built-in site.
type sitePage struct {
	status int           // the HTTP status; 0 means 200
	delay  time.Duration // how long the server takes to answer
	hang   bool          // never answer: wait until the client gives up
	body   string
}

// sitePages is the built-in site the crawler visits: linked pages, one
// slow but within the fetch timeout, one that never answers, two HTTP
// errors, one page of broken markup and a link to another site. The order
// of the links on the home page matters to the strict crawl: /broken comes
// before /hang, so the run stops at /broken rather than waiting for /hang.
var sitePages = map[string]sitePage{
	"/": {body: page("Home",
		"/about", "/blog/", "/slow", "/broken", "/hang", "/bad", "/missing",
		"https://example.com/", "/about#team")},
	"/about":       {body: page("About us", "/", "/team")},
	"/team":        {body: page("The team", "/about", "mailto:team@example.com")},
	"/blog/":       {body: page("Blog", "post-1", "post-2", "../about")},
	"/blog/post-1": {body: page("First post", "/blog/", "post-2")},
	"/blog/post-2": {body: page("Second post", "/blog/", "/nowhere")},
	"/slow":        {delay: 100 * time.Millisecond, body: page("Slow but in time", "/")},
	// /hang links to /secret, which the crawl never finds: the page is
	// dropped when its fetch times out.
	"/hang":   {hang: true, body: page("Never seen", "/secret")},
	"/secret": {body: page("Secret")},
	"/broken": {status: http.StatusInternalServerError, body: "database on fire\n"},
	// /bad's href never closes its quote: the parser rejects the page.
	"/bad": {body: `<html><head><title>Bad markup</title></head><body><a href="/about>About</a></body></html>`},
}

// page returns an HTML page with the title and one link per href.
func page(title string, hrefs ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html><head><title>%s</title></head>\n<body>\n<h1>%[1]s</h1>\n", html.EscapeString(title))
	for _, h := range hrefs {
		fmt.Fprintf(&b, "<p><a class='link' href=\"%s\">%[1]s</a></p>\n", html.EscapeString(h))
	}
	b.WriteString("</body></html>\n")
	return b.String()
}

// Site returns the handler of the built-in site. It serves sitePages, and
// 404 for every other path.
func Site() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := sitePages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		wait := p.delay
		if p.hang {
			// Long enough for any fetch timeout, short enough that a
			// client that never hangs up cannot keep the server's Close
			// waiting for long.
			wait = 10 * time.Second
		}
		if wait > 0 {
			t := time.NewTimer(wait)
			defer t.Stop()
			select {
			case <-t.C:
			case <-r.Context().Done(): // the client gave up
				return
			}
		}
		if p.status == 0 || p.status == http.StatusOK {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		}
		w.WriteHeader(max(p.status, http.StatusOK))
		fmt.Fprint(w, p.body)
	})
}
