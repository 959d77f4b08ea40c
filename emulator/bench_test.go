package emulator

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// rawHandshake opens a WebSocket connection with a bare TCP socket: no
// client goroutine and no client buffers, so the memory a benchmark
// measures is the gateway's.
func rawHandshake(addr, path string) (net.Conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	var key [16]byte
	rand.Read(key[:])
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n",
		path, addr, base64.StdEncoding.EncodeToString(key[:]))
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		c.Close()
		return nil, err
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		c.Close()
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	return c, nil
}

func memInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}

// BenchmarkIdleConnectionMemory reports the memory the gateway holds per
// open, idle connection (heap and goroutine stacks), measured over 2000
// connections opened with bare sockets. Run with -benchtime 1x.
func BenchmarkIdleConnectionMemory(b *testing.B) {
	const n = 2000
	for i := 0; i < b.N; i++ {
		g, err := New(seedAPI(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := g.Open(); err != nil {
			b.Fatal(err)
		}
		// Warm up the server's pools, then measure.
		if c, err := rawHandshake(g.Addr(), "/production"); err == nil {
			c.Close()
		}
		before := memInUse()
		conns := make([]net.Conn, 0, n)
		for j := 0; j < n; j++ {
			c, err := rawHandshake(g.Addr(), "/production")
			if err != nil {
				b.Fatalf("connection %d: %v", j, err)
			}
			conns = append(conns, c)
		}
		time.Sleep(100 * time.Millisecond) // let handler goroutines finish
		after := memInUse()
		b.ReportMetric(float64(after-before)/n, "bytes/conn")
		b.ReportMetric(float64(runtime.NumGoroutine())/n, "goroutines/conn")
		for _, c := range conns {
			c.Close()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		g.Close(ctx)
		cancel()
	}
}

// BenchmarkMessageRoundTrip measures one client sending the seed's message
// and reading the answer: route selection, request template, MOCK,
// integration response, response template, frame.
func BenchmarkMessageRoundTrip(b *testing.B) {
	g, err := New(seedAPI(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := g.Open(); err != nil {
		b.Fatal(err)
	}
	defer g.Close(context.Background())
	ws, _, err := websocket.DefaultDialer.Dial(g.URL(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	msg := []byte(`{"action":"message","messageId":1}`)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := ws.WriteMessage(websocket.TextMessage, msg); err != nil {
			b.Fatal(err)
		}
		if _, _, err := ws.ReadMessage(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMessageRoundTripParallel is the same with 16 clients at once.
func BenchmarkMessageRoundTripParallel(b *testing.B) {
	g, err := New(seedAPI(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := g.Open(); err != nil {
		b.Fatal(err)
	}
	defer g.Close(context.Background())
	const clients = 16
	var mu sync.Mutex
	var pool []*websocket.Conn
	for i := 0; i < clients; i++ {
		ws, _, err := websocket.DefaultDialer.Dial(g.URL(), nil)
		if err != nil {
			b.Fatal(err)
		}
		defer ws.Close()
		pool = append(pool, ws)
	}
	msg := []byte(`{"action":"message","messageId":2}`)
	b.SetParallelism(clients / runtime.GOMAXPROCS(0))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		mu.Lock()
		ws := pool[len(pool)-1]
		pool = pool[:len(pool)-1]
		mu.Unlock()
		for pb.Next() {
			if err := ws.WriteMessage(websocket.TextMessage, msg); err != nil {
				b.Error(err)
				return
			}
			if _, _, err := ws.ReadMessage(); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkHandleMessage measures the gateway's work for one message
// without the network: selection, templates, MOCK, response; the frame is
// queued to a connection nobody reads (its queue is emptied each time).
func BenchmarkHandleMessage(b *testing.B) {
	g, err := New(seedAPI(), Options{SendQueueFrames: 1 << 30, SendQueueBytes: 1 << 40})
	if err != nil {
		b.Fatal(err)
	}
	c := &conn{g: g, id: "R1kmxc2VNjMCFIA=", connectedAt: time.Now(), domainName: "127.0.0.1:8080", sourceIP: "127.0.0.1"}
	c.ctx, c.cancel = context.WithCancel(g.msgCtx)
	c.writing = true // no writer goroutine: frames stay queued
	msg := []byte(`{"action":"message","messageId":1}`)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g.handleMessage(c, msg)
		c.mu.Lock()
		c.queue, c.queued = c.queue[:0], 0
		c.mu.Unlock()
	}
}

// BenchmarkCompile measures compiling the seed API (what every edit costs).
func BenchmarkCompile(b *testing.B) {
	api := seedAPI()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Compile(api); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkErrorFrame measures building AWS's error frame.
func BenchmarkErrorFrame(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = errorFrame("Forbidden", "R1kmxc2VNjMCFIA=", "R1knPH17NjMFftw=")
	}
}

// BenchmarkIdleConnectionMemoryGorillaDefaults is the baseline the gateway
// is compared with: gorilla's default Upgrader and the chat example's two
// pumps (a reader and a writer goroutine with a send channel) per connection.
func BenchmarkIdleConnectionMemoryGorillaDefaults(b *testing.B) {
	const n = 2000
	for i := 0; i < b.N; i++ {
		var up websocket.Upgrader
		var wg sync.WaitGroup
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ws, err := up.Upgrade(w, r, nil)
			if err != nil {
				return
			}
			send := make(chan []byte, 256)
			wg.Add(2)
			go func() { // writer
				defer wg.Done()
				for m := range send {
					ws.WriteMessage(websocket.TextMessage, m)
				}
			}()
			go func() { // reader
				defer wg.Done()
				defer close(send)
				for {
					if _, _, err := ws.ReadMessage(); err != nil {
						ws.Close()
						return
					}
				}
			}()
		})}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		go srv.Serve(ln)
		if c, err := rawHandshake(ln.Addr().String(), "/"); err == nil {
			c.Close()
		}
		before := memInUse()
		conns := make([]net.Conn, 0, n)
		for j := 0; j < n; j++ {
			c, err := rawHandshake(ln.Addr().String(), "/")
			if err != nil {
				b.Fatal(err)
			}
			conns = append(conns, c)
		}
		time.Sleep(100 * time.Millisecond)
		after := memInUse()
		b.ReportMetric(float64(after-before)/n, "bytes/conn")
		for _, c := range conns {
			c.Close()
		}
		srv.Close()
		wg.Wait()
	}
}

// BenchmarkHandleMessageLogged is BenchmarkHandleMessage with a subscriber
// that formats every event's text-log line, as serve --log steps does: the
// cost of building and logging a message's events. (serve's default log
// takes a summary instead: BenchmarkMessagePath/summaries.)
func BenchmarkHandleMessageLogged(b *testing.B) {
	g, err := New(seedAPI(), Options{SendQueueFrames: 1 << 30, SendQueueBytes: 1 << 40})
	if err != nil {
		b.Fatal(err)
	}
	var line []byte
	g.SubscribeFunc(func(e *Event) { line = e.AppendLine(line[:0]) })
	c := &conn{g: g, id: "R1kmxc2VNjMCFIA=", connectedAt: time.Now(), domainName: "127.0.0.1:8080", sourceIP: "127.0.0.1"}
	c.ctx, c.cancel = context.WithCancel(g.msgCtx)
	c.writing = true // no writer goroutine: frames stay queued
	msg := []byte(`{"action":"message","messageId":1}`)
	b.ReportAllocs()
	for b.Loop() {
		g.handleMessage(c, msg)
		c.mu.Lock()
		c.queue, c.queued = c.queue[:0], 0
		c.mu.Unlock()
	}
}

// BenchmarkMessagePath measures one message's whole path, a client's round
// trip, over in-memory connections (memnet_test.go), so no kernel work
// hides the gateway's: gorilla's echo server (echo, the baseline), the
// gateway with nobody subscribed (none, serve --log none), with a
// subscriber of MessageSummaries formatting each event's text line
// (summaries, serve's default log) and with one formatting every event
// (steps, serve --log steps). cpu-ns/op is the process's CPU time (client
// and server) per round trip, steadier than ns/op on a shared machine;
// allocs/op counts the client's too.
func BenchmarkMessagePath(b *testing.B) {
	msg := []byte(`{"action":"message","messageId":1}`)
	for _, mode := range []string{"echo", "none", "summaries", "steps"} {
		b.Run(mode, func(b *testing.B) {
			var ws *websocket.Conn
			if mode == "echo" {
				ws = memEcho(b)
			} else {
				m := startMem(b, seedAPI(), Options{}, 0)
				var mu sync.Mutex
				var line []byte
				format := func(e *Event) {
					mu.Lock()
					line = e.AppendLine(line[:0])
					mu.Unlock()
				}
				switch mode {
				case "summaries":
					m.SubscribeFuncFilter(MessageSummaries, format)
				case "steps":
					m.SubscribeFunc(format)
				}
				ws = m.dial(b)
			}
			b.ReportAllocs()
			cpu := processCPU()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := ws.WriteMessage(websocket.TextMessage, msg); err != nil {
					b.Fatal(err)
				}
				if _, _, err := ws.ReadMessage(); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}

// BenchmarkMessagePath50 is BenchmarkMessagePath with 50 connections at
// once, each a client in a closed loop, as the load benchmark runs them:
// the gateway's state for fifty connections (their histories, their
// goroutines) no longer fits the cache as one connection's does. cpu-ns/op
// is the process's CPU time (clients and server) per round trip.
func BenchmarkMessagePath50(b *testing.B) {
	const conns = 50
	msg := []byte(`{"action":"message","messageId":1}`)
	for _, mode := range []string{"echo", "none"} {
		b.Run(mode, func(b *testing.B) {
			ws := make([]*websocket.Conn, conns)
			var ln *memListener
			url := "ws://127.0.0.1/"
			if mode == "echo" {
				ws[0], ln = memEchoListener(b)
			} else {
				m := startMem(b, seedAPI(), Options{}, 0)
				ln, url = m.ln, url+m.snap.Load().stage
				ws[0] = m.dial(b)
			}
			d := websocket.Dialer{NetDialContext: ln.dial, HandshakeTimeout: 5 * time.Second}
			for i := 1; i < conns; i++ {
				c, _, err := d.Dial(url, nil)
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { c.Close() })
				ws[i] = c
			}
			var next atomic.Int64
			b.ReportAllocs()
			cpu := processCPU()
			b.ResetTimer()
			var wg sync.WaitGroup
			for _, c := range ws {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for next.Add(1) <= int64(b.N) {
						if err := c.WriteMessage(websocket.TextMessage, msg); err != nil {
							b.Error(err)
							return
						}
						if _, _, err := c.ReadMessage(); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}

// memEcho serves gorilla's echo server (test/load's baseline) over
// in-memory connections and returns a client of it.
func memEcho(b *testing.B) *websocket.Conn {
	ws, _ := memEchoListener(b)
	return ws
}

// memEchoListener is memEcho, also returning the listener to dial more
// clients on.
func memEchoListener(b *testing.B) (*websocket.Conn, *memListener) {
	ln := newMemListener()
	up := websocket.Upgrader{}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			mt, p, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(mt, p); err != nil {
				return
			}
		}
	})}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Close() })
	d := websocket.Dialer{NetDialContext: ln.dial}
	ws, _, err := d.Dial("ws://127.0.0.1/", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ws.Close() })
	return ws, ln
}
