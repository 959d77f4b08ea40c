package emulator

import (
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"testing"

	"wsworkbench/emulator/model"
)

// TestDomainNameIsTheGatewaysOwn is issue 9 item 6: backends post to
// https://{domainName}/{stage}/@connections, so domainName must be where
// the gateway listens (or the configured name), never the Host header a
// client (or a web page, by DNS rebinding) chose.
func TestDomainNameIsTheGatewaysOwn(t *testing.T) {
	tests := []struct {
		name   string
		opts   Options
		want   func(g *Gateway) string
		header http.Header
	}{
		{name: "listening address", want: (*Gateway).Addr, header: http.Header{"Host": {"attacker.example:9999"}}},
		{name: "configured name", opts: Options{DomainName: "gw.test:8443"}, want: func(*Gateway) string { return "gw.test:8443" },
			header: http.Header{"Host": {"attacker.example:9999"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ti, uri := newTestIntegration(t, 200)
			api := seedAPI()
			api.Routes = append(api.Routes, model.Route{Key: "rec", IntegrationID: "Rec"})
			api.Routes[0].IntegrationID = "Rec"
			api.Integrations = append(api.Integrations, model.Integration{ID: "Rec", Type: typeTest, URI: uri})
			g := start(t, api, tt.opts)
			ws := dial(t, g, tt.header)
			send(t, ws, `{"action":"rec"}`)
			waitFor(t, "the message", func() bool { return len(ti.requests()) == 2 })
			want := tt.want(g)
			for i, r := range ti.requests() {
				if r.Context.DomainName != want {
					t.Errorf("%s: domainName %q, want %q", r.Context.EventType, r.Context.DomainName, want)
				}
				if got := r.Context.Map()["domainName"]; got != want {
					t.Errorf("request %d: $context.domainName %q, want %q", i, got, want)
				}
			}
		})
	}
}

// TestConnectionIDsCannotBeGuessed is issue 9 item 6: a connection ID is
// all @connections asks for, and IDs were an invertible counter plus 16
// random bits. Every bit of a connection ID but the kind must vary, and
// knowing one ID (and the generator's constants) must not give the next.
func TestConnectionIDsCannotBeGuessed(t *testing.T) {
	g := newIDGen()
	decode := func(id string) [11]byte {
		var b [11]byte
		if _, err := base64.URLEncoding.Decode(b[:], []byte(id)); err != nil {
			t.Fatal(err)
		}
		return b
	}
	var ones, zeros [11]byte // bits seen set, bits seen clear
	prev, _ := g.connectionID()
	for range 2000 {
		id, tail := g.connectionID()
		if !validConnectionID(id) || id[11] != 'C' {
			t.Fatalf("%q is not a connection ID", id)
		}
		b := decode(id)
		if [2]byte{b[9], b[10]} != tail {
			t.Fatalf("the tail of %q is not %x", id, tail)
		}
		for i := range b {
			ones[i] |= b[i]
			zeros[i] |= ^b[i]
		}
		// The attack on the old generator: undo the multiplication to get
		// the counter, and the next ID's first six bytes follow.
		p := decode(prev)
		var n uint64
		for _, c := range p[:6] {
			n = n<<8 | uint64(c)
		}
		next := ((n*inverse48(idScramble) + 1) * idScramble) & (1<<48 - 1)
		var guess [6]byte
		for i := range guess {
			guess[i] = byte(next >> (40 - 8*i))
		}
		if [6]byte(b[:6]) == guess {
			t.Fatalf("%q follows from the previous connection ID %q", id, prev)
		}
		prev = id
	}
	if id, tail := g.connectionID(); g.messageID(tail)[12:] != id[12:] {
		t.Errorf("a message ID does not end like its connection's %q", id)
	}
	for i := range ones {
		fixed := ^(ones[i] & zeros[i])
		if i == 8 {
			fixed &^= 0x3F // the kind
		}
		if fixed != 0 {
			t.Errorf("byte %d: bits %08b are the same in every connection ID", i, fixed)
		}
	}
}

// inverse48 returns the inverse of the odd number a modulo 2^48.
func inverse48(a uint64) uint64 {
	x := a // Newton's iteration: each step doubles the correct low bits
	for range 6 {
		x *= 2 - a*x
	}
	return x & (1<<48 - 1)
}

// TestInspectRefusesForeignHosts: GET /@wsworkbench/connections hands out
// every connection ID. A web page that points its own name at 127.0.0.1
// (DNS rebinding) may read what it fetches from "its" origin, so the list
// answers only requests addressed to an IP, localhost or the configured name.
func TestInspectRefusesForeignHosts(t *testing.T) {
	g := start(t, seedAPI(), Options{DomainName: "gw.test:8443"})
	_, port, _ := net.SplitHostPort(g.Addr())
	for _, tt := range []struct {
		host   string
		status int
	}{
		{g.Addr(), http.StatusOK},
		{"localhost:" + port, http.StatusOK},
		{"LOCALHOST", http.StatusOK},
		{"[::1]:" + port, http.StatusOK},
		{"gw.test:" + port, http.StatusOK},
		{"attacker.example:" + port, http.StatusForbidden},
		{"localhost.attacker.example:" + port, http.StatusForbidden},
	} {
		req, _ := http.NewRequest(http.MethodGet, "http://"+g.Addr()+"/@wsworkbench/connections", nil)
		req.Host = tt.host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("Host %q: %d, want %d", tt.host, resp.StatusCode, tt.status)
		}
	}
}
