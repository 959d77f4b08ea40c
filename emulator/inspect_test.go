package emulator

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestInspectConnections: GET /@wsworkbench/connections lists each open
// connection with the address it came from; other methods and paths under
// the prefix are refused.
func TestInspectConnections(t *testing.T) {
	g := start(t, seedAPI())
	ws := dial(t, g)
	id := connectionID(t, g, ws)
	base := "http://" + g.Addr() + "/@wsworkbench/"

	resp, err := http.Get(base + "connections")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list []struct {
		ConnectionID string `json:"connectionId"`
		RemoteAddr   string `json:"remoteAddr"`
		SourceIP     string `json:"sourceIp"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, %v", resp.StatusCode, err)
	}
	if len(list) != 1 || list[0].ConnectionID != id || list[0].RemoteAddr != ws.LocalAddr().String() || list[0].SourceIP != "127.0.0.1" {
		t.Fatalf("list %+v, want %s from %s", list, id, ws.LocalAddr())
	}

	for _, tt := range []struct {
		method, path string
		status       int
	}{
		{http.MethodPost, "connections", http.StatusMethodNotAllowed},
		{http.MethodGet, "nothing", http.StatusNotFound},
		{http.MethodGet, "", http.StatusNotFound},
	} {
		req, _ := http.NewRequest(tt.method, base+tt.path, strings.NewReader(""))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("%s %s: %d, want %d", tt.method, tt.path, resp.StatusCode, tt.status)
		}
	}
}

// TestInspectConnectionActions: a CI job closes (with a chosen code), drops
// or times out one connection through POST /@wsworkbench/connections/{id}/...
func TestInspectConnectionActions(t *testing.T) {
	g := start(t, seedAPI())
	post := func(id, action string) int {
		resp, err := http.Post("http://"+g.Addr()+"/@wsworkbench/connections/"+id+"/"+action, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	ws := dial(t, g)
	if s := post(connectionID(t, g, ws), "close?code=1011&reason=broken"); s != http.StatusNoContent {
		t.Fatalf("close: %d", s)
	}
	if code, text := expectClose(t, ws); code != 1011 || text != "broken" {
		t.Errorf("close %d %q", code, text)
	}
	ws = dial(t, g)
	if s := post(connectionID(t, g, ws), "drop"); s != http.StatusNoContent {
		t.Fatalf("drop: %d", s)
	}
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	var ce *websocket.CloseError
	if _, _, err := ws.ReadMessage(); !errors.As(err, &ce) || ce.Code != websocket.CloseAbnormalClosure {
		t.Errorf("after drop: %v", err)
	}
	ws = dial(t, g)
	id := connectionID(t, g, ws)
	if s := post(id, "close?code=1005"); s != http.StatusBadRequest {
		t.Errorf("close 1005: %d", s)
	}
	if s := post(id, "idle"); s != http.StatusNoContent {
		t.Fatalf("idle: %d", s)
	}
	if code, _ := expectClose(t, ws); code != 1001 {
		t.Errorf("idle close %d", code)
	}
	if s := post("AAAAAAAAAAAAAAA=", "drop"); s != http.StatusNotFound {
		t.Errorf("unknown: %d", s)
	}
}
