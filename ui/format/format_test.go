package format

import (
	"testing"
	"time"
)

func TestFormats(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ name, got, want string }{
		{"bytes", Size(26), "26 B"},
		{"kilobytes", Size(1536), "1.5 KB"},
		{"megabytes", Size(2 << 20), "2.0 MB"},
		{"sub-millisecond", Duration(370 * time.Microsecond), "0.37 ms"},
		{"milliseconds", Duration(12500 * time.Microsecond), "12.5 ms"},
		{"seconds", Duration(1200 * time.Millisecond), "1.20 s"},
		{"one", Plural(1, "message"), "1 message"},
		{"many", Plural(4, "message"), "4 messages"},
		{"never", Ago(time.Time{}, now), "never"},
		{"just now", Ago(now.Add(-time.Millisecond), now), "just now"},
		{"seconds ago", Ago(now.Add(-5*time.Second), now), "5s ago"},
		{"minutes ago", Ago(now.Add(-3*time.Minute), now), "3m ago"},
		{"long ago", Ago(now.Add(-2*time.Hour), now), "10:00:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}
