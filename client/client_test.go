package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func TestConnectSendReceiveClose(t *testing.T) {
	checkLeaks(t)
	url := wsServer(t, websocket.Upgrader{}, echo)
	var changes atomic.Int64
	c := newClient(t, Options{URL: url + "/dev", OnChange: func() { changes.Add(1) }})
	if got := c.State().Phase; got != Idle {
		t.Fatalf("new client phase = %v, want idle", got)
	}

	if err := c.Connect(context.Background()); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if got := c.State(); got.Phase != Open || got.Err != nil {
		t.Fatalf("state after Connect = %+v, want open", got)
	}
	const msg = `{"action":"ping","n":1}`
	if err := c.Send(msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	waitFor(t, "the echo", func() bool { return c.Log().Len() == 3 })
	if err := c.Close(4000, "bye"); err != nil {
		t.Fatalf("Close: %v", err)
	}

	st := c.State()
	if st.Phase != Closed || st.CloseCode != 4000 || st.CloseReason != "bye" || !st.ClosedByClient || st.Err != nil {
		t.Errorf("state after Close = %+v, want closed 4000 bye by client", st)
	}
	if got, want := st.String(), "closed 4000 bye"; got != want {
		t.Errorf("State.String() = %q, want %q", got, want)
	}
	entries := c.Log().Entries()
	if len(entries) != 4 {
		t.Fatalf("log has %d entries, want 4: %+v", len(entries), entries)
	}
	connected, sent, received, closed := entries[0], entries[1], entries[2], entries[3]
	if connected.Dir != Event || connected.Event != ConnectedEvent || connected.Note != "connected to "+url+"/dev" || connected.RTT <= 0 {
		t.Errorf("first entry = %+v, want the connected event with the handshake time", connected)
	}
	if sent.Dir != Sent || sent.Text != msg || sent.Size != len(msg) || sent.RTT != 0 || sent.Note != "" {
		t.Errorf("sent entry = %+v", sent)
	}
	if received.Dir != Received || received.Text != msg || received.Size != len(msg) || received.RTT <= 0 {
		t.Errorf("received entry = %+v, want the echo with an RTT", received)
	}
	if received.RTT > received.Time.Sub(sent.Time)+time.Millisecond || received.Time.Before(sent.Time) {
		t.Errorf("RTT %v does not fit the entries' times (sent %v, received %v)", received.RTT, sent.Time, received.Time)
	}
	if closed.Dir != Event || closed.Event != ClosedEvent || closed.Note != "closed by client: 4000 bye" ||
		closed.Close == nil || *closed.Close != (CloseEvent{ByClient: true, Code: 4000, Reason: "bye"}) {
		t.Errorf("last entry = %+v (close %+v), want the close event", closed, closed.Close)
	}
	for i, e := range entries {
		if e.Seq != uint64(i+1) {
			t.Errorf("entry %d has Seq %d", i, e.Seq)
		}
	}
	if changes.Load() < 6 {
		t.Errorf("OnChange called %d times, want one per change (at least 6)", changes.Load())
	}
	if got := c.History().Items(); len(got) != 1 || got[0] != msg {
		t.Errorf("history = %q, want the sent message", got)
	}
}

func TestRoundTripTime(t *testing.T) {
	checkLeaks(t)
	const delay = 40 * time.Millisecond
	url := wsServer(t, websocket.Upgrader{}, func(conn *websocket.Conn, _ *http.Request) {
		conn.WriteMessage(websocket.TextMessage, []byte("welcome")) // a push before any send
		for {
			_, data, err := conn.ReadMessage()
			if err != nil {
				return
			}
			time.Sleep(delay)
			conn.WriteMessage(websocket.TextMessage, []byte("answer "+string(data)))
			conn.WriteMessage(websocket.TextMessage, []byte("extra "+string(data)))
		}
	})
	c := newClient(t, Options{URL: url})
	if err := c.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "welcome", func() bool { return lastEntry(c).Text == "welcome" })
	c.Send("one")
	waitFor(t, "both answers", func() bool { return lastEntry(c).Text == "extra one" })

	byText := map[string]Entry{}
	for _, e := range c.Log().Entries() {
		byText[e.Text] = e
	}
	if rtt := byText["welcome"].RTT; rtt != 0 {
		t.Errorf("a frame before any send has RTT %v, want 0", rtt)
	}
	if rtt := byText["answer one"].RTT; rtt < delay {
		t.Errorf("first frame after the send has RTT %v, want at least the server's delay %v", rtt, delay)
	}
	if rtt := byText["extra one"].RTT; rtt != 0 {
		t.Errorf("second frame after one send has RTT %v, want 0 (the send was answered)", rtt)
	}
}

func TestCloseByServer(t *testing.T) {
	tests := []struct {
		name       string
		code       int
		reason     string
		wantState  string
		wantNote   string
		wantReason string
	}{
		{"going away", websocket.CloseGoingAway, "Going away", "closed 1001 Going away", "closed by server: 1001 Going away", "Going away"},
		{"message too big without reason", websocket.CloseMessageTooBig, "", "closed 1009 Message too big", "closed by server: 1009 Message too big", ""},
		{"unsupported data", websocket.CloseUnsupportedData, "Binary frames are not supported", "closed 1003 Binary frames are not supported", "closed by server: 1003 Binary frames are not supported", "Binary frames are not supported"},
		{"internal error", websocket.CloseInternalServerErr, "", "closed 1011 Internal server error", "closed by server: 1011 Internal server error", ""},
		{"application code", 4321, "custom", "closed 4321 custom", "closed by server: 4321 custom", "custom"},
		{"application code without reason", 4000, "", "closed 4000", "closed by server: 4000", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			url := wsServer(t, websocket.Upgrader{}, func(conn *websocket.Conn, _ *http.Request) {
				conn.ReadMessage()
				conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(tt.code, tt.reason), time.Now().Add(time.Second))
				drain(conn)
			})
			c := newClient(t, Options{URL: url})
			if err := c.Connect(context.Background()); err != nil {
				t.Fatal(err)
			}
			c.Send("please close")
			waitPhase(t, c, Closed)
			st := c.State()
			if st.CloseCode != tt.code || st.CloseReason != tt.wantReason || st.ClosedByClient || st.Err != nil {
				t.Errorf("state = %+v", st)
			}
			if got := st.String(); got != tt.wantState {
				t.Errorf("State.String() = %q, want %q", got, tt.wantState)
			}
			if got := lastEntry(c); got.Dir != Event || got.Note != tt.wantNote || got.Event != ClosedEvent ||
				got.Close == nil || *got.Close != (CloseEvent{Code: tt.code, Reason: tt.reason}) {
				t.Errorf("last entry = %+v (close %+v), want note %q, code %d, reason %q", got, got.Close, tt.wantNote, tt.code, tt.reason)
			}
			if err := c.Send("more"); !errors.Is(err, ErrNotOpen) {
				t.Errorf("Send after close = %v, want ErrNotOpen", err)
			}
		})
	}
}

func TestConnectionLost(t *testing.T) {
	checkLeaks(t)
	url := wsServer(t, websocket.Upgrader{}, func(conn *websocket.Conn, _ *http.Request) {
		conn.ReadMessage()
		conn.NetConn().Close() // no close frame
	})
	c := newClient(t, Options{URL: url})
	if err := c.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.Send("x")
	waitPhase(t, c, Closed)
	st := c.State()
	if st.CloseCode != websocket.CloseAbnormalClosure || st.Err == nil || st.ClosedByClient {
		t.Errorf("state = %+v, want 1006 with an error", st)
	}
	if got := lastEntry(c); !strings.HasPrefix(got.Note, "connection lost: ") || got.Close == nil || *got.Close != (CloseEvent{Lost: true}) {
		t.Errorf("last entry = %+v (close %+v), want connection lost", got, got.Close)
	}
}

func TestHandshakeRefused(t *testing.T) {
	checkLeaks(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-amzn-ErrorType", "ForbiddenException")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintln(w, `{"message":"Forbidden"}`)
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, Options{URL: "ws" + strings.TrimPrefix(srv.URL, "http")})

	err := c.Connect(context.Background())
	var he *HandshakeError
	if !errors.As(err, &he) {
		t.Fatalf("Connect = %v, want a *HandshakeError", err)
	}
	if he.StatusCode != 403 || he.Body != `{"message":"Forbidden"}` || he.Header.Get("x-amzn-ErrorType") != "ForbiddenException" {
		t.Errorf("handshake error = %+v", he)
	}
	if got, want := err.Error(), `handshake refused: 403 Forbidden: {"message":"Forbidden"}`; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
	st := c.State()
	if st.Phase != Closed || st.Err != err || st.CloseCode != 0 {
		t.Errorf("state = %+v, want closed with the error", st)
	}
	if got, want := st.String(), "error: "+err.Error(); got != want {
		t.Errorf("State.String() = %q, want %q", got, want)
	}
	if got := lastEntry(c); got.Dir != Event || got.Note != "error: "+err.Error() {
		t.Errorf("last entry = %+v", got)
	}
}

func TestConnectErrors(t *testing.T) {
	// A port that was free a moment ago: nothing listens there.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := ln.Addr().String()
	ln.Close()

	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"http scheme", Options{URL: "http://127.0.0.1:1/"}, "it must start with ws:// or wss://"},
		{"no scheme", Options{URL: "127.0.0.1:3001"}, "it must start with ws:// or wss://"},
		{"no host", Options{URL: "ws:///dev"}, "no host"},
		{"bad escape", Options{URL: "ws://127.0.0.1/%zz"}, "bad url"},
		{"nothing listening", Options{URL: "ws://" + closedPort + "/dev"}, "connect: dial tcp " + closedPort},
		{"handshake header", Options{URL: "ws://" + closedPort, Header: http.Header{"Upgrade": {"x"}}}, "duplicate header not allowed: Upgrade"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, tt.opts)
			err := c.Connect(context.Background())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Connect = %v, want an error containing %q", err, tt.want)
			}
			if st := c.State(); st.Phase != Closed || st.Err != err {
				t.Errorf("state = %+v", st)
			}
		})
	}
}

func TestConnectWhileOpen(t *testing.T) {
	checkLeaks(t)
	c := newClient(t, Options{URL: wsServer(t, websocket.Upgrader{}, echo)})
	if err := c.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := c.Connect(context.Background()); err == nil || err.Error() != "cannot connect: client is open" {
		t.Errorf("second Connect = %v, want cannot connect: client is open", err)
	}
	if c.State().Phase != Open {
		t.Errorf("a refused second Connect changed the state to %v", c.State())
	}
}

func TestReconnectGivesFreshConnection(t *testing.T) {
	checkLeaks(t)
	addrs := make(chan string, 4)
	url := wsServer(t, websocket.Upgrader{}, func(conn *websocket.Conn, r *http.Request) {
		addrs <- r.RemoteAddr
		echo(conn, r)
	})
	c := newClient(t, Options{URL: url})
	if err := c.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	first := <-addrs
	c.SetConnectionID("conn-1=")
	if err := c.Reconnect(context.Background()); err != nil {
		t.Fatalf("Reconnect: %v", err)
	}
	second := <-addrs
	if first == second {
		t.Errorf("reconnect reused address %s", first)
	}
	if got := c.LocalAddr(); got != second {
		t.Errorf("LocalAddr = %s, want the new connection's %s", got, second)
	}
	if id := c.ConnectionID(); id != "" {
		t.Errorf("connection ID %q survived the reconnect", id)
	}
	if err := c.Send("after"); err != nil {
		t.Fatalf("Send on the new connection: %v", err)
	}
	waitFor(t, "the echo", func() bool { return lastEntry(c).Text == "after" && lastEntry(c).Dir == Received })

	var notes []string
	for _, e := range c.Log().Entries() {
		if e.Dir == Event {
			notes = append(notes, e.Note)
		}
	}
	want := []string{"connected to " + url, "closed by client: 1000 Normal closure", "connected to " + url}
	if strings.Join(notes, "|") != strings.Join(want, "|") {
		t.Errorf("events = %q, want %q", notes, want)
	}
}

func TestReconnectAfterServerClose(t *testing.T) {
	checkLeaks(t)
	var n atomic.Int64
	url := wsServer(t, websocket.Upgrader{}, func(conn *websocket.Conn, r *http.Request) {
		if n.Add(1) == 1 {
			conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, "Going away"), time.Now().Add(time.Second))
			drain(conn)
			return
		}
		echo(conn, r)
	})
	c := newClient(t, Options{URL: url})
	if err := c.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitPhase(t, c, Closed)
	if err := c.Reconnect(context.Background()); err != nil {
		t.Fatalf("Reconnect after the server closed: %v", err)
	}
	if st := c.State(); st.Phase != Open || st.CloseCode != 0 {
		t.Errorf("state after reconnect = %+v, want open with the old close forgotten", st)
	}
}

func TestLocalAddrMatchesServerRemoteAddr(t *testing.T) {
	checkLeaks(t)
	seen := make(chan string, 1)
	release := make(chan struct{})
	upgrader := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.RemoteAddr
		<-release // hold the handshake, as a slow $connect would
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		drain(conn)
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, Options{URL: "ws" + strings.TrimPrefix(srv.URL, "http")})

	done := make(chan error, 1)
	go func() { done <- c.Connect(context.Background()) }()
	remote := <-seen
	if st := c.State(); st.Phase != Connecting {
		t.Errorf("phase during the handshake = %v, want connecting", st.Phase)
	}
	if got := c.LocalAddr(); got != remote {
		t.Errorf("LocalAddr during the handshake = %q, want the server's RemoteAddr %q", got, remote)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := c.LocalAddr(); got != remote {
		t.Errorf("LocalAddr = %q, want the server's RemoteAddr %q", got, remote)
	}
}

func TestHeadersQueryAndSubprotocol(t *testing.T) {
	checkLeaks(t)
	reqs := make(chan *http.Request, 1)
	url := wsServer(t, websocket.Upgrader{Subprotocols: []string{"chat.v1"}}, func(conn *websocket.Conn, r *http.Request) {
		reqs <- r
		drain(conn)
	})
	c := newClient(t, Options{
		URL:          url + "/dev?stage=dev",
		Header:       http.Header{"X-Api-Key": {"k123"}, "Authorization": {"Bearer t"}},
		Query:        map[string][]string{"token": {"a b"}, "multi": {"1", "2"}},
		Subprotocols: []string{"chat.v2", "chat.v1"},
	})
	if err := c.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := <-reqs
	if got := r.Header.Get("X-Api-Key"); got != "k123" {
		t.Errorf("X-Api-Key = %q", got)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer t" {
		t.Errorf("Authorization = %q", got)
	}
	if got, want := r.URL.RawQuery, "stage=dev&multi=1&multi=2&token=a+b"; got != want {
		t.Errorf("query = %q, want %q", got, want)
	}
	if r.URL.Path != "/dev" {
		t.Errorf("path = %q", r.URL.Path)
	}
	if got := r.Header.Get("Sec-WebSocket-Protocol"); got != "chat.v2, chat.v1" {
		t.Errorf("offered subprotocols = %q", got)
	}
	if got := c.Subprotocol(); got != "chat.v1" {
		t.Errorf("Subprotocol = %q, want chat.v1", got)
	}
	if got, want := c.URL(), url+"/dev?stage=dev&multi=1&multi=2&token=a+b"; got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
	if got := c.Log().At(0).Note; !strings.HasSuffix(got, "(subprotocol chat.v1)") {
		t.Errorf("connected note = %q, want the subprotocol", got)
	}
}

func TestOptionsAreCopied(t *testing.T) {
	checkLeaks(t)
	reqs := make(chan *http.Request, 1)
	url := wsServer(t, websocket.Upgrader{}, func(conn *websocket.Conn, r *http.Request) {
		reqs <- r
		drain(conn)
	})
	h := http.Header{"X-Test": {"before"}}
	c := newClient(t, Options{URL: url, Header: h})
	h.Set("X-Test", "after")
	if err := c.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := (<-reqs).Header.Get("X-Test"); got != "before" {
		t.Errorf("X-Test = %q: a change to the caller's header reached the client", got)
	}
}

func TestCloseWithoutAnswer(t *testing.T) {
	checkLeaks(t)
	release := make(chan struct{})
	url := wsServer(t, websocket.Upgrader{}, func(*websocket.Conn, *http.Request) {
		<-release // never reads, so never answers a close
	})
	t.Cleanup(func() { close(release) })
	c := newClient(t, Options{URL: url, CloseTimeout: 100 * time.Millisecond})
	if err := c.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(1000, "done"); err != nil {
		t.Fatalf("Close: %v", err)
	}
	st := c.State()
	if st.Phase != Closed || st.CloseCode != websocket.CloseAbnormalClosure || !st.ClosedByClient || st.Err == nil {
		t.Errorf("state = %+v, want 1006 closed by client with an error", st)
	}
	if got, want := lastEntry(c).Note, "closed by client: 1000 done; the server did not answer the close within 100ms"; got != want {
		t.Errorf("note = %q, want %q", got, want)
	}
}

func TestCloseWhileConnecting(t *testing.T) {
	checkLeaks(t)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	c := newClient(t, Options{URL: "ws" + strings.TrimPrefix(srv.URL, "http")})

	done := make(chan error, 1)
	go func() { done <- c.Connect(context.Background()) }()
	waitFor(t, "the TCP connection", func() bool { return c.LocalAddr() != "" })
	if err := c.Close(1000, ""); err != nil {
		t.Fatalf("Close while connecting: %v", err)
	}
	if err := <-done; err == nil || err.Error() != "connect cancelled" {
		t.Fatalf("Connect = %v, want connect cancelled", err)
	}
	if st := c.State(); st.Phase != Closed {
		t.Errorf("state = %+v, want closed", st)
	}
}

func TestCloseArguments(t *testing.T) {
	tests := []struct {
		name   string
		code   int
		reason string
		want   string
	}{
		{"reserved code", 1005, "", "close code 1005 cannot be sent"},
		{"abnormal closure is never sent", 1006, "", "close code 1006 cannot be sent"},
		{"TLS handshake is never sent", 1015, "", "close code 1015 cannot be sent"},
		{"unassigned", 1014, "", "close code 1014 cannot be sent"},
		{"below 3000", 2999, "", "close code 2999 cannot be sent"},
		{"below 1000", 999, "", "close code 999 cannot be sent"},
		{"above 4999", 5000, "", "close code 5000 cannot be sent"},
		{"long reason", 1000, strings.Repeat("r", 124), "close reason is 124 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(Options{URL: "ws://127.0.0.1:1"})
			if err := c.Close(tt.code, tt.reason); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Close = %v, want %q", err, tt.want)
			}
		})
	}
	c := New(Options{})
	if err := c.Close(1000, strings.Repeat("r", 123)); err != nil {
		t.Errorf("Close on an idle client with a 123-byte reason = %v, want nil", err)
	}
}

func TestSendWhenNotOpen(t *testing.T) {
	c := New(Options{URL: "ws://127.0.0.1:1"})
	if err := c.Send("hello"); !errors.Is(err, ErrNotOpen) {
		t.Errorf("Send = %v, want ErrNotOpen", err)
	}
	if c.Log().Len() != 0 {
		t.Errorf("an unsent message was logged: %+v", c.Log().Entries())
	}
	if got := c.History().Items(); len(got) != 1 || got[0] != "hello" {
		t.Errorf("history = %q, want the unsent message kept for later", got)
	}
}

func TestBinaryFrame(t *testing.T) {
	checkLeaks(t)
	url := wsServer(t, websocket.Upgrader{}, func(conn *websocket.Conn, _ *http.Request) {
		conn.WriteMessage(websocket.BinaryMessage, []byte{0, 1, 2, 0xff})
		drain(conn)
	})
	c := newClient(t, Options{URL: url})
	if err := c.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the binary frame", func() bool { return lastEntry(c).Dir == Received })
	if e := lastEntry(c); !e.Binary || e.Text != "AAEC/w==" || e.Size != 4 {
		t.Errorf("binary entry = %+v", e)
	}
}

func TestReadLimit(t *testing.T) {
	checkLeaks(t)
	url := wsServer(t, websocket.Upgrader{}, func(conn *websocket.Conn, _ *http.Request) {
		conn.WriteMessage(websocket.TextMessage, []byte(strings.Repeat("x", 200)))
		drain(conn)
	})
	c := newClient(t, Options{URL: url, ReadLimit: 100})
	if err := c.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitPhase(t, c, Closed)
	st := c.State()
	if st.CloseCode != websocket.CloseMessageTooBig || !st.ClosedByClient || st.Err == nil {
		t.Errorf("state = %+v, want 1009 by client", st)
	}
	if got, want := lastEntry(c).Note, "closed by client: 1009 Message too big; a message was larger than the read limit of 100 bytes"; got != want {
		t.Errorf("note = %q, want %q", got, want)
	}
}

func TestTLS(t *testing.T) {
	checkLeaks(t)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		echo(conn, r)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused certificate is expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	url := "wss" + strings.TrimPrefix(srv.URL, "https")

	strict := newClient(t, Options{URL: url})
	if err := strict.Connect(context.Background()); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("Connect to a self-signed server = %v, want a certificate error", err)
	}

	c := newClient(t, Options{URL: url, InsecureSkipVerify: true})
	if err := c.Connect(context.Background()); err != nil {
		t.Fatalf("Connect with InsecureSkipVerify: %v", err)
	}
	c.Send("over tls")
	waitFor(t, "the echo", func() bool { return lastEntry(c).Text == "over tls" && lastEntry(c).Dir == Received })
}

func TestOnChangeMayReadTheClient(t *testing.T) {
	checkLeaks(t)
	var calls atomic.Int64
	var c *Client
	c = New(Options{
		URL: wsServer(t, websocket.Upgrader{}, echo),
		OnChange: func() {
			// Would deadlock if OnChange ran with a lock held.
			_ = c.State()
			_ = c.Log().Len()
			_ = c.LocalAddr()
			calls.Add(1)
		},
	})
	t.Cleanup(func() { c.Close(1000, "") })
	if err := c.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.SetConnectionID("abc=")
	if got := c.ConnectionID(); got != "abc=" {
		t.Errorf("ConnectionID = %q", got)
	}
	c.Send("x")
	waitFor(t, "the echo", func() bool { return c.Log().Len() == 3 })
	if calls.Load() == 0 {
		t.Error("OnChange never called")
	}
}

// TestConcurrentUse drives one client from several goroutines at once, for the
// race detector, and checks that the log's order is the wire's order.
func TestConcurrentUse(t *testing.T) {
	checkLeaks(t)
	c := newClient(t, Options{URL: wsServer(t, websocket.Upgrader{}, echo)})
	if err := c.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	const senders, each = 4, 50
	var wg sync.WaitGroup
	for g := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := c.Send(fmt.Sprintf("g%d-%d", g, i)); err != nil {
					t.Errorf("Send: %v", err)
					return
				}
			}
		}()
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	readers.Add(1)
	go func() { // a window refreshing
		defer readers.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			_ = c.State().String()
			l := c.Log()
			for i := 0; i < l.Len(); i++ {
				_ = l.At(i)
			}
			_ = l.Search(nil, 0)
		}
	}()
	wg.Wait()
	waitFor(t, "every echo", func() bool { return c.Log().Len() == 1+2*senders*each })
	close(stop)
	readers.Wait()

	var sent, received []string
	for _, e := range c.Log().Entries() {
		switch e.Dir {
		case Sent:
			sent = append(sent, e.Text)
		case Received:
			received = append(received, e.Text)
		}
	}
	// The echo server answers in the order frames reached it, so the log's
	// sent order must equal the received order.
	if strings.Join(sent, ",") != strings.Join(received, ",") {
		t.Errorf("sent order differs from echo order:\nsent %v\nrecv %v", sent, received)
	}
	if err := c.Close(1000, ""); err != nil {
		t.Fatal(err)
	}
}

// TestFloodKeepsLogBounded pushes 100 000 frames through a client: the log
// stays at its capacity, counts what it dropped and keeps the newest in order.
func TestFloodKeepsLogBounded(t *testing.T) {
	checkLeaks(t)
	// Three times the log's capacity shows it bounded. 100 000 frames took
	// over the 10 s wait under -race on a loaded machine (20 runs in 50).
	const total = 3 * DefaultLogCapacity
	url := wsServer(t, websocket.Upgrader{}, func(conn *websocket.Conn, _ *http.Request) {
		if _, _, err := conn.ReadMessage(); err != nil {
			return
		}
		for i := range total {
			if err := conn.WriteMessage(websocket.TextMessage, fmt.Appendf(nil, `{"n":%d}`, i)); err != nil {
				return
			}
		}
		drain(conn)
	})
	c := newClient(t, Options{URL: url})
	if err := c.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.Send("go")
	last := fmt.Sprintf(`{"n":%d}`, total-1)
	waitFor(t, "the last frame", func() bool { return lastEntry(c).Text == last })

	l := c.Log()
	if l.Len() != DefaultLogCapacity {
		t.Fatalf("log length = %d, want the capacity %d", l.Len(), DefaultLogCapacity)
	}
	appended := uint64(1 + 1 + total) // connected, sent, frames
	if got, want := l.Dropped(), appended-DefaultLogCapacity; got != want {
		t.Errorf("Dropped = %d, want %d", got, want)
	}
	for i := 0; i < l.Len(); i++ {
		want := fmt.Sprintf(`{"n":%d}`, total-DefaultLogCapacity+i)
		if e := l.At(i); e.Text != want || e.Seq != appended-DefaultLogCapacity+uint64(i)+1 {
			t.Fatalf("entry %d = seq %d %q, want %q", i, e.Seq, e.Text, want)
		}
	}
}

func TestClientCloseCodesReachServer(t *testing.T) {
	tests := []struct {
		name     string
		code     int
		reason   string
		wantCode int
		wantNote string
	}{
		{"default is normal closure", 0, "", 1000, "closed by client: 1000 Normal closure"},
		{"browser tab closed", 1001, "", 1001, "closed by client: 1001 Going away"},
		{"policy violation with reason", 1008, "bad token", 1008, "closed by client: 1008 bad token"},
		{"application code", 4999, "done", 4999, "closed by client: 4999 done"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			got := make(chan *websocket.CloseError, 1)
			url := wsServer(t, websocket.Upgrader{}, func(conn *websocket.Conn, _ *http.Request) {
				_, _, err := conn.ReadMessage()
				ce, _ := err.(*websocket.CloseError)
				got <- ce
			})
			c := newClient(t, Options{URL: url})
			if err := c.Connect(context.Background()); err != nil {
				t.Fatal(err)
			}
			if err := c.Close(tt.code, tt.reason); err != nil {
				t.Fatalf("Close: %v", err)
			}
			ce := <-got
			if ce == nil || ce.Code != tt.wantCode || ce.Text != tt.reason {
				t.Errorf("server saw %v, want %d %q", ce, tt.wantCode, tt.reason)
			}
			if st := c.State(); st.CloseCode != tt.wantCode || st.CloseReason != tt.reason || !st.ClosedByClient || st.Err != nil {
				t.Errorf("state = %+v", st)
			}
			if note := lastEntry(c).Note; note != tt.wantNote {
				t.Errorf("note = %q, want %q", note, tt.wantNote)
			}
		})
	}
}
