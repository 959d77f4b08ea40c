package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"wsworkbench/emulator/tlscert"
)

type apiResponse struct {
	status    int
	errorType string
	body      string
}

func call(t *testing.T, method, url string, body []byte, header ...http.Header) apiResponse {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(header) > 0 {
		req.Header = header[0]
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return apiResponse{resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), string(b)}
}

// TestPostToConnection checks POST @connections/{id} on every path form an
// SDK or a person may use.
func TestPostToConnection(t *testing.T) {
	g := start(t, seedAPI())
	ws := dial(t, g)
	id := connectionID(t, g, ws)
	root := "http://" + g.Addr()
	sigv4 := http.Header{
		"Authorization":        {"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc"},
		"X-Amz-Date":           {"20240101T000000Z"},
		"Content-Type":         {"application/octet-stream"},
		"X-Amz-Security-Token": {"token"},
	}
	paths := []struct {
		name, url string
	}{
		{"stage path", g.ConnectionsURL() + "/" + id},
		{"encoded @ and =", root + "/production/%40connections/" + url.PathEscape(strings.TrimSuffix(id, "=")) + "%3D"},
	}
	for _, p := range paths {
		msg := `{"push":"` + p.name + `"}`
		if r := call(t, http.MethodPost, p.url, []byte(msg), sigv4.Clone()); r.status != 200 {
			t.Fatalf("%s: POST %s → %d %s", p.name, p.url, r.status, r.body)
		}
		if got := recv(t, ws); got != msg {
			t.Errorf("%s: client got %q", p.name, got)
		}
	}

	// Data that is not UTF-8 arrives as one binary frame.
	bin := []byte{0x00, 0xff, 0xfe, 'x'}
	if r := call(t, http.MethodPost, g.ConnectionsURL()+"/"+id, bin); r.status != 200 {
		t.Fatalf("binary POST → %d", r.status)
	}
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	mt, data, err := ws.ReadMessage()
	if err != nil || mt != websocket.BinaryMessage || !bytes.Equal(data, bin) {
		t.Errorf("binary POST: type %d data %v err %v", mt, data, err)
	}

	// An empty body is an empty text frame.
	if r := call(t, http.MethodPost, g.ConnectionsURL()+"/"+id, nil); r.status != 200 {
		t.Fatalf("empty POST → %d", r.status)
	}
	if got := recv(t, ws); got != "" {
		t.Errorf("empty POST: client got %q", got)
	}

	// Exactly 128 KB passes; one byte more is PayloadTooLargeException.
	big := bytes.Repeat([]byte("a"), 128*1024)
	if r := call(t, http.MethodPost, g.ConnectionsURL()+"/"+id, big); r.status != 200 {
		t.Fatalf("128 KB POST → %d %s", r.status, r.body)
	}
	if got := recv(t, ws); len(got) != len(big) {
		t.Errorf("128 KB POST: client got %d bytes", len(got))
	}
	r := call(t, http.MethodPost, g.ConnectionsURL()+"/"+id, append(big, 'a'))
	if r.status != 413 || r.errorType != "PayloadTooLargeException" || !isMessageBody(r.body) {
		t.Errorf("too large: %+v", r)
	}
	info, _ := g.Connection(id)
	if want := uint64(len(paths) + 3); info.FramesOut != want { // the paths, binary, empty, 128 KB
		t.Errorf("FramesOut %d, want %d", info.FramesOut, want)
	}
}

func isMessageBody(body string) bool {
	var v map[string]any
	if json.Unmarshal([]byte(body), &v) != nil || len(v) != 1 {
		return false
	}
	s, ok := v["message"].(string)
	return ok && s != ""
}

// TestConnectionsErrors checks the management API's errors as SDKs read
// them: the status, x-amzn-ErrorType and a {"message"} body, except 410,
// whose body is empty on AWS.
func TestConnectionsErrors(t *testing.T) {
	g := start(t, seedAPI())
	ws := dial(t, g)
	open := connectionID(t, g, ws)
	closedWS := dial(t, g)
	closed := connectionID(t, g, closedWS)
	closedWS.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(1000, ""))
	waitFor(t, "the close", func() bool { _, ok := g.Connection(closed); return !ok })
	unknown := "AAAAAAAAAAAAAAA="

	tests := []struct {
		name, method, id string
		status           int
		errorType        string
	}{
		{"POST unknown", http.MethodPost, unknown, 410, "GoneException"},
		{"GET unknown", http.MethodGet, unknown, 410, "GoneException"},
		{"DELETE unknown", http.MethodDelete, unknown, 410, "GoneException"},
		{"POST closed", http.MethodPost, closed, 410, "GoneException"},
		{"GET closed", http.MethodGet, closed, 410, "GoneException"},
		{"DELETE closed", http.MethodDelete, closed, 410, "GoneException"},
		{"POST malformed", http.MethodPost, "not-an-id", 400, "BadRequestException"},
		{"GET malformed", http.MethodGet, "abc", 400, "BadRequestException"},
		{"PUT", http.MethodPut, open, 404, "UnknownOperationException"},
		{"PATCH", http.MethodPatch, open, 404, "UnknownOperationException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, tt.method, g.ConnectionsURL()+"/"+url.PathEscape(tt.id), []byte("x"))
			wantBody := isMessageBody(r.body)
			if tt.status == http.StatusGone {
				wantBody = r.body == ""
			}
			if r.status != tt.status || r.errorType != tt.errorType || !wantBody {
				t.Errorf("got %d %q %s, want %d %s", r.status, r.errorType, r.body, tt.status, tt.errorType)
			}
		})
	}
	for _, path := range []string{"/production/@connections", "/production/@connections/", "/production/@connections/" + open + "/extra"} {
		if r := call(t, http.MethodPost, "http://"+g.Addr()+path, nil); r.status != 404 || r.errorType != "UnknownOperationException" {
			t.Errorf("POST %s: %+v", path, r)
		}
	}
	if r := call(t, http.MethodPost, "http://"+g.Addr()+"/other/@connections/"+open, nil); r.status != 403 {
		t.Errorf("another stage's @connections: %+v", r)
	}
	if r := call(t, http.MethodGet, g.ConnectionsURL()+"/"+open, nil); r.status != 200 {
		t.Errorf("the open connection: %+v", r)
	}
}

// TestGetConnection checks GetConnection's body: lower-camel keys, ISO 8601
// times, and no userAgent for a client that sent none.
func TestGetConnection(t *testing.T) {
	g := start(t, seedAPI())
	before := time.Now().Add(-time.Second)
	ws := dial(t, g, http.Header{"User-Agent": {"wscat/5"}})
	id := connectionID(t, g, ws)
	send(t, ws, `{"action":"message","messageId":1}`)
	recv(t, ws)

	r := call(t, http.MethodGet, g.ConnectionsURL()+"/"+id, nil)
	if r.status != 200 {
		t.Fatalf("GET → %+v", r)
	}
	var out struct {
		ConnectedAt  string `json:"connectedAt"`
		LastActiveAt string `json:"lastActiveAt"`
		Identity     struct {
			SourceIP  string  `json:"sourceIp"`
			UserAgent *string `json:"userAgent"`
		} `json:"identity"`
	}
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		t.Fatalf("%s: %v", r.body, err)
	}
	connectedAt, err1 := time.Parse(time.RFC3339Nano, out.ConnectedAt)
	lastActive, err2 := time.Parse(time.RFC3339Nano, out.LastActiveAt)
	if err1 != nil || err2 != nil || connectedAt.Before(before) || lastActive.Before(connectedAt) || !strings.HasSuffix(out.ConnectedAt, "Z") {
		t.Errorf("times %q %q", out.ConnectedAt, out.LastActiveAt)
	}
	if out.Identity.SourceIP != "127.0.0.1" || out.Identity.UserAgent == nil || *out.Identity.UserAgent != "wscat/5" {
		t.Errorf("identity %+v", out.Identity)
	}
	for _, key := range []string{`"connectedAt"`, `"identity"`, `"lastActiveAt"`, `"sourceIp"`, `"userAgent"`} {
		if !strings.Contains(r.body, key) {
			t.Errorf("body %s lacks %s", r.body, key)
		}
	}

	// No User-Agent: no userAgent key, as in the client's events (an SDK
	// shows the absent key as null).
	ws2 := dial(t, g, http.Header{"User-Agent": {""}})
	r = call(t, http.MethodGet, g.ConnectionsURL()+"/"+connectionID(t, g, ws2), nil)
	if strings.Contains(r.body, `"userAgent"`) || !strings.Contains(r.body, `"identity":{"sourceIp":"127.0.0.1"}`) {
		t.Errorf("no User-Agent: %s, want identity with sourceIp only", r.body)
	}
}

// TestDeleteConnection checks DELETE: 204, the client sees 1000, and the ID
// is gone afterwards.
func TestDeleteConnection(t *testing.T) {
	g := start(t, seedAPI())
	ws := dial(t, g)
	id := connectionID(t, g, ws)
	// A frame posted just before the delete still arrives first.
	if r := call(t, http.MethodPost, g.ConnectionsURL()+"/"+id, []byte("last words")); r.status != 200 {
		t.Fatal(r)
	}
	if r := call(t, http.MethodDelete, g.ConnectionsURL()+"/"+id, nil); r.status != 204 || r.body != "" {
		t.Fatalf("DELETE → %+v", r)
	}
	if got := recv(t, ws); got != "last words" {
		t.Errorf("before the close: %q", got)
	}
	if code, text := expectClose(t, ws); code != 1000 || text != "Connection Closed Normally" {
		t.Errorf("close %d %q", code, text)
	}
	if r := call(t, http.MethodDelete, g.ConnectionsURL()+"/"+id, nil); r.status != 410 {
		t.Errorf("second DELETE → %+v", r)
	}
	if err := g.PostToConnection(id, []byte("x")); !errors.Is(err, ErrGone) {
		t.Errorf("PostToConnection after delete: %v", err)
	}
}

// TestConnectionsList checks the Go API the window uses: Connections lists
// each client with its local address as RemoteAddr and counts its traffic.
func TestConnectionsList(t *testing.T) {
	g := start(t, seedAPI())
	a := dial(t, g, http.Header{"User-Agent": {"tab-a"}})
	b := dial(t, g)
	send(t, a, `{"action":"message","messageId":1}`)
	recv(t, a)
	list := g.Connections()
	if len(list) != 2 {
		t.Fatalf("%d connections", len(list))
	}
	var infoA ConnectionInfo
	for _, c := range list {
		if c.RemoteAddr == a.LocalAddr().String() {
			infoA = c
		}
	}
	want := ConnectionInfo{FramesIn: 1, FramesOut: 1, BytesIn: uint64(len(`{"action":"message","messageId":1}`)), BytesOut: uint64(len(`{"message": "Hello World"}`))}
	if infoA.UserAgent != "tab-a" || infoA.SourceIP != "127.0.0.1" || infoA.FramesIn != want.FramesIn || infoA.FramesOut != want.FramesOut ||
		infoA.BytesIn != want.BytesIn || infoA.BytesOut != want.BytesOut {
		t.Errorf("info %+v", infoA)
	}
	if err := g.PostToConnection(connectionID(t, g, b), []byte("to b")); err != nil {
		t.Fatal(err)
	}
	if got := recv(t, b); got != "to b" {
		t.Errorf("b got %q", got)
	}
	if err := g.PostToConnection("bad", nil); !errors.Is(err, ErrBadConnectionID) {
		t.Errorf("bad ID: %v", err)
	}
	if err := g.PostToConnection(infoA.ID, make([]byte, 128*1024+1)); !errors.Is(err, ErrPayloadTooLarge) {
		t.Errorf("too large: %v", err)
	}
}

// TestSlowClient checks that a client that stops reading gets
// LimitExceededException (429) once its queue is full and never stalls the
// gateway or other clients. WriteTimeout is long here so that the stalled
// write cannot time out while the queue fills, however slow the machine:
// with 300 ms, a loaded machine dropped the client (410) before the 429
// about 1 run in 5. TestSlowClientDropped checks the timeout.
func TestSlowClient(t *testing.T) {
	g := start(t, seedAPI(), Options{SendQueueFrames: 4, WriteTimeout: time.Minute})
	slow := dial(t, g) // closed before the gateway, which ends the stalled write
	slowID := connectionID(t, g, slow)
	fast := dial(t, g)

	if status := postUntilRefused(t, g, slowID); status != http.StatusTooManyRequests {
		t.Fatalf("a client that does not read: %d, want 429", status)
	}
	// The other client is answered while the slow one is stuck.
	send(t, fast, `{"action":"message","messageId":2}`)
	if got := recv(t, fast); got != `{"message": "Hi!"}` {
		t.Fatalf("fast client got %q", got)
	}
	if _, ok := g.Connection(slowID); !ok {
		t.Error("the slow client was dropped before its write timed out")
	}
}

// TestSlowClientDropped checks that a write blocked for WriteTimeout drops
// the client: $disconnect sees 1006 and @connections answers 410.
func TestSlowClientDropped(t *testing.T) {
	api := seedAPI()
	rec := withDisconnectRecorder(t, api)
	g := start(t, api, Options{SendQueueFrames: 4, WriteTimeout: 300 * time.Millisecond})
	slow := dial(t, g)
	slowID := connectionID(t, g, slow)

	// Post until the client is gone: a 429 only says the queue is full,
	// which may happen before the socket's buffers are and a write blocks.
	chunk := bytes.Repeat([]byte("z"), 128*1024)
	for i := 0; ; i++ {
		r := call(t, http.MethodPost, g.ConnectionsURL()+"/"+slowID, chunk)
		if r.status == http.StatusGone {
			break
		}
		if i == 5000 || r.status != http.StatusOK && r.status != http.StatusTooManyRequests {
			t.Fatalf("POST %d → %+v, want 200 or 429 until the client is dropped", i, r)
		}
		if r.status == http.StatusTooManyRequests {
			time.Sleep(5 * time.Millisecond) // the writer is blocked, or busy
		}
	}
	if code, _ := disconnectCause(t, rec); code != 1006 {
		t.Errorf("$disconnect code %d, want 1006", code)
	}
	if r := call(t, http.MethodPost, g.ConnectionsURL()+"/"+slowID, []byte("x")); r.status != 410 {
		t.Errorf("after the drop: %+v", r)
	}
}

// postUntilRefused posts 128 KB frames to a client that does not read until
// the gateway refuses one, and returns that status (429, or 410 if the
// client was dropped).
func postUntilRefused(t *testing.T, g *Gateway, id string) int {
	t.Helper()
	chunk := bytes.Repeat([]byte("z"), 128*1024)
	for i := 0; i < 2000; i++ {
		r := call(t, http.MethodPost, g.ConnectionsURL()+"/"+id, chunk)
		switch {
		case r.status == http.StatusOK:
		case r.status == http.StatusTooManyRequests && r.errorType == "LimitExceededException", r.status == http.StatusGone:
			return r.status
		default:
			t.Fatalf("POST %d → %+v", i, r)
		}
	}
	t.Fatal("2000 posts to a client that does not read were all accepted")
	return 0
}

// TestTLS checks wss:// and https:// with the workbench's certificate.
func TestTLS(t *testing.T) {
	cert, err := tlscert.Ensure(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	g := start(t, seedAPI(), Options{TLS: cert.ServerConfig()})
	if !strings.HasPrefix(g.URL(), "wss://127.0.0.1:") || !strings.HasPrefix(g.ConnectionsURL(), "https://127.0.0.1:") {
		t.Fatalf("URLs %s %s", g.URL(), g.ConnectionsURL())
	}
	d := websocket.Dialer{TLSClientConfig: cert.ClientConfig()}
	ws, _, err := d.Dial(g.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	send(t, ws, `{"action":"message","messageId":1}`)
	if got := recv(t, ws); got != `{"message": "Hello World"}` {
		t.Fatalf("got %q", got)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: cert.ClientConfig()}}
	defer client.CloseIdleConnections()
	resp, err := client.Post(g.ConnectionsURL()+"/"+connectionID(t, g, ws), "text/plain", strings.NewReader("over https"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := recv(t, ws); resp.StatusCode != 200 || got != "over https" {
		t.Errorf("POST: %d, client got %q", resp.StatusCode, got)
	}
	ws.WriteMessage(websocket.BinaryMessage, []byte{1})
	if code, _ := expectClose(t, ws); code != 1003 {
		t.Errorf("close %d over TLS", code)
	}
}

// TestFramesOutCountedBeforeDelivery checks that a frame a client has
// received is already in FramesOut and BytesOut: the counters were bumped
// after WriteMessage returned, so a client could read a frame before it was
// counted (TestPostToConnection failed about 1 run in 11 on that).
func TestFramesOutCountedBeforeDelivery(t *testing.T) {
	g := start(t, seedAPI())
	ws := dial(t, g)
	id := connectionID(t, g, ws)
	for i := 1; i <= 300; i++ {
		if err := g.PostToConnection(id, []byte("x")); err != nil {
			t.Fatal(err)
		}
		recv(t, ws)
		if info, _ := g.Connection(id); info.FramesOut != uint64(i) || info.BytesOut != uint64(i) {
			t.Fatalf("after frame %d reached the client: FramesOut %d, BytesOut %d", i, info.FramesOut, info.BytesOut)
		}
	}
}
