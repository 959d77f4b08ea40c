package emulator

import (
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"wsworkbench/emulator/model"
)

const helloMsg = `{"action":"message","messageId":1}`

func withFaults(f model.Faults) *model.API {
	api := seedAPI()
	api.Settings.Faults = f
	return api
}

// waitFault reads events until a fault of kind arrives (5 s at most).
func waitFault(t *testing.T, sub *Subscription, kind FaultKind) Event {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case e := <-sub.C():
			if e.Kind == EventFault && e.Fault != nil && e.Fault.Kind == kind {
				return e
			}
		case <-deadline:
			t.Fatalf("no %s fault event", kind)
		}
	}
}

// noFrame checks that nothing arrives within d.
func noFrame(t *testing.T, ws *websocket.Conn, d time.Duration) {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(d))
	if _, data, err := ws.ReadMessage(); err == nil {
		t.Fatalf("got %q, want nothing", data)
	} else if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
		t.Fatalf("read: %v, want a timeout", err)
	}
}

func TestFaultLatencyDoesNotHoldTheReadLoop(t *testing.T) {
	g := start(t, withFaults(model.Faults{Messages: []model.MessageFault{{Route: "message", Latency: 300 * time.Millisecond}}}))
	sub := g.Subscribe(256)
	defer sub.Close()
	ws := dial(t, g)
	t0 := time.Now()
	send(t, ws, helloMsg)
	// A message for another route (the Forbidden frame) answers at once,
	// before the delayed one: the delay holds only its own message.
	send(t, ws, `{"action":"other"}`)
	if got := recv(t, ws); !strings.Contains(got, "Forbidden") {
		t.Fatalf("first frame %q, want the undelayed Forbidden", got)
	}
	if got := recv(t, ws); got != `{"message": "Hello World"}` {
		t.Fatalf("answer %q", got)
	}
	if took := time.Since(t0); took < 300*time.Millisecond {
		t.Errorf("answer after %v, want at least 300ms", took)
	}
	if e := waitFault(t, sub, FaultLatency); !strings.Contains(e.Fault.Detail, "waited 300ms before the integration") || e.RequestID == "" {
		t.Errorf("fault event %+v", e.Fault)
	}
}

func TestFaultErrorFrameInsteadOfIntegration(t *testing.T) {
	for _, frame := range model.ErrorFrames {
		t.Run(frame, func(t *testing.T) {
			g := start(t, withFaults(model.Faults{Messages: []model.MessageFault{{Error: frame}}}))
			ws := dial(t, g)
			send(t, ws, helloMsg)
			got := recv(t, ws)
			if !strings.HasPrefix(got, `{"message": "`+frame+`", "connectionId":"`) {
				t.Fatalf("frame %q", got)
			}
		})
	}
}

func TestFaultDrops(t *testing.T) {
	t.Run("before routing", func(t *testing.T) {
		g := start(t, withFaults(model.Faults{Messages: []model.MessageFault{{Drop: 1}}}))
		sub := g.Subscribe(256)
		defer sub.Close()
		ws := dial(t, g)
		send(t, ws, helloMsg)
		waitFault(t, sub, FaultDropMessage)
		noFrame(t, ws, 200*time.Millisecond)
	})
	t.Run("answer", func(t *testing.T) {
		g := start(t, withFaults(model.Faults{Messages: []model.MessageFault{{Route: "message", DropAnswer: 1}}}))
		sub := g.Subscribe(256)
		defer sub.Close()
		ws := dial(t, g)
		send(t, ws, helloMsg)
		sawIntegration := false
		deadline := time.After(5 * time.Second)
		for done := false; !done; {
			select {
			case e := <-sub.C():
				sawIntegration = sawIntegration || e.Kind == EventIntegration
				done = e.Kind == EventFault && e.Fault.Kind == FaultDropAnswer
			case <-deadline:
				t.Fatal("no drop-answer fault")
			}
		}
		if !sawIntegration {
			t.Error("the integration did not run before its answer was dropped")
		}
		noFrame(t, ws, 200*time.Millisecond)
	})
}

// TestFaultSeededRatesRepeat: with a seed, a 50 % drop drops the same
// messages each time the faults are applied.
func TestFaultSeededRatesRepeat(t *testing.T) {
	pattern := func() string {
		p, err := compileFaults(model.Faults{Seed: 42, Messages: []model.MessageFault{{Drop: 0.5}}})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for range 32 {
			if _, drop := p.dropBeforeRouting("c"); drop {
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	a, b := pattern(), pattern()
	if a != b || !strings.Contains(a, "x") || !strings.Contains(a, ".") {
		t.Fatalf("patterns %s and %s", a, b)
	}
}

func TestFaultConnectRefused(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway} {
		g := start(t, withFaults(model.Faults{Connect: &model.ConnectFault{Status: status}}))
		_, resp, err := tryDial(g.URL())
		if err == nil || resp == nil || resp.StatusCode != status {
			t.Errorf("status %d: dial err %v, resp %v", status, err, resp)
		}
	}
	g := start(t, withFaults(model.Faults{Connect: &model.ConnectFault{Status: 500, Every: 3}}))
	var got []int
	for range 6 {
		ws, resp, _ := tryDial(g.URL())
		if ws != nil {
			ws.Close()
		}
		got = append(got, resp.StatusCode)
	}
	want := []int{101, 101, 500, 101, 101, 500}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("statuses %v, want %v", got, want)
		}
	}
}

func TestFaultClosesAfterMessagesAndTime(t *testing.T) {
	t.Run("1011 after 2 messages", func(t *testing.T) {
		g := start(t, withFaults(model.Faults{Closes: []model.CloseFault{{Code: 1011, Reason: "boom", AfterMessages: 2}}}))
		ws := dial(t, g)
		send(t, ws, helloMsg)
		recv(t, ws)
		send(t, ws, helloMsg)
		if code, text := expectClose(t, ws); code != 1011 || text != "boom" {
			t.Fatalf("close %d %q", code, text)
		}
	})
	t.Run("TCP drop after 100ms", func(t *testing.T) {
		g := start(t, withFaults(model.Faults{Closes: []model.CloseFault{{Drop: true, After: 100 * time.Millisecond}}}))
		sub := g.Subscribe(256)
		defer sub.Close()
		ws := dial(t, g)
		ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, _, err := ws.ReadMessage()
		// gorilla reports a connection lost without a close frame as 1006.
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != websocket.CloseAbnormalClosure {
			t.Fatalf("read: %v, want the connection lost without a close frame (1006)", err)
		}
		waitFault(t, sub, FaultDrop)
		for e := range sub.C() {
			if e.Kind == EventDisconnect {
				if e.Close.Code != 1006 {
					t.Errorf("$disconnect code %d, want 1006", e.Close.Code)
				}
				break
			}
		}
	})
}

func TestFaultManagement(t *testing.T) {
	g := start(t, seedAPI())
	ws := dial(t, g)
	id := connectionID(t, g, ws)
	post := func() int {
		resp, err := http.Post(g.ConnectionsURL()+"/"+id, "text/plain", strings.NewReader("hi"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if err := g.SetFaults(model.Faults{Management: &model.ManagementFault{LimitExceeded: 1}}); err != nil {
		t.Fatal(err)
	}
	if s := post(); s != http.StatusTooManyRequests {
		t.Errorf("POST with limitExceeded: %d", s)
	}
	if err := g.SetFaults(model.Faults{Management: &model.ManagementFault{GoneConnections: []string{id}}}); err != nil {
		t.Fatal(err)
	}
	if s := post(); s != http.StatusGone {
		t.Errorf("POST to a connection marked gone: %d", s)
	}
	if _, open := g.Connection(id); !open {
		t.Error("the connection closed; it must stay open")
	}
	f := g.Faults()
	f.Disabled = true
	if err := g.SetFaults(f); err != nil {
		t.Fatal(err)
	}
	if s := post(); s != http.StatusOK {
		t.Errorf("POST with every fault off: %d", s)
	}
	recv(t, ws)
}

func TestCloseDropAndExpireNow(t *testing.T) {
	g := start(t, seedAPI())
	ws := dial(t, g)
	if err := g.CloseConnection(connectionID(t, g, ws), 1012, "Service Restart"); err != nil {
		t.Fatal(err)
	}
	if code, text := expectClose(t, ws); code != 1012 || text != "Service Restart" {
		t.Errorf("close %d %q", code, text)
	}
	ws = dial(t, g)
	if err := g.ExpireIdle(connectionID(t, g, ws)); err != nil {
		t.Fatal(err)
	}
	if code, text := expectClose(t, ws); code != 1001 || text != "Going away" {
		t.Errorf("idle now: close %d %q", code, text)
	}
	ws = dial(t, g)
	if err := g.ExpireMaxDuration(connectionID(t, g, ws)); err != nil {
		t.Fatal(err)
	}
	if code, _ := expectClose(t, ws); code != 1001 {
		t.Errorf("max duration now: close %d", code)
	}
	if err := g.CloseConnection("AAAAAAAAAAAAAAA=", 1000, ""); !errors.Is(err, ErrGone) {
		t.Errorf("unknown connection: %v", err)
	}
	if err := g.CloseConnection(connectionID(t, g, dial(t, g)), 1005, ""); err == nil {
		t.Error("1005 cannot be sent; want an error")
	}
}

func TestFaultsValidate(t *testing.T) {
	tests := []struct {
		f    model.Faults
		want string
	}{
		{model.Faults{Messages: []model.MessageFault{{Drop: 2}}}, "messages[0].drop is 2"},
		{model.Faults{Messages: []model.MessageFault{{Error: "Boom"}}}, `messages[0].error "Boom"`},
		{model.Faults{Connect: &model.ConnectFault{Status: 200}}, "connect.status 200"},
		{model.Faults{Closes: []model.CloseFault{{Code: 1006, After: time.Second}}}, "closes[0].code 1006"},
		{model.Faults{Management: &model.ManagementFault{Gone: -1}}, "management.gone is -1"},
	}
	for _, tt := range tests {
		err := tt.f.Validate()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate = %v, want %q", err, tt.want)
		}
		if _, err := New(withFaults(tt.f), Options{}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New = %v, want %q", err, tt.want)
		}
	}
}

// TestInvalidFaultNamedOnce pins that an invalid fault's compile error says
// "faults" once (it said "faults: faults: ...").
func TestInvalidFaultNamedOnce(t *testing.T) {
	_, err := Compile(withFaults(model.Faults{Messages: []model.MessageFault{{Drop: 2}}}))
	if err == nil {
		t.Fatal("a drop rate of 2 compiled")
	}
	if got := err.Error(); strings.Count(got, "faults") != 1 || !strings.Contains(got, "messages[0].drop is 2") {
		t.Errorf("error = %q, want the faults named once and the bad field", got)
	}
}
