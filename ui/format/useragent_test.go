package format

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestShortUserAgent: real User-Agent headers of browsers and WebSocket
// tools, in a few words.
func TestShortUserAgent(t *testing.T) {
	for _, tc := range []struct{ name, ua, want string }{
		{"chrome linux", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome 131 · Linux"},
		{"chrome windows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome 131 · Windows"},
		{"chrome mac", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome 131 · macOS"},
		{"chrome android", "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome 131 · Android"},
		{"chrome ios", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1", "Chrome 131 · iOS"},
		{"chromeos", "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome 131 · ChromeOS"},
		{"headless chrome", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36", "HeadlessChrome 120 · Linux"},
		{"firefox windows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox 133 · Windows"},
		{"firefox linux", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox 128 · Linux"},
		{"firefox ubuntu", "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox 133 · Linux"},
		{"firefox ios", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15", "Firefox 133 · iOS"},
		{"safari mac", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari 18 · macOS"},
		{"safari ipad", "Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", "Safari 17 · iOS"},
		{"edge", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86", "Edge 131 · Windows"},
		{"opera", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36 OPR/114.0.0.0", "Opera 114 · Windows"},
		{"samsung", "Mozilla/5.0 (Linux; Android 13; SM-S901B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36", "Samsung Internet 23 · Android"},
		{"unknown mozilla", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Mozilla"},
		{"wscat", "wscat/5.2.0", "wscat"},
		{"node", "node", "node"},
		{"undici", "undici", "undici"},
		{"go", "Go-http-client/1.1", "Go-http-client"},
		{"python websockets", "Python/3.12 websockets/13.1", "Python"},
		{"curl", "curl/8.5.0", "curl"},
		{"long product", "an-extremely-long-product-name-that-goes-on/1.0 extra", "an-extremely-long-product-name-…"},
		{"spaces only", "   \t ", ""},
		{"empty", "", ""},
		{"control characters", "wscat\x00/5\nx", "wscat"},
		{"invalid utf-8", "\xff\xfenode/1", "node"},
		{"no version", "Mozilla/5.0 (X11; Linux x86_64) Firefox/", "Firefox · Linux"},
		{"odd version", "Mozilla/5.0 (Windows NT 10.0) Chrome/abc.1", "Chrome · Windows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ShortUserAgent(tc.ua); got != tc.want {
				t.Errorf("ShortUserAgent(%q) = %q, want %q", tc.ua, got, tc.want)
			}
		})
	}
}

// FuzzShortUserAgent: whatever a client sends as its User-Agent, the
// short form is printable UTF-8 of at most maxAgentRunes runes, without
// line breaks, and empty only when the header has nothing printable.
func FuzzShortUserAgent(f *testing.F) {
	for _, s := range []string{
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
		"wscat/5.2.0", "node", "", "Mozilla/", "Mozilla/5.0 (", "Mozilla/5.0 (Windows) Chrome/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ua string) {
		got := ShortUserAgent(ua)
		if !utf8.ValidString(got) {
			t.Fatalf("ShortUserAgent(%q) = %q: not UTF-8", ua, got)
		}
		if n := utf8.RuneCountInString(got); n > maxAgentRunes {
			t.Fatalf("ShortUserAgent(%q) = %q: %d runes", ua, got, n)
		}
		for _, r := range got {
			if !unicode.IsPrint(r) {
				t.Fatalf("ShortUserAgent(%q) = %q: holds %U", ua, got, r)
			}
		}
		if got == "" && strings.TrimSpace(printable(ua)) != "" {
			t.Fatalf("ShortUserAgent(%q) is empty", ua)
		}
		if got != strings.TrimSpace(got) {
			t.Fatalf("ShortUserAgent(%q) = %q: spaces around it", ua, got)
		}
	})
}
