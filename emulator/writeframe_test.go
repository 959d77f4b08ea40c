package emulator

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestAppendFrameHeader checks the gateway's data-frame headers against
// RFC 6455, 5.2: FIN and the opcode, then the length in 7 bits, or 126 and
// 16 bits, or 127 and 64 bits (big-endian), no mask from a server.
func TestAppendFrameHeader(t *testing.T) {
	tests := []struct {
		typ, n int
		want   []byte
	}{
		{websocket.TextMessage, 0, []byte{0x81, 0}},
		{websocket.TextMessage, 125, []byte{0x81, 125}},
		{websocket.BinaryMessage, 126, []byte{0x82, 126, 0, 126}},
		{websocket.TextMessage, 65535, []byte{0x81, 126, 0xff, 0xff}},
		{websocket.TextMessage, 65536, []byte{0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0}},
		{websocket.TextMessage, 128 << 10, []byte{0x81, 127, 0, 0, 0, 0, 0, 2, 0, 0}},
	}
	for _, tt := range tests {
		if got := appendFrameHeader(nil, tt.typ, tt.n); !bytes.Equal(got, tt.want) {
			t.Errorf("type %d, %d bytes: % x, want % x", tt.typ, tt.n, got, tt.want)
		}
	}
}

// TestDataFrameLengths posts payloads at each boundary of the frame
// header's length forms through @connections and checks that a gorilla
// client reads each back whole, in order, on a connection that keeps
// working (an answer to a message after them).
func TestDataFrameLengths(t *testing.T) {
	g := start(t, seedAPI())
	ws := dial(t, g)
	id := connectionID(t, g, ws)
	for _, n := range []int{1, 125, 126, 127, 1000, 65535, 65536, 100000} {
		msg := strings.Repeat(string(rune('a'+n%26)), n)
		if r := call(t, http.MethodPost, g.ConnectionsURL()+"/"+id, []byte(msg)); r.status != 200 {
			t.Fatalf("%d bytes: POST → %d %s", n, r.status, r.body)
		}
		if got := recv(t, ws); got != msg {
			t.Fatalf("%d bytes: client got %d bytes", n, len(got))
		}
	}
	send(t, ws, `{"action":"message","messageId":2}`)
	if got := recv(t, ws); got != `{"message": "Hi!"}` {
		t.Fatalf("answer after the posts: %q", got)
	}
}

// TestNoDataFrameAfterClose checks that once a close frame went out (as
// gorilla's close reply or the gateway's own close writes it), a data
// frame is refused with websocket.ErrCloseSent and nothing more reaches the
// client, as gorilla's own writer refuses after its close.
func TestNoDataFrameAfterClose(t *testing.T) {
	server, client := net.Pipe()
	defer client.Close()
	l := newLimitConn(server, nil)
	got := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(client)
		got <- b
	}()
	if err := l.release(time.Time{}); err != nil {
		t.Fatal(err)
	}
	closeFrame := []byte{0x88, 2, 0x03, 0xe8} // 1000
	if _, err := l.Write(closeFrame); err != nil {
		t.Fatal(err)
	}
	if err := l.writeFrame(websocket.TextMessage, []byte("late"), time.Now().Add(time.Second)); !errors.Is(err, websocket.ErrCloseSent) {
		t.Errorf("a data frame after the close: %v, want ErrCloseSent", err)
	}
	server.Close()
	if b := <-got; !bytes.Equal(b, closeFrame) {
		t.Errorf("the client read % x, want only the close frame % x", b, closeFrame)
	}
}
