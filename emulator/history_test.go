package emulator

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/gorilla/websocket"
)

// TestHistoryKeepsEveryFrameInOrder: a connection's history has its
// connect, each frame in and out with its request ID, an @connections post,
// and its close, in order; it stays readable after the close, also through
// the transcript endpoint.
func TestHistoryKeepsEveryFrameInOrder(t *testing.T) {
	g := start(t, seedAPI())
	h := http.Header{"Origin": {"http://frontend.test"}}
	ws, _, err := websocket.DefaultDialer.Dial(g.URL()+"?room=lobby", h)
	if err != nil {
		t.Fatal(err)
	}
	id := connectionID(t, g, ws)
	send(t, ws, helloMsg)
	recv(t, ws)
	if err := g.PostToConnection(id, []byte("pushed")); err != nil {
		t.Fatal(err)
	}
	recv(t, ws)
	info, _ := g.Connection(id)
	if info.Origin != "http://frontend.test" || info.Query != "room=lobby" {
		t.Errorf("info origin %q query %q", info.Origin, info.Query)
	}
	ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4000, "bye"))
	expectClose(t, ws)

	var hist History
	for deadline := time.Now().Add(5 * time.Second); ; {
		var ok bool
		hist, ok = g.History(id, 0)
		if ok && hist.Closed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("history %+v, ok %v: not closed", hist, ok)
		}
		time.Sleep(5 * time.Millisecond)
	}
	var got []string
	for _, e := range hist.Entries {
		got = append(got, fmt.Sprintf("%s %s %s", e.Dir, e.Data, e.Note))
	}
	want := []string{"event  connected", "in " + helloMsg + " ", `out {"message": "Hello World"} `, "out pushed @connections", "event  closed 4000 bye"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("history:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if hist.Entries[1].RequestID == "" || hist.Entries[1].RequestID != hist.Entries[2].RequestID {
		t.Errorf("the answer's request ID %q differs from the message's %q", hist.Entries[2].RequestID, hist.Entries[1].RequestID)
	}

	resp, err := http.Get("http://" + g.Addr() + "/@wsworkbench/connections/" + id + "/transcript?after=2")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var lines []HistoryEntry
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var e HistoryEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, e)
	}
	if len(lines) != 3 || lines[0].Seq != 3 || lines[2].Note != "closed 4000 bye" {
		t.Errorf("transcript after 2: %+v", lines)
	}
	resp, err = http.Get("http://" + g.Addr() + "/@wsworkbench/connections/AAAAAAAAAAAAAAA=/transcript")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close() // an unread body keeps the connection's goroutines (goleak)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown connection: %d", resp.StatusCode)
	}
}

// TestHistoryIsBounded: a chatty connection keeps at most historyMaxBytes
// of payload and counts what it dropped.
func TestHistoryIsBounded(t *testing.T) {
	var h history
	big := []byte(strings.Repeat("x", 1000))
	for range 500 {
		h.add(HistoryIn, big, len(big), "", "")
	}
	entries, dropped, _ := h.after(0)
	if h.bytes > historyMaxBytes || len(entries) != historyMaxBytes/1000 || dropped != uint64(500-len(entries)) {
		t.Fatalf("%d entries, %d bytes, %d dropped", len(entries), h.bytes, dropped)
	}
	if entries[len(entries)-1].Seq != 500 {
		t.Errorf("newest seq %d", entries[len(entries)-1].Seq)
	}
	for range 5000 {
		h.add(HistoryOut, []byte("y"), 1, "", "")
	}
	if entries, _, _ := h.after(0); len(entries) != historyMaxEntries || len(h.ring) != historyRing || entries[0].Seq != 5500-historyMaxEntries+1 {
		t.Errorf("%d entries (ring %d), oldest %d", len(entries), len(h.ring), entries[0].Seq)
	}
}

// TestHistoryMatchesModel adds entries of random sizes and directions and
// checks, after each, that the ring holds what a plain list with the same
// bounds holds, and that a dropped entry's slot never keeps data bigger
// than historyKeepDropped referenced (put leaves small ones to its block
// clearing).
func TestHistoryMatchesModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var (
		h       history
		model   []HistoryEntry
		bytes   int
		dropped uint64
	)
	for seq := uint64(1); seq <= 20000; seq++ {
		size := rng.IntN(40)
		switch rng.IntN(20) {
		case 0:
			size = rng.IntN(5000)
		case 1:
			size = rng.IntN(historyMaxBytes + 100)
		}
		data := strings.Repeat(string(rune('a'+seq%26)), size)
		dir := HistoryDir(1 + rng.IntN(2))
		h.add(dir, []byte(data), size, "", "")

		if len(data) > historyMaxBytes {
			data = data[:historyMaxBytes]
		}
		for len(model) > 0 && (bytes+len(data) > historyMaxBytes || len(model) == historyMaxEntries) {
			bytes -= len(model[0].Data)
			model = model[1:]
			dropped++
		}
		model = append(model, HistoryEntry{Seq: seq, Dir: dir, Data: data})
		bytes += len(data)

		got, gotDropped, _ := h.after(0)
		if len(got) != len(model) || gotDropped != dropped || h.bytes != bytes {
			t.Fatalf("after %d adds: %d entries, %d dropped, %d bytes; want %d, %d, %d", seq, len(got), gotDropped, h.bytes, len(model), dropped, bytes)
		}
		for _, i := range []int{0, len(got) / 2, len(got) - 1} {
			if g, w := got[i], model[i]; g.Seq != w.Seq || g.Dir != w.Dir || g.Data != w.Data {
				t.Fatalf("after %d adds, entry %d: seq %d dir %v %d bytes, want seq %d dir %v %d bytes", seq, i, g.Seq, g.Dir, len(g.Data), w.Seq, w.Dir, len(w.Data))
			}
		}
		for i := h.n; i < len(h.ring); i++ { // the free slots
			if d := h.ring[h.slot(i)].data; len(d) > historyKeepDropped {
				t.Fatalf("after %d adds, free slot %d keeps %d bytes", seq, h.slot(i), len(d))
			}
		}
	}
}

// BenchmarkHistoryMemory1000 opens 1 000 connections that each send 100
// messages of 1 KB through the seed API (each answered), and reports the
// heap per connection: the history's bound, not the traffic, decides it.
func BenchmarkHistoryMemory1000(b *testing.B) {
	for range b.N {
		g, err := New(seedAPI(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := g.Open(); err != nil {
			b.Fatal(err)
		}
		msg := []byte(`{"action":"message","messageId":1,"pad":"` + strings.Repeat("p", 1000) + `"}`)
		var conns []*websocket.Conn
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		for range 1000 {
			ws, _, err := websocket.DefaultDialer.Dial(g.URL(), nil)
			if err != nil {
				b.Fatal(err)
			}
			conns = append(conns, ws)
		}
		for _, ws := range conns {
			for range 100 {
				if err := ws.WriteMessage(websocket.TextMessage, msg); err != nil {
					b.Fatal(err)
				}
				if _, _, err := ws.ReadMessage(); err != nil {
					b.Fatal(err)
				}
			}
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/1000, "heapB/conn")
		for _, ws := range conns {
			ws.Close()
		}
		g.Close(b.Context())
	}
}

// TestHistorySharesEqualFrames: an outgoing frame equal to the last one
// shares its copy, and a later change to the caller's buffer changes
// neither; a different frame gets its own copy.
func TestHistorySharesEqualFrames(t *testing.T) {
	h := &history{}
	buf := []byte(`{"message": "Hello World"}`)
	h.add(HistoryOut, buf, len(buf), "r1", "")
	h.add(HistoryOut, buf, len(buf), "r2", "")
	copy(buf, "XXXX")
	h.add(HistoryOut, buf, len(buf), "r3", "")
	got, _, _ := h.after(0)
	if len(got) != 3 || got[0].Data != `{"message": "Hello World"}` || got[1].Data != got[0].Data || got[2].Data != `XXXXssage": "Hello World"}` {
		t.Fatalf("entries %+v", got)
	}
	if unsafe.StringData(got[0].Data) != unsafe.StringData(got[1].Data) {
		t.Error("two equal frames in a row are two copies")
	}
	if unsafe.StringData(got[2].Data) == unsafe.StringData(got[1].Data) {
		t.Error("a changed frame shares the last one's copy")
	}
}

// TestMessageIDsInSpare: a message's IDs are written into the room after
// it, leaving the message as it was, and are well-formed and distinct;
// without room they are allocated.
func TestMessageIDsInSpare(t *testing.T) {
	g := newIDGen()
	msg := `{"action":"message"}`
	data := make([]byte, len(msg), len(msg)+messageSpare)
	copy(data, msg)
	mid, rid := g.messageIDsIn([2]byte{1, 2}, data[len(data):], nil)
	full := data[:cap(data)]
	if string(data) != msg || string(full[len(msg):]) != mid+rid {
		t.Fatalf("buffer %q, IDs %q %q", full, mid, rid)
	}
	mid2, rid2 := g.messageIDsIn([2]byte{1, 2}, nil, nil)
	for _, id := range []string{mid, rid, mid2, rid2} {
		if !validConnectionID(id) {
			t.Errorf("%q is not an ID", id)
		}
	}
	if mid == mid2 || rid == rid2 || mid == rid {
		t.Errorf("IDs repeat: %s %s %s %s", mid, rid, mid2, rid2)
	}
}

// TestHistoryReadableThroughTheClose: while connections close, a reader
// polling their histories (as a watch tab does) always finds them, and sees
// them closed only with their close event as the last entry. The history
// once left the registry before it joined the closed ones, so a poll in
// between found nothing, and a watch tab showed "closed" without its code
// (TestUnreadCountsFramesSinceSeen in ui/watch failed 1 run in 20).
func TestHistoryReadableThroughTheClose(t *testing.T) {
	g := start(t, seedAPI())
	const n = 40
	ids := make([]string, n)
	conns := make([]*websocket.Conn, n)
	for i := range n {
		conns[i] = dial(t, g)
		ids[i] = connectionID(t, g, conns[i])
	}
	errs := make(chan error, n)
	for _, id := range ids {
		go func() {
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
				h, ok := g.History(id, 0)
				switch {
				case !ok:
					errs <- fmt.Errorf("%s: History found nothing during the close", id)
					return
				case h.Closed:
					if last := h.Entries[len(h.Entries)-1]; last.Note != "closed 1012 restart" {
						errs <- fmt.Errorf("%s: closed, last entry %+v", id, last)
						return
					}
					errs <- nil
					return
				}
				runtime.Gosched()
			}
			errs <- fmt.Errorf("%s: not closed within 10 s", id)
		}()
	}
	for _, id := range ids {
		if err := g.CloseConnection(id, 1012, "restart"); err != nil {
			t.Fatal(err)
		}
	}
	for range ids {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
