package cli

import (
	"net"
	"strings"
)

// networkWarning returns what serve says on stderr when the gateway listens
// beyond loopback, "" when it does not. addr is the listening address
// ("0.0.0.0:8080"), wsURL the URL serve prints (ws://127.0.0.1:8080/production)
// and ifaces the machine's interface addresses (net.InterfaceAddrs): with an
// unspecified address the warning says all interfaces and gives the URL on
// each address other machines can use.
func networkWarning(addr, wsURL string, ifaces []net.Addr) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	ip := net.ParseIP(host)
	if ip != nil && ip.IsLoopback() {
		return ""
	}
	const exposed = ", reachable from the network: anyone who can reach this machine can connect, and the @connections API, which has no authentication, lets them send to, inspect and close every connection"
	if ip != nil && !ip.IsUnspecified() {
		return "warning: listening on " + addr + exposed
	}
	var b strings.Builder
	b.WriteString("warning: listening on all interfaces, port " + port + exposed)
	scheme, rest, _ := strings.Cut(wsURL, "://")
	path := ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		path = rest[i:]
	}
	var urls []string
	for _, a := range ifaces {
		// Go listens on IPv4 and IPv6 for 0.0.0.0 as for ::, where the
		// system allows.
		n, ok := a.(*net.IPNet)
		if !ok || n.IP.IsLoopback() || n.IP.IsLinkLocalUnicast() || n.IP.IsMulticast() {
			continue
		}
		urls = append(urls, scheme+"://"+net.JoinHostPort(n.IP.String(), port)+path)
	}
	if len(urls) > 0 {
		b.WriteString("; its addresses:")
		for _, u := range urls {
			b.WriteString("\n  " + u)
		}
	}
	return b.String()
}
