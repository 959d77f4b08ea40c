package cli

import (
	"fmt"
	"net"
	"strings"
)

// networkWarning returns what serve says on stderr when the gateway listens
// beyond loopback, "" when it does not. addr is the listening address
// ("0.0.0.0:8080"), wsURL the URL serve prints (ws://127.0.0.1:8080/production)
// and ifaces the machine's interface addresses (net.InterfaceAddrs): with an
// unspecified address the warning names each address other machines can use,
// or says all interfaces when there is none to name.
func networkWarning(addr, wsURL string, ifaces []net.Addr) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	ip := net.ParseIP(host)
	if ip != nil && ip.IsLoopback() {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "warning: listening on %s, reachable from the network: anyone who can reach this machine can connect, and the @connections API, which has no authentication, lets them send to, inspect and close every connection", addr)
	if ip == nil || !ip.IsUnspecified() {
		return b.String()
	}
	scheme, rest, _ := strings.Cut(wsURL, "://")
	path := ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		path = rest[i:]
	}
	var urls []string
	for _, a := range ifaces {
		n, ok := a.(*net.IPNet)
		if !ok || n.IP.IsLoopback() || n.IP.IsLinkLocalUnicast() || n.IP.IsMulticast() {
			continue
		}
		if ip.To4() != nil && n.IP.To4() == nil {
			continue // 0.0.0.0 serves IPv4 only; :: (or no host) serves both
		}
		urls = append(urls, scheme+"://"+net.JoinHostPort(n.IP.String(), port)+path)
	}
	if len(urls) == 0 {
		b.WriteString("\nlistening on all interfaces")
		return b.String()
	}
	b.WriteString("\nlistening on all interfaces:")
	for _, u := range urls {
		b.WriteString("\n  " + u)
	}
	return b.String()
}
