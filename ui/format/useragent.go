package format

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxAgentRunes bounds what ShortUserAgent returns.
const maxAgentRunes = 32

// browsers are the products in a browser's user agent that name it, in
// the order to look for them (Edge and Opera also say Chrome; Chrome also
// says Safari), with the name to show.
var browsers = []struct{ product, name string }{
	{"Edg", "Edge"},
	{"EdgA", "Edge"},
	{"EdgiOS", "Edge"},
	{"OPR", "Opera"},
	{"SamsungBrowser", "Samsung Internet"},
	{"Firefox", "Firefox"},
	{"FxiOS", "Firefox"},
	{"CriOS", "Chrome"},
	{"HeadlessChrome", "HeadlessChrome"},
	{"Chrome", "Chrome"},
	{"Version", "Safari"}, // Safari's own version; its Safari/ product is WebKit's
}

// systems name the operating system from words in a browser's first
// comment, in the order to look for them (Android says Linux; iOS says
// "like Mac OS X").
var systems = []struct{ word, name string }{
	{"Windows", "Windows"},
	{"Android", "Android"},
	{"iPhone", "iOS"},
	{"iPad", "iOS"},
	{"iPod", "iOS"},
	{"CrOS", "ChromeOS"},
	{"Mac OS X", "macOS"},
	{"Macintosh", "macOS"},
	{"Linux", "Linux"},
	{"X11", "Linux"},
	{"FreeBSD", "FreeBSD"},
}

// ShortUserAgent is a User-Agent header in a few words, for a list row:
// a browser's name, major version and system ("Chrome 131 · Linux",
// "Firefox 133 · Windows", "Safari 17 · macOS"), or else the name of the
// first product ("wscat", "node", "Go-http-client"). It is at most
// maxAgentRunes runes of printable text, whatever the header holds; ""
// when it holds nothing printable. The full header belongs in the
// connection's details.
func ShortUserAgent(ua string) string {
	ua = printable(ua)
	fields := strings.Fields(ua)
	if len(fields) == 0 {
		return ""
	}
	first, _, _ := strings.Cut(fields[0], "/")
	out := first
	if first == "Mozilla" {
		out = browser(fields)
		if sys := system(ua); sys != "" {
			out += " · " + sys
		}
	}
	if out == "" {
		out = fields[0]
	}
	if r := []rune(out); len(r) > maxAgentRunes {
		out = string(r[:maxAgentRunes-1]) + "…"
	}
	return out
}

// browser is the name and major version of the browser whose user agent
// has the products fields, or "Mozilla" when none is known.
func browser(fields []string) string {
	for _, b := range browsers {
		for _, f := range fields {
			name, ver, ok := strings.Cut(f, "/")
			if !ok || name != b.product {
				continue
			}
			major, _, _ := strings.Cut(ver, ".")
			if major == "" || strings.Trim(major, "0123456789") != "" {
				return b.name
			}
			return b.name + " " + major
		}
	}
	return "Mozilla"
}

// system is the operating system a browser's first comment names, or "".
func system(ua string) string {
	_, comment, ok := strings.Cut(ua, "(")
	if !ok {
		return ""
	}
	comment, _, _ = strings.Cut(comment, ")")
	for _, s := range systems {
		if strings.Contains(comment, s.word) {
			return s.name
		}
	}
	return ""
}

// printable is s as valid UTF-8 with every control or invisible character
// turned into a space.
func printable(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	return strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return ' '
		}
		return r
	}, s)
}
