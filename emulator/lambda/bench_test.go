package lambda

import (
	"encoding/json"
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
