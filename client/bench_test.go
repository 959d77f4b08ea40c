package client

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"testing"

	"github.com/gorilla/websocket"
)

// sampleText returns a chat-like JSON message of about 120 bytes.
func sampleText(i int) string {
	return fmt.Sprintf(`{"action":"sendMessage","room":"lobby-%d","from":"user%d","text":"hello number %d from the workbench"}`, i%7, i%13, i)
}

// fullLog returns a log of capacity 10 000 holding 10 000 sample entries in
// the three directions.
func fullLog() *Log {
	l := NewLog(DefaultLogCapacity)
	for i := range DefaultLogCapacity {
		dir := []Dir{Sent, Received, Received}[i%3]
		l.Append(Entry{Dir: dir, Text: sampleText(i), Size: 120})
	}
	return l
}

// BenchmarkLogAppend appends to a full log, the steady state of a busy tab:
// every append overwrites the oldest entry.
func BenchmarkLogAppend(b *testing.B) {
	l := fullLog()
	e := Entry{Dir: Received, Text: sampleText(1), Size: 120}
	b.ReportAllocs()
	for b.Loop() {
		l.Append(e)
	}
}

// BenchmarkLogAt reads one entry, as a widget.List does for each visible row.
func BenchmarkLogAt(b *testing.B) {
	l := fullLog()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_ = l.At(i % DefaultLogCapacity)
		i++
	}
}

// BenchmarkSearch10k searches a full 10 000-entry log.
func BenchmarkSearch10k(b *testing.B) {
	l := fullLog()
	for _, bc := range []struct {
		name  string
		query string
		dirs  []Dir
	}{
		{"substring-rare", "number 9999 ", nil},
		{"substring-common", "LOBBY-3", nil},
		{"substring-none", "zebra", nil},
		{"substring-non-ascii", "héllo", nil},
		{"regex", `/user1[0-2]"/`, nil},
		{"direction-only", "", []Dir{Sent}},
		{"substring-and-direction", "lobby-3", []Dir{Received}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			f, err := ParseFilter(bc.query, bc.dirs...)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				_ = l.Search(f, 0)
			}
		})
	}
}

// BenchmarkExportJSONL exports a full 10 000-entry log.
func BenchmarkExportJSONL(b *testing.B) {
	l := fullLog()
	b.ReportAllocs()
	for b.Loop() {
		if err := l.ExportJSONL(discard{}); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkPrettyJSON pretty-prints a 1 KB message.
func BenchmarkPrettyJSON(b *testing.B) {
	text := "["
	for i := range 8 {
		if i > 0 {
			text += ","
		}
		text += sampleText(i)
	}
	text += "]"
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PrettyJSON(text); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClientReceive measures frames received and logged per second by a
// real client from a loopback server that sends b.N frames, and reports the
// live heap afterwards: with a 10 000-entry log it stays flat however many
// frames went through.
func BenchmarkClientReceive(b *testing.B) {
	n := b.N
	url := wsServer(b, websocket.Upgrader{}, func(conn *websocket.Conn, _ *http.Request) {
		if _, _, err := conn.ReadMessage(); err != nil {
			return
		}
		for i := range n {
			if err := conn.WriteMessage(websocket.TextMessage, []byte(sampleText(i))); err != nil {
				return
			}
		}
		drain(conn)
	})
	changed := make(chan struct{}, 1)
	c := New(Options{URL: url, OnChange: func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	}})
	if err := c.Connect(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer c.Close(1000, "")
	last := sampleText(n - 1)
	b.ReportAllocs()
	b.ResetTimer()
	c.Send("go")
	for lastEntry(c).Text != last {
		<-changed
	}
	b.StopTimer()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MB")
	b.ReportMetric(float64(c.Log().Len()), "log-len")
}

// BenchmarkAnnotateMatchFlood matches each received frame of a full log, as
// the window does for every gateway event, with one unrouted push at the
// oldest end that never matches.
func BenchmarkAnnotateMatchFlood(b *testing.B) {
	l := NewLog(DefaultLogCapacity)
	l.Append(Entry{Dir: Received, Text: "pushed by a backend"})
	for i := 0; i < DefaultLogCapacity; i++ {
		l.Append(Entry{Dir: Received, Text: "answer"})
		l.AnnotateMatch(Received, "answer", "message")
	}
	b.ReportAllocs()
	for b.Loop() {
		l.Append(Entry{Dir: Received, Text: "answer"})
		if _, ok := l.AnnotateMatch(Received, "answer", "message"); !ok {
			b.Fatal("no match")
		}
	}
}
