package main

import (
	"fmt"
	"html"
	"strings"
)

// scanHTML returns the title of an HTML document and the href attributes
// of its <a> tags, in document order.
//
// It is not a full HTML parser (the standard library has none), but it is
// strict about the little it reads, so that broken markup is reported
// rather than silently misread: every tag must end with '>', every quoted
// attribute value and comment must be closed, and a <title> must have its
// </title>.
func scanHTML(doc string) (title string, hrefs []string, err error) {
	i := 0
	for {
		j := strings.IndexByte(doc[i:], '<')
		if j < 0 {
			return title, hrefs, nil
		}
		start := i + j
		if strings.HasPrefix(doc[start:], "<!--") {
			end := strings.Index(doc[start+4:], "-->")
			if end < 0 {
				return "", nil, fmt.Errorf("comment at byte %d never ends", start)
			}
			i = start + 4 + end + 3
			continue
		}
		end, err := tagEnd(doc, start)
		if err != nil {
			return "", nil, err
		}
		name, attrs := splitTag(doc[start+1 : end])
		i = end + 1
		switch name {
		case "a":
			if href, ok := attrs["href"]; ok {
				hrefs = append(hrefs, href)
			}
		case "title":
			stop := strings.Index(strings.ToLower(doc[i:]), "</title>")
			if stop < 0 {
				return "", nil, fmt.Errorf("<title> at byte %d has no </title>", start)
			}
			title = strings.TrimSpace(html.UnescapeString(doc[i : i+stop]))
			i += stop
		}
	}
}

// tagEnd returns the position of the '>' that ends the tag starting at
// doc[start], skipping quoted attribute values.
func tagEnd(doc string, start int) (int, error) {
	for k := start + 1; k < len(doc); k++ {
		switch c := doc[k]; c {
		case '>':
			return k, nil
		case '<':
			return 0, fmt.Errorf("tag at byte %d has no '>' before the next '<'", start)
		case '"', '\'':
			q := strings.IndexByte(doc[k+1:], c)
			if q < 0 {
				return 0, fmt.Errorf("attribute value at byte %d never ends: missing %c", k, c)
			}
			k += 1 + q
		}
	}
	return 0, fmt.Errorf("tag at byte %d never ends", start)
}

// splitTag splits the inside of a tag, such as `a class='x' href="/y"`,
// into its lower-case name and its attributes, with entities in the values
// unescaped. An end tag's name starts with '/'.
func splitTag(s string) (string, map[string]string) {
	s = strings.TrimSuffix(s, "/")
	k := strings.IndexAny(s, " \t\r\n")
	if k < 0 {
		k = len(s)
	}
	name, rest := strings.ToLower(s[:k]), s[k:]
	attrs := map[string]string{}
	for {
		rest = strings.TrimLeft(rest, " \t\r\n")
		if rest == "" {
			return name, attrs
		}
		k := strings.IndexAny(rest, "= \t\r\n")
		if k < 0 || rest[k] != '=' {
			// An attribute without a value, such as <input disabled>.
			if k < 0 {
				k = len(rest)
			}
			attrs[strings.ToLower(rest[:k])] = ""
			rest = rest[k:]
			continue
		}
		key, v := strings.ToLower(rest[:k]), rest[k+1:]
		var val string
		if v != "" && (v[0] == '"' || v[0] == '\'') {
			// tagEnd made sure that the quote closes.
			e := strings.IndexByte(v[1:], v[0])
			val, rest = v[1:1+e], v[2+e:]
		} else {
			e := strings.IndexAny(v, " \t\r\n")
			if e < 0 {
				e = len(v)
			}
			val, rest = v[:e], v[e:]
		}
		attrs[key] = html.UnescapeString(val)
	}
}
