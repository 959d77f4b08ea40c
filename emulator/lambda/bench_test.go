package lambda

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkMessageEvent builds and encodes one MESSAGE event, what the
// gateway pays per message on an AWS_PROXY route before the HTTP call.
func BenchmarkMessageEvent(b *testing.B) {
	c := testConnection()
	r := Request{RouteKey: "sendmessage", RequestID: "R1knPH17NjMFftw=", MessageID: "R1knPc2ntjMCFIA=", Time: time.Now()}
	body := []byte(`{"action":"sendmessage","data":"hello, everyone in the room"}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(MessageEvent(c, r, body, false)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseResult checks the chat sample's result.
func BenchmarkParseResult(b *testing.B) {
	payload := []byte(`{"statusCode":200,"headers":{"Content-Type":"text/plain"},"body":"Data sent."}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseResult(payload); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkConcurrentInvoke makes 50 calls at a time to a function on
// loopback and reports the connections the endpoint accepted per 1,000
// calls: with Go's default transport (2 idle connections per host) nearly
// every call opens one, and against a non-loopback endpoint the closed ones
// pile up in TIME_WAIT until local ports run out (issue 9 item 7).
func BenchmarkConcurrentInvoke(b *testing.B) {
	for _, tt := range []struct {
		name string
		http *http.Client
	}{
		{"sized pool", nil},
		{"Go default transport", &http.Client{}},
	} {
		b.Run(tt.name, func(b *testing.B) {
			var accepted atomic.Int64
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				io.WriteString(w, `{"statusCode":200}`)
			}))
			srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
				if s == http.StateNew {
					accepted.Add(1)
				}
			}
			srv.Start()
			defer srv.Close()
			c, err := newClient(srv.URL, ModeConcurrent, tt.http, 64)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			b.SetParallelism(25) // 50 callers on 2 cores
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, _, err := c.Invoke(context.Background(), "fn", nil); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(accepted.Load())*1000/float64(b.N), "conns/1000calls")
			if tt.http != nil {
				tt.http.CloseIdleConnections()
			}
		})
	}
}
