package emulator

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// collect reads events until stop returns true for one, or 5 s pass.
func collect(t *testing.T, sub *Subscription, stop func(Event) bool) []Event {
	t.Helper()
	var got []Event
	timeout := time.After(5 * time.Second)
	for {
		select {
		case e, ok := <-sub.C():
			if !ok {
				return got
			}
			got = append(got, e)
			if stop(e) {
				return got
			}
		case <-timeout:
			t.Fatalf("timed out; events so far: %v", got)
		}
	}
}

// traceLine renders an event for the golden file without its time,
// duration and client port.
func traceLine(e Event, seen map[string]string) string {
	e.Time = time.Time{}
	e.Duration = 0
	if e.Connect != nil {
		c := *e.Connect
		c.RemoteAddr, c.Header = "", nil
		e.Connect = &c
	}
	b, _ := json.Marshal(e)
	s := strings.Replace(string(b), `"time":"0001-01-01T00:00:00Z",`, "", 1)
	return normalize(s, seen)
}

// TestEventTrace checks the events of a connection's life, in order and
// grouped by request: testdata/trace.golden.
func TestEventTrace(t *testing.T) {
	api := seedAPI()
	g := start(t, api)
	sub := g.Subscribe(256)
	ws := dial(t, g)
	send(t, ws, `{"action":"message","messageId":1}`)
	recv(t, ws)
	send(t, ws, `{"action":"other"}`)
	recv(t, ws)
	ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(1000, "bye"))
	events := collect(t, sub, func(e Event) bool { return e.Kind == EventDisconnect })

	seen := map[string]string{}
	var b strings.Builder
	for _, e := range events {
		b.WriteString(traceLine(e, seen) + "\n")
	}
	checkGolden(t, "trace", b.String())

	// Every event of the first message shares its request and message IDs.
	var msg []Event
	for _, e := range events {
		if e.Kind == EventFrameIn {
			msg = nil
		}
		msg = append(msg, e)
		if e.Kind == EventFrameOut {
			break
		}
	}
	kinds := []EventKind{EventFrameIn, EventRoute, EventTemplate, EventIntegration, EventTemplate, EventFrameOut}
	if len(msg) != len(kinds) {
		t.Fatalf("first message: %d events, want %d", len(msg), len(kinds))
	}
	for i, e := range msg {
		if e.Kind != kinds[i] || e.RequestID != msg[0].RequestID || e.MessageID != msg[0].MessageID || e.ConnectionID != msg[0].ConnectionID || e.Time.IsZero() {
			t.Errorf("event %d: %+v", i, e)
		}
	}
}

// TestSlowSubscriber checks that a subscriber that does not read loses
// events (counted) without slowing the gateway or other subscribers.
func TestSlowSubscriber(t *testing.T) {
	g := start(t, seedAPI())
	slow := g.Subscribe(1)
	fast := g.Subscribe(10000)
	ws := dial(t, g)
	const n = 50
	for i := 0; i < n; i++ {
		send(t, ws, `{"action":"message","messageId":2}`)
		if got := recv(t, ws); got != `{"message": "Hi!"}` {
			t.Fatalf("message %d: %q", i, got)
		}
	}
	frames := 0
	collect(t, fast, func(e Event) bool {
		if e.Kind == EventFrameOut {
			frames++
		}
		return frames == n
	})
	if fast.Dropped() != 0 {
		t.Errorf("the fast subscriber dropped %d", fast.Dropped())
	}
	if slow.Dropped() < n {
		t.Errorf("the slow subscriber dropped %d, want at least %d", slow.Dropped(), n)
	}
	slow.Close()
	for range slow.C() { // drains the one buffered event, then ends
	}
	slow.Close() // closing twice is harmless
}

// TestSubscriptionEndsWithGateway checks that Close closes subscriptions.
func TestSubscriptionEndsWithGateway(t *testing.T) {
	g, err := New(seedAPI(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Open(); err != nil {
		t.Fatal(err)
	}
	sub := g.Subscribe(16)
	if err := g.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	for range sub.C() {
	}
	late := g.Subscribe(1)
	if _, ok := <-late.C(); ok {
		t.Errorf("a subscription after Close is open")
	}
}

// TestEventString checks the text log line of an event.
func TestEventString(t *testing.T) {
	e := Event{Time: time.Date(2024, 1, 2, 3, 4, 5, 6e6, time.UTC), Kind: EventRoute, ConnectionID: "R1kmxc2VNjMCFIA=", RequestID: "R1knPH17NjMFftw=",
		RouteKey: "message", Route: &RouteChoice{Outcome: RouteMatched, Expression: "$request.body.action", Value: "message"}}
	want := `03:04:05.006 route       conn=R1kmxc2VNjMCFIA= req=R1knPH17NjMFftw= route=message outcome=matched expr=$request.body.action value=message`
	if got := e.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// BenchmarkEventAppendLine formats one event's text-log line into a reused
// buffer: it must not allocate.
func BenchmarkEventAppendLine(b *testing.B) {
	e := &Event{Time: time.Now(), Kind: EventTemplate, ConnectionID: "R1kmxc2VNjMCFIA=", RequestID: "R1knPH17NjMFftw=", RouteKey: "message",
		Duration: 21 * time.Microsecond,
		Template: &TemplateRender{Side: TemplateRequest, Key: "$default", Value: "application/json",
			Input: `{"action":"message","messageId":1}`, Output: `{"statusCode": 200, "messageId": 1}`}}
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf = e.AppendLine(buf[:0])
	}
}

// TestEventAppendLineAllocs pins BenchmarkEventAppendLine's promise for
// every kind: formatting into a buffer with room allocates nothing.
func TestEventAppendLineAllocs(t *testing.T) {
	events := []Event{
		{Kind: EventConnect, Status: 200, Connect: &ConnectRequest{Outcome: ConnectAccepted, RemoteAddr: "127.0.0.1:1", Subprotocols: []string{"a", "b"}}},
		{Kind: EventAuthorizer, Status: 403, Authorizer: &AuthorizerDecision{Name: "auth", Reason: "the policy denies"}, Duration: 3e6},
		{Kind: EventFrameIn, Data: `{"action":"message"}`, Size: 20},
		{Kind: EventRoute, Route: &RouteChoice{Expression: "$request.body.action", Value: "message", Outcome: RouteMatched}},
		{Kind: EventIntegration, Status: 200, Integration: &IntegrationAnswer{Type: "AWS_PROXY", Selection: ResponseProxy}, Lambda: &LambdaCall{Function: "f"}},
		{Kind: EventConnections, Status: 410, Code: CodeGone, Error: "connection is gone", Connections: &ConnectionsCall{Method: "POST"}},
		{Kind: EventError, Status: 504, Code: CodeTimeout, Error: "Execution failed due to a timeout error"},
		{Kind: EventDisconnect, Close: &CloseInfo{Code: 1000, Reason: "bye"}},
		{Kind: EventConfig, Config: ConfigApplied},
		{Kind: EventFrameOut, Data: strings.Repeat("x ", 300), Size: 600},
	}
	buf := make([]byte, 0, 1024)
	for _, e := range events {
		if n := testing.AllocsPerRun(10, func() { buf = e.AppendLine(buf[:0]) }); n != 0 {
			t.Errorf("%v: %v allocations", e.Kind, n)
		}
	}
}

// TestAppendQuoted checks the text log's quoting against strconv.Quote and
// the cut of long values.
func TestAppendQuoted(t *testing.T) {
	long := strings.Repeat("a", maxLogValue+10)
	cases := []struct{ in, want string }{
		{"", `""`},
		{"plain", "plain"},
		{"$request.body.action", "$request.body.action"},
		{"héllo", "héllo"},
		{"a b", `"a b"`},
		{`{"k":"v"}`, `"{\"k\":\"v\"}"`},
		{"k=v", `"k=v"`},
		{"tab\there\r\n\x00\x7f\\", strconv.Quote("tab\there\r\n\x00\x7f\\")},
		{"é \"x\"\n", strconv.Quote("é \"x\"\n")},
		{"\a\b\f\v\x1b", strconv.Quote("\a\b\f\v\x1b")},
		{long, strings.Repeat("a", maxLogValue) + "…"},
		{" " + long, `" ` + strings.Repeat("a", maxLogValue-1) + `…"`},
	}
	for _, tc := range cases {
		if got := string(appendQuoted(nil, tc.in)); got != tc.want {
			t.Errorf("appendQuoted(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	if got := string(appendClock(nil, time.Date(2026, 1, 2, 3, 4, 5, 67e6, time.UTC))); got != "03:04:05.067" {
		t.Errorf("appendClock: %s", got)
	}
}

// TestAppendDuration checks the text log's durations.
func TestAppendDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{850, "850ns"}, {21_340, "21.3µs"}, {21_360, "21.4µs"}, {999_960, "1000.0µs"},
		{1_254_000, "1.25ms"}, {1_255_000, "1.26ms"}, {2_500_000_000, "2.500s"}, {61_000_000_000, "61.000s"},
	} {
		if got := string(appendDuration(nil, tc.d)); got != tc.want {
			t.Errorf("%d: %s, want %s", tc.d, got, tc.want)
		}
	}
}

// TestSubscribeBytesBound: a subscription bounded by bytes drops, and
// counts, the events that would hold more payload than its bound, and takes
// events again once the subscriber is done with earlier ones.
func TestSubscribeBytesBound(t *testing.T) {
	var b bus
	s := b.subscribe(100, 1000)
	big := strings.Repeat("x", 600)
	b.publish(Event{Kind: EventFrameIn, Data: big})
	b.publish(Event{Kind: EventFrameIn, Data: big}) // 1 200 bytes waiting: dropped
	b.publish(Event{Kind: EventFrameIn, Data: "small"})
	if s.Dropped() != 1 || len(s.C()) != 2 {
		t.Fatalf("dropped %d, waiting %d; want 1 and 2", s.Dropped(), len(s.C()))
	}
	e := <-s.C()
	s.Done(&e)
	b.publish(Event{Kind: EventFrameIn, Data: big})
	if s.Dropped() != 1 || len(s.C()) != 2 {
		t.Fatalf("after Done: dropped %d, waiting %d; want 1 and 2", s.Dropped(), len(s.C()))
	}
}
