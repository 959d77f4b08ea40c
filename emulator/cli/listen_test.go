package cli

import (
	"net"
	"strings"
	"testing"
)

// TestNetworkWarning is issue 9 item 6: --listen 0.0.0.0 said nothing and
// printed only ws://127.0.0.1, while the unauthenticated @connections API
// was open to the network.
func TestNetworkWarning(t *testing.T) {
	ifaces := []net.Addr{
		&net.IPNet{IP: net.IPv4(127, 0, 0, 1), Mask: net.CIDRMask(8, 32)},
		&net.IPNet{IP: net.IPv4(192, 168, 1, 5), Mask: net.CIDRMask(24, 32)},
		&net.IPNet{IP: net.ParseIP("fe80::1"), Mask: net.CIDRMask(64, 128)},
		&net.IPNet{IP: net.ParseIP("2001:db8::5"), Mask: net.CIDRMask(64, 128)},
	}
	const url = "ws://127.0.0.1:8080/production"
	tests := []struct {
		name, addr string
		ifaces     []net.Addr
		want       []string // substrings, in order; none: no warning
		not        []string
	}{
		{name: "loopback", addr: "127.0.0.1:8080", ifaces: ifaces},
		{name: "IPv6 loopback", addr: "[::1]:8080", ifaces: ifaces},
		{name: "IPv4 any", addr: "0.0.0.0:8080", ifaces: ifaces,
			want: []string{"warning: listening on all interfaces, port 8080", "@connections API, which has no authentication", "its addresses:", "ws://192.168.1.5:8080/production", "ws://[2001:db8::5]:8080/production"},
			not:  []string{"127.0.0.1", "fe80"}},
		{name: "IPv6 any", addr: "[::]:8080", ifaces: ifaces,
			want: []string{"warning: listening on all interfaces", "ws://192.168.1.5:8080/production", "ws://[2001:db8::5]:8080/production"}, not: []string{"fe80"}},
		{name: "any, no address to name", addr: "0.0.0.0:8080", ifaces: nil, want: []string{"warning: listening on all interfaces"}, not: []string{"its addresses"}},
		{name: "one interface", addr: "192.168.1.5:8080", ifaces: ifaces, want: []string{"warning: listening on 192.168.1.5:8080, reachable"}, not: []string{"all interfaces"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := networkWarning(tt.addr, url, tt.ifaces)
			if len(tt.want) == 0 {
				if got != "" {
					t.Fatalf("warning %q for a loopback address", got)
				}
				return
			}
			rest := got
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("warning %q lacks %q (in order)", got, w)
				}
				rest = rest[i+len(w):]
			}
			for _, n := range tt.not {
				if strings.Contains(got, n) {
					t.Errorf("warning %q names %q", got, n)
				}
			}
		})
	}
}
