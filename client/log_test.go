package client

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func texts(l *Log) []string {
	var out []string
	for i := 0; i < l.Len(); i++ {
		out = append(out, l.At(i).Text)
	}
	return out
}

func appendTexts(l *Log, texts ...string) {
	for _, s := range texts {
		l.Append(Entry{Dir: Received, Text: s, Size: len(s)})
	}
}

func TestLogRingBuffer(t *testing.T) {
	tests := []struct {
		name        string
		capacity    int
		appends     int
		wantTexts   []string
		wantDropped uint64
		wantFirst   uint64
	}{
		{"empty", 3, 0, nil, 0, 0},
		{"below capacity", 3, 2, []string{"m0", "m1"}, 0, 1},
		{"at capacity", 3, 3, []string{"m0", "m1", "m2"}, 0, 1},
		{"one past", 3, 4, []string{"m1", "m2", "m3"}, 1, 2},
		{"wrapped twice and a bit", 3, 8, []string{"m5", "m6", "m7"}, 5, 6},
		{"capacity one", 1, 5, []string{"m4"}, 4, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLog(tt.capacity)
			for i := range tt.appends {
				if seq := l.Append(Entry{Dir: Sent, Text: fmt.Sprintf("m%d", i)}); seq != uint64(i+1) {
					t.Fatalf("Append %d returned seq %d", i, seq)
				}
			}
			if got := texts(l); !reflect.DeepEqual(got, tt.wantTexts) {
				t.Errorf("entries = %q, want %q", got, tt.wantTexts)
			}
			if got := l.Dropped(); got != tt.wantDropped {
				t.Errorf("Dropped = %d, want %d", got, tt.wantDropped)
			}
			if l.Len() > 0 && l.At(0).Seq != tt.wantFirst {
				t.Errorf("oldest seq = %d, want %d", l.At(0).Seq, tt.wantFirst)
			}
			for _, i := range []int{-1, l.Len()} {
				if e := l.At(i); e.Seq != 0 {
					t.Errorf("At(%d) = %+v, want the zero entry", i, e)
				}
			}
			for i := 0; i < l.Len(); i++ {
				want := l.At(i)
				if got, ok := l.BySeq(want.Seq); !ok || got != want {
					t.Errorf("BySeq(%d) = %+v, %v; want %+v", want.Seq, got, ok, want)
				}
			}
			if tt.wantFirst > 1 {
				if _, ok := l.BySeq(tt.wantFirst - 1); ok {
					t.Errorf("BySeq found dropped entry %d", tt.wantFirst-1)
				}
			}
			if _, ok := l.BySeq(uint64(tt.appends + 1)); ok {
				t.Error("BySeq found an entry not yet appended")
			}
		})
	}
}

func TestLogDefaultsAndTime(t *testing.T) {
	l := NewLog(0)
	if l.Capacity() != DefaultLogCapacity {
		t.Errorf("Capacity = %d, want %d", l.Capacity(), DefaultLogCapacity)
	}
	before := time.Now()
	l.Append(Entry{Dir: Event})
	if got := l.At(0).Time; got.Before(before) {
		t.Errorf("Append left time %v, want now", got)
	}
	fixed := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	l.Append(Entry{Dir: Event, Time: fixed})
	if got := l.At(1).Time; !got.Equal(fixed) {
		t.Errorf("Append replaced the given time with %v", got)
	}
}

func TestLogClear(t *testing.T) {
	l := NewLog(3)
	appendTexts(l, "a", "b", "c", "d")
	l.Clear()
	if l.Len() != 0 || l.Dropped() != 0 {
		t.Fatalf("after Clear: Len %d, Dropped %d", l.Len(), l.Dropped())
	}
	if _, ok := l.BySeq(4); ok {
		t.Error("BySeq found a cleared entry")
	}
	appendTexts(l, "e", "f", "g", "h", "i")
	if got, want := texts(l), []string{"g", "h", "i"}; !reflect.DeepEqual(got, want) {
		t.Errorf("after Clear and wrap: %q, want %q", got, want)
	}
	if got := l.At(0).Seq; got != 7 {
		t.Errorf("sequence numbers restarted after Clear: oldest is %d, want 7", got)
	}
	if l.Dropped() != 2 {
		t.Errorf("Dropped = %d, want 2", l.Dropped())
	}
}

func TestLogGeneration(t *testing.T) {
	l := NewLog(2)
	g := l.Generation()
	step := func(what string, change bool, f func()) {
		t.Helper()
		f()
		now := l.Generation()
		if change && now <= g {
			t.Errorf("%s did not increment the generation (%d)", what, now)
		}
		if !change && now != g {
			t.Errorf("%s changed the generation from %d to %d", what, g, now)
		}
		g = now
	}
	step("Append", true, func() { l.Append(Entry{Dir: Sent, Text: "a"}) })
	step("Append past capacity", true, func() { appendTexts(l, "b", "c") })
	step("reads", false, func() {
		l.Len()
		l.At(0)
		l.BySeq(2)
		l.Entries()
		l.Search(nil, 0)
		l.Dropped()
	})
	step("Annotate", true, func() { l.Annotate(3, "ping") })
	step("Annotate of a dropped entry", false, func() { l.Annotate(1, "ping") })
	step("AnnotateMatch without a match", false, func() { l.AnnotateMatch(Sent, "nope", "x") })
	step("Clear", true, func() { l.Clear() })
}

func TestLogAnnotate(t *testing.T) {
	l := NewLog(10)
	s1 := l.Append(Entry{Dir: Sent, Text: `{"action":"ping"}`})
	l.Append(Entry{Dir: Received, Text: `{"action":"ping"}`})
	s3 := l.Append(Entry{Dir: Sent, Text: `{"action":"ping"}`})
	s4 := l.Append(Entry{Dir: Sent, Text: "hello"})

	if !l.Annotate(s4, "$default") {
		t.Fatal("Annotate of a held entry returned false")
	}
	if l.Annotate(99, "x") {
		t.Error("Annotate of an unknown entry returned true")
	}
	// Two identical sends: gateway events name them in order.
	for _, want := range []uint64{s1, s3} {
		seq, ok := l.AnnotateMatch(Sent, `{"action":"ping"}`, "ping")
		if !ok || seq != want {
			t.Errorf("AnnotateMatch = %d, %v; want %d", seq, ok, want)
		}
	}
	if _, ok := l.AnnotateMatch(Sent, `{"action":"ping"}`, "ping"); ok {
		t.Error("AnnotateMatch annotated an entry twice")
	}
	got := []string{}
	for _, e := range l.Entries() {
		got = append(got, e.Route)
	}
	if want := []string{"ping", "", "ping", "$default"}; !reflect.DeepEqual(got, want) {
		t.Errorf("routes = %q, want %q", got, want)
	}
}

func TestSearch(t *testing.T) {
	l := NewLog(100)
	add := func(dir Dir, text, route, note string) {
		l.Append(Entry{Dir: dir, Text: text, Route: route, Note: note})
	}
	add(Event, "", "", "connected to ws://127.0.0.1:3001/dev")              // 1
	add(Sent, `{"action":"sendMessage","text":"Héllo"}`, "sendMessage", "") // 2
	add(Received, `{"message":"Forbidden"}`, "", "")                        // 3
	add(Sent, "plain PING", "$default", "")                                 // 4
	add(Received, `{"from":"ÉCOLE"}`, "", "")                               // 5
	add(Event, "", "", "closed by server: 1001 Going away")                 // 6

	tests := []struct {
		name  string
		query string
		dirs  []Dir
		after uint64
		want  []uint64
	}{
		{"empty matches all", "", nil, 0, []uint64{1, 2, 3, 4, 5, 6}},
		{"substring folds case", "ping", nil, 0, []uint64{4}},
		{"substring in JSON", `"ACTION"`, nil, 0, []uint64{2}},
		{"route", "$default", nil, 0, []uint64{4}},
		{"note", "going AWAY", nil, 0, []uint64{6}},
		{"non-ASCII folds case", "école", nil, 0, []uint64{5}},
		{"non-ASCII exact", "Héllo", nil, 0, []uint64{2}},
		{"direction only", "", []Dir{Sent}, 0, []uint64{2, 4}},
		{"two directions", "", []Dir{Sent, Event}, 0, []uint64{1, 2, 4, 6}},
		{"text and direction", "message", []Dir{Received}, 0, []uint64{3}},
		{"after", "", nil, 4, []uint64{5, 6}},
		{"regex", `/^\{"(message|from)"/`, nil, 0, []uint64{3, 5}},
		{"regex folds case", "/forbidden/", nil, 0, []uint64{3}},
		{"regex with direction", "/o/", []Dir{Event}, 0, []uint64{1, 6}},
		{"a lone slash is a substring", "/", nil, 0, []uint64{1}},
		{"no match", "zzz", nil, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFilter(tt.query, tt.dirs...)
			if err != nil {
				t.Fatal(err)
			}
			if got := l.Search(f, tt.after); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Search(%q, %v) = %v, want %v", tt.query, tt.dirs, got, tt.want)
			}
		})
	}
}

func TestParseFilterErrors(t *testing.T) {
	if _, err := ParseFilter("/a(b/"); err == nil || !strings.Contains(err.Error(), "bad regular expression /a(b/: ") {
		t.Errorf("bad regex error = %v", err)
	}
	if _, err := ParseFilter("x", Dir(9)); err == nil {
		t.Error("unknown direction accepted")
	}
	var nilFilter *Filter
	if !nilFilter.Match(&Entry{}) {
		t.Error("nil filter does not match")
	}
}

// TestContainsFoldASCII checks the allocation-free search against the obvious
// one on random ASCII strings.
func TestContainsFoldASCII(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "aAbB{}\":1 _zZ@[`"
	randString := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	for range 20000 {
		s, sub := randString(r.IntN(12)), strings.ToLower(randString(1+r.IntN(3)))
		want := strings.Contains(strings.ToLower(s), sub)
		if got := containsFoldASCII(s, sub); got != want {
			t.Fatalf("containsFoldASCII(%q, %q) = %v, want %v", s, sub, got, want)
		}
	}
}

func TestExportJSONL(t *testing.T) {
	l := NewLog(10)
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	l.Append(Entry{Time: t0, Dir: Event, Note: "connected to ws://127.0.0.1:3001/dev", RTT: 3 * time.Millisecond})
	l.Append(Entry{Time: t0.Add(time.Second), Dir: Sent, Text: `{"action":"ping"}`, Size: 17, Route: "ping"})
	l.Append(Entry{Time: t0.Add(time.Second + 12345678), Dir: Received, Text: "<b>&\"pong\"\n</b>", Size: 15, RTT: 12345678})
	l.Append(Entry{Time: t0.Add(2 * time.Second), Dir: Received, Text: "AAEC/w==", Binary: true, Size: 4})
	l.Append(Entry{Time: t0.Add(3 * time.Second), Dir: Sent, Text: "lost", Size: 4, Note: "send failed: broken pipe"})
	l.Append(Entry{Time: t0.Add(4 * time.Second), Dir: Event, Note: "closed by server: 1001 Going away"})

	var buf bytes.Buffer
	if err := l.ExportJSONL(&buf); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "export.golden")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("export differs from %s:\n%s\nwant:\n%s", golden, buf.Bytes(), want)
	}

	// Every line is one object with every key.
	sc := bufio.NewScanner(&buf)
	n := 0
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v", n+1, err)
		}
		for _, k := range []string{"time", "dir", "size", "text", "route", "rttMs", "note"} {
			if _, ok := m[k]; !ok {
				t.Errorf("line %d has no %q", n+1, k)
			}
		}
		n++
	}
	if n != l.Len() {
		t.Errorf("export has %d lines, want %d", n, l.Len())
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, fmt.Errorf("disk full") }

func TestExportJSONLWriteError(t *testing.T) {
	l := NewLog(2)
	appendTexts(l, "a")
	if err := l.ExportJSONL(failWriter{}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("ExportJSONL to a failing writer = %v", err)
	}
}

// FuzzFilter checks that any query parses or fails cleanly, that matching
// never panics, and that a plain ASCII query matches exactly the texts that
// contain it, ignoring ASCII case.
func FuzzFilter(f *testing.F) {
	for _, s := range [][2]string{
		{"ping", `{"action":"PING"}`}, {"/a(b/", "ab"}, {"/^x$/", "X"}, {"", "anything"},
		{"é", "CAFÉ"}, {"/", "a/b"}, {"//", ""}, {"k", "\u212a"}, {"\xff", "\xff"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, query, text string) {
		filter, err := ParseFilter(query)
		if err != nil {
			return
		}
		e := Entry{Dir: Received, Text: text}
		got := filter.Match(&e)
		if filter.re != nil || !isASCII(query) {
			return
		}
		want := strings.Contains(asciiLower(text), strings.ToLower(query))
		if got != want {
			t.Fatalf("Match(%q in %q) = %v, want %v", query, text, got, want)
		}
	})
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// TestLogAnnotateMatchSkipsStaleEntries checks that entries which never get a
// route (a pushed frame) stop being candidates once they are older than
// MatchWindow, and that routed entries are not matched again.
func TestLogAnnotateMatchSkipsStaleEntries(t *testing.T) {
	l := NewLog(100)
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	stale := l.Append(Entry{Time: t0, Dir: Received, Text: "push"})
	fresh := l.Append(Entry{Time: t0.Add(MatchWindow + time.Second), Dir: Received, Text: "push"})
	if seq, ok := l.AnnotateMatch(Received, "push", "r"); !ok || seq != fresh {
		t.Fatalf("AnnotateMatch = %d, %v; want the fresh entry %d, not the stale %d", seq, ok, fresh, stale)
	}
	if _, ok := l.AnnotateMatch(Received, "push", "r"); ok {
		t.Error("matched a stale or routed entry")
	}
	// An unrouted entry inside the window still holds the cursor back, so
	// an older duplicate is matched before a newer one.
	a := l.Append(Entry{Time: t0.Add(MatchWindow + 2*time.Second), Dir: Sent, Text: "x"})
	l.Append(Entry{Time: t0.Add(MatchWindow + 2*time.Second), Dir: Sent, Text: "y"})
	b := l.Append(Entry{Time: t0.Add(MatchWindow + 3*time.Second), Dir: Sent, Text: "x"})
	for _, want := range []uint64{a, b} {
		if seq, ok := l.AnnotateMatch(Sent, "x", "route"); !ok || seq != want {
			t.Errorf("AnnotateMatch(x) = %d, %v; want %d", seq, ok, want)
		}
	}
	if seq, ok := l.AnnotateMatch(Sent, "y", "route"); !ok || seq != a+1 {
		t.Errorf("AnnotateMatch(y) = %d, %v; want %d", seq, ok, a+1)
	}
}

// TestLogBoundedByBytes: a log is bounded by the bytes of its entries as
// well as their count (issue 9 item 10): big frames push out the oldest
// entries, Dropped counts them, the newest entry is always kept, and the
// entries stay in order as the log grows again.
func TestLogBoundedByBytes(t *testing.T) {
	l := NewLog(100)
	l.maxBytes = 10 * (1000 + 2 + entryOverhead)
	big := strings.Repeat("x", 1000)
	for i := 0; i < 25; i++ {
		l.Append(Entry{Dir: Received, Text: big, Note: strconv.Itoa(i)})
	}
	if l.Len() != 10 || l.Dropped() != 15 {
		t.Fatalf("Len %d Dropped %d, want 10 and 15", l.Len(), l.Dropped())
	}
	// Small entries: the log grows past 10 entries again, in order.
	for i := 25; i < 60; i++ {
		l.Append(Entry{Dir: Received, Note: strconv.Itoa(i)})
	}
	for i := 0; i < l.Len(); i++ {
		e := l.At(i)
		if i > 0 && e.Seq != l.At(i-1).Seq+1 {
			t.Fatalf("entry %d has Seq %d after %d", i, e.Seq, l.At(i-1).Seq)
		}
		if got, ok := l.BySeq(e.Seq); !ok || got.Note != e.Note {
			t.Fatalf("BySeq(%d) = %+v, %v", e.Seq, got, ok)
		}
	}
	if last := l.At(l.Len() - 1); last.Note != "59" {
		t.Errorf("newest entry %q, want 59", last.Note)
	}
	// One entry larger than the whole bound is kept.
	l.Append(Entry{Dir: Received, Text: strings.Repeat("y", 50000)})
	if l.Len() != 1 || len(l.At(0).Text) != 50000 {
		t.Errorf("Len %d after a huge entry, want just it", l.Len())
	}
}
