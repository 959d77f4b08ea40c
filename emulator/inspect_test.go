package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
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
