package directive

import (
	"fmt"
	"go/token"
	"strconv"
	"strings"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// item is one raw "key=value" word of a directive, not yet checked.
type item struct {
	text string
	pos  token.Pos // position of text[0]
}

// keyNames and overrideNames list the keys of a stage directive and
// those a pipeline may override, for "unknown key" messages.
const (
	keyNames      = "workers, maxsize, timeout, ontimeout, start or done"
	overrideNames = "workers, maxsize, timeout or ontimeout"
)

// keys checks the settings of a stage directive or, with inPipeline, of a
// pipeline override, and returns the valid ones in order. Each bad setting
// is reported and left out; the others are still checked, so that one run
// reports every problem.
//
// rejected lists the known keys whose value was bad, so that later passes
// do not also report them as missing.
func (p *fileParser) keys(items []item, inPipeline bool) (keys []Key, rejected []string) {
	seen := make(map[string]token.Pos) // key name -> where it first appears
	for _, it := range items {
		eq := strings.IndexByte(it.text, '=')
		if eq <= 0 {
			p.errorf(it.pos, "want key=value, got %q", it.text)
			continue
		}
		k := Key{
			Name:     it.text[:eq],
			NamePos:  it.pos,
			Value:    it.text[eq+1:],
			ValuePos: it.pos + token.Pos(eq+1),
		}
		switch k.Name {
		case "workers", "maxsize", "timeout", "ontimeout":
		case "start", "done":
			if inPipeline {
				// These change the shape of the stage function, which
				// cannot differ between pipelines using it.
				p.errorf(k.NamePos, "key %q cannot be overridden in a pipeline; set it on the stage directive (a pipeline may override %s)", k.Name, overrideNames)
				continue
			}
		default:
			want := keyNames
			if inPipeline {
				want = overrideNames
			}
			p.errorf(k.NamePos, "unknown key %q; want %s", k.Name, want)
			continue
		}
		if first, dup := seen[k.Name]; dup {
			p.errorf(k.NamePos, "duplicate key %q (first at %s)", k.Name, p.lineCol(first))
			continue
		}
		seen[k.Name] = k.NamePos
		if want := parseValue(&k); want != "" {
			if !inPipeline && strings.Contains(k.Value, ",") {
				// "workers=2,maxsize=3": the value runs to the next blank.
				want += "; separate the settings of a stage directive with spaces, not commas"
			}
			p.errorf(k.ValuePos, "bad value %q for %s: want %s", k.Value, k.Name, want)
			rejected = append(rejected, k.Name)
			continue
		}
		keys = append(keys, k)
	}
	return keys, rejected
}

// parseValue checks k.Value for the known key k.Name and fills in the parsed
// Int or Duration. It returns "" if the value is good, or else what a good
// value looks like.
func parseValue(k *Key) (want string) {
	switch k.Name {
	case "workers":
		n, ok := parseInt(k.Value)
		if !ok || n < 1 || n > pipegen.MaxWorkers {
			return fmt.Sprintf("an integer from 1 to %d", pipegen.MaxWorkers)
		}
		k.Int = n
	case "maxsize":
		n, ok := parseInt(k.Value)
		if !ok || n < 0 || n > pipegen.MaxQueueSize {
			return fmt.Sprintf("an integer from 0 to %d", pipegen.MaxQueueSize)
		}
		k.Int = n
	case "timeout":
		d, err := time.ParseDuration(k.Value)
		if err != nil {
			return "a Go duration such as 500ms or 2s"
		}
		if d <= 0 {
			return "a duration > 0 such as 500ms or 2s"
		}
		k.Duration = d
	case "ontimeout":
		if k.Value != "drop" && k.Value != "fail" {
			return "drop or fail"
		}
	case "start", "done":
		if !token.IsIdentifier(k.Value) {
			return "a Go identifier"
		}
	}
	return ""
}

// parseInt parses a count written as plain decimal digits. strconv.Atoi
// alone would also accept a sign ("+4"); a "-1" fails here just like "x",
// with the same "want an integer >= N" message. Overflow fails too.
func parseInt(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}
