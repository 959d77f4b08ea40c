package client

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Filter selects log entries by direction and text. The zero Filter and a nil
// *Filter match every entry.
type Filter struct {
	dirs  [Event + 1]bool // indexed by Dir; all false means every direction
	query string          // lower-cased substring, when re is nil
	ascii bool            // query is ASCII: fold bytes instead of lower-casing texts
	re    *regexp.Regexp
}

// ParseFilter returns a filter for query and dirs. An empty query matches any
// text. A query written /like this/ is a regular expression (Go syntax,
// case-insensitive); any other query is a case-insensitive substring (an
// ASCII query folds ASCII letters only, without allocating; a query with other
// characters compares lower-cased text). Either is looked for in an entry's
// Text, Note and Route. No dirs means every direction.
func ParseFilter(query string, dirs ...Dir) (*Filter, error) {
	f := &Filter{}
	for _, d := range dirs {
		if d < Sent || d > Event {
			return nil, fmt.Errorf("unknown direction %d", d)
		}
		f.dirs[d] = true
	}
	if len(query) >= 2 && query[0] == '/' && query[len(query)-1] == '/' {
		re, err := regexp.Compile("(?i)" + query[1:len(query)-1])
		if err != nil {
			return nil, fmt.Errorf("bad regular expression %s: %w", query, err)
		}
		f.re = re
		return f, nil
	}
	f.query = strings.ToLower(query)
	f.ascii = isASCII(query)
	return f, nil
}

// Match reports whether e passes the filter.
func (f *Filter) Match(e *Entry) bool {
	if f == nil {
		return true
	}
	if f.anyDir() && (int(e.Dir) >= len(f.dirs) || !f.dirs[e.Dir]) {
		return false
	}
	switch {
	case f.re != nil:
		return f.re.MatchString(e.Text) || f.re.MatchString(e.Note) || f.re.MatchString(e.Route)
	case f.query == "":
		return true
	default:
		return f.contains(e.Text) || f.contains(e.Note) || f.contains(e.Route)
	}
}

func (f *Filter) anyDir() bool { return f.dirs[Sent] || f.dirs[Received] || f.dirs[Event] }

func (f *Filter) contains(s string) bool {
	// containsFoldASCII checks the length too, but Note and Route are mostly
	// shorter than the query: answering here, without the call, makes
	// BenchmarkSearch10k/substring-rare about 20 % faster.
	if len(s) < len(f.query) && f.ascii {
		return false
	}
	if f.ascii {
		return containsFoldASCII(s, f.query)
	}
	return strings.Contains(strings.ToLower(s), f.query)
}

// Search returns, oldest first, the sequence numbers of the entries after seq
// after (0 for all) that match f. A window filtering a live log can search
// everything once and then, on each refresh, only what came after the last
// sequence number it has. Annotate can change an older entry's route; a filter
// that may match routes should search everything again when that matters.
func (l *Log) Search(f *Filter, after uint64) []uint64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	var out []uint64
	for i := 0; i < l.n; i++ {
		e := &l.buf[(l.head+i)%len(l.buf)]
		if e.Seq > after && f.Match(e) {
			out = append(out, e.Seq)
		}
	}
	return out
}

// containsFoldASCII reports whether s contains sub, folding ASCII letters;
// sub must be lower case ASCII and non-empty. It allocates nothing and finds
// candidate starts with strings.IndexByte (vectorised), keeping the next
// position of the lower and the upper case first letter so each is scanned
// once: a search over thousands of entries costs little more than the scan.
func containsFoldASCII(s, sub string) bool {
	if len(s) < len(sub) {
		return false
	}
	starts := s[:len(s)-len(sub)+1] // where a match can begin
	lo, up := sub[0], sub[0]
	if 'a' <= lo && lo <= 'z' {
		up = lo - 'a' + 'A'
	}
	il := indexFrom(starts, lo, 0)
	iu := -1
	if up != lo {
		iu = indexFrom(starts, up, 0)
	}
	for il >= 0 || iu >= 0 {
		var i int
		if iu < 0 || (il >= 0 && il < iu) {
			i, il = il, indexFrom(starts, lo, il+1)
		} else {
			i, iu = iu, indexFrom(starts, up, iu+1)
		}
		if hasPrefixFoldASCII(s[i:], sub) {
			return true
		}
	}
	return false
}

// indexFrom returns the index of the first c in s at or after from, or -1.
func indexFrom(s string, c byte, from int) int {
	if from >= len(s) {
		return -1
	}
	j := strings.IndexByte(s[from:], c)
	if j < 0 {
		return -1
	}
	return from + j
}

func hasPrefixFoldASCII(s, lowerPrefix string) bool {
	for k := 0; k < len(lowerPrefix); k++ {
		c := s[k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lowerPrefix[k] {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
