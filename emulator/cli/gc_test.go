package cli

import (
	"strings"
	"syscall"
	"testing"
)

// TestHeapFloorFollowsEnvironment checks that serve's heap floor is held
// while any serve runs, released by the last, and left out when the user
// tunes the collector.
func TestHeapFloorFollowsEnvironment(t *testing.T) {
	held := func() bool {
		heapFloor.Lock()
		defer heapFloor.Unlock()
		return len(heapFloor.b) == heapFloorBytes
	}
	for _, env := range [][2]string{{"GOGC", "150"}, {"GOMEMLIMIT", "1GiB"}} {
		t.Run(env[0], func(t *testing.T) {
			t.Setenv(env[0], env[1])
			release := holdHeapFloor()
			if held() {
				t.Errorf("%s=%s: the floor is held; the user's setting should rule alone", env[0], env[1])
			}
			release()
		})
	}
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	first, second := holdHeapFloor(), holdHeapFloor()
	if !held() {
		t.Fatal("no floor while two serves run")
	}
	first()
	first() // a second call does nothing
	if !held() {
		t.Fatal("the floor went with the first serve while the second runs")
	}
	second()
	if held() {
		t.Fatal("the floor outlives the last serve")
	}
}

// TestServeHeapFloorSpacesCollections runs the real binary with the Go
// runtime's collection trace on and counts the collections while a client
// sends 40 MB of messages: with the heap floor, a fraction of those at Go's
// default pacing (GOGC=100 set, which turns the floor off).
func TestServeHeapFloorSpacesCollections(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 40 MB through the real binary twice")
	}
	msg := `{"action":"message","messageId":1,"pad":"` + strings.Repeat("x", 20<<10) + `"}`
	collections := func(gogc string) int {
		s := startServeEnv(t, []string{"GODEBUG=gctrace=1", "GOGC=" + gogc, "GOMEMLIMIT="}, "--log", "none", "sample")
		wsURL, _ := s.urls(t)
		ws, got := dial(t, wsURL, msg)
		for i := 1; i < 2000; i++ {
			if err := ws.WriteMessage(1, []byte(msg)); err != nil {
				t.Fatal(err)
			}
			if _, got2, err := ws.ReadMessage(); err != nil || string(got2) != got {
				t.Fatalf("answer %d: %q, %v; want %q", i, got2, err, got)
			}
		}
		s.stop(t, ws, syscall.SIGTERM)
		n := 0
		for l := range strings.Lines(s.stderr.String()) {
			if strings.HasPrefix(l, "gc ") {
				n++
			}
		}
		return n
	}
	plain, floor := collections("100"), collections("")
	t.Logf("collections: %d at GOGC=100, %d with the floor", plain, floor)
	if plain < 4 || floor*2 > plain {
		t.Errorf("collections: %d at GOGC=100, %d with the floor; want at least 4 and at most half of them", plain, floor)
	}
}
