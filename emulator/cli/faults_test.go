package cli

import (
	"bufio"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// roundTrip sends the sample's message and times its answer.
func roundTrip(t *testing.T, wsURL string) time.Duration {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(wsURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	t0 := time.Now()
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"message","messageId":1}`)); err != nil {
		t.Fatal(err)
	}
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, data, err := ws.ReadMessage(); err != nil || string(data) != `{"message": "Hello World"}` {
		t.Fatalf("answer %q, %v", data, err)
	}
	return time.Since(t0)
}

// TestServeFaultsFromFileAndFlags: the same latency set in the workspace's
// Metadata and with --fault-latency slows serve's answers the same way;
// --no-faults turns the file's off; --fault-refuse refuses connects.
func TestServeFaultsFromFileAndFlags(t *testing.T) {
	src, err := os.ReadFile("../../assets/sample.yaml")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "faulty.yaml")
	meta := "Metadata:\n  wsworkbench:\n    faults:\n      messages:\n        - route: message\n          latency: 300ms\n"
	if err := os.WriteFile(file, append(src, meta...), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		args []string
		slow bool
	}{
		{"metadata", []string{file}, true},
		{"flag", []string{"--fault-latency", "300ms", "sample"}, true},
		{"no-faults", []string{"--no-faults", file}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := startServe(t, append([]string{"--log", "none"}, tt.args...)...)
			wsURL, _ := s.urls(t)
			took := roundTrip(t, wsURL)
			if tt.slow && took < 300*time.Millisecond {
				t.Errorf("answered in %v, want at least 300ms", took)
			}
			if !tt.slow && took >= 300*time.Millisecond {
				t.Errorf("answered in %v with the faults off", took)
			}
			_ = s.cmd.Process.Signal(syscall.SIGTERM)
			<-s.wait
			if tt.slow && !strings.Contains(s.stderr.String(), "faults: on") {
				t.Errorf("stderr does not say faults are on:\n%s", s.stderr)
			}
		})
	}
	t.Run("refuse", func(t *testing.T) {
		s := startServe(t, "--log", "none", "--fault-refuse", "429", "sample")
		wsURL, _ := s.urls(t)
		_, resp, err := websocket.DefaultDialer.Dial(wsURL, nil)
		if err == nil || resp == nil || resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("dial: %v, %v", err, resp)
		}
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		<-s.wait
	})
}

// TestServeTranscript: a CI job fetches one connection's transcript from a
// running serve, after the connection closed.
func TestServeTranscript(t *testing.T) {
	s := startServe(t, "--log", "none", "sample")
	wsURL, connURL := s.urls(t)
	ws, _, err := websocket.DefaultDialer.Dial(wsURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"whoami"}`))
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, who, err := ws.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	id := between(string(who), `"connectionId": "`, `"`)
	ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(1000, ""))
	ws.ReadMessage()
	ws.Close()
	base := strings.TrimSuffix(connURL, "/production/@connections")
	var lines []string
	for deadline := time.Now().Add(5 * time.Second); ; {
		resp, err := http.Get(base + "/@wsworkbench/connections/" + id + "/transcript")
		if err != nil {
			t.Fatal(err)
		}
		lines = lines[:0]
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		resp.Body.Close()
		if len(lines) > 0 && strings.Contains(lines[len(lines)-1], "closed 1000") || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(lines) != 4 || !strings.Contains(lines[1], `"dir":"in"`) || !strings.Contains(lines[2], `"dir":"out"`) || !strings.Contains(lines[3], "closed 1000") {
		t.Fatalf("transcript of %s:\n%s", id, strings.Join(lines, "\n"))
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.wait
}

func between(s, a, b string) string {
	_, rest, _ := strings.Cut(s, a)
	v, _, _ := strings.Cut(rest, b)
	return v
}
