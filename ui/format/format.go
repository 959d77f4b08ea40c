// Package format writes the numbers the window's panels show: sizes, times,
// counts, and reads the comma-separated lists their fields take. It has no
// Fyne import, so every panel package can share it.
package format

import (
	"fmt"
	"strings"
	"time"
)

// Size writes a byte count: "26 B", "1.5 KB", "2.0 MB".
func Size(n int) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
}

// Duration writes a round trip or a step's time: "0.37 ms", "12.5 ms",
// "1.20 s".
func Duration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// Plural writes "1 message", "2 messages".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Ago says roughly how long before now t was: "just now", "5s ago",
// "3m ago", or the time of day; "never" for the zero time.
func Ago(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < time.Second:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	}
	return t.Format("15:04:05")
}

// Unread is the mark a tab's title gets for n frames nobody has seen yet:
// "" for none, " (3 new)", " (99+ new)" from 100 on.
func Unread(n int) string {
	switch {
	case n >= 100:
		return " (99+ new)"
	case n > 0:
		return fmt.Sprintf(" (%d new)", n)
	}
	return ""
}

// Details are what a connection's upgrade request said, those parts it
// had: "origin http://localhost:3000 · user agent wscat/5 · subprotocol
// json · query ?room=1".
func Details(origin, userAgent, subprotocol, query string) string {
	var parts []string
	add := func(name, v string) {
		if v != "" {
			parts = append(parts, name+" "+v)
		}
	}
	add("origin", origin)
	add("user agent", userAgent)
	add("subprotocol", subprotocol)
	if query != "" {
		parts = append(parts, "query ?"+query)
	}
	return strings.Join(parts, " · ")
}

// ErrorText is err's message with its first letter capitalised, for a
// label or a dialog.
func ErrorText(err error) string {
	s := err.Error()
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// SplitList splits a comma-separated list, dropping blanks.
func SplitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
