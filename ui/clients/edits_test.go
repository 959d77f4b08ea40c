package clients

import (
	"strings"
	"testing"
)

// TestParseHeader: a tab's headers, one "Name: value" a line.
func TestParseHeader(t *testing.T) {
	h, err := parseHeader("Authorization: Bearer x\n\nX-A: 1")
	if err != nil || h.Get("Authorization") != "Bearer x" || h.Get("X-A") != "1" {
		t.Errorf("parseHeader: %v %v", h, err)
	}
	if _, err := parseHeader("no colon"); err == nil {
		t.Error("parseHeader accepted a line without a colon")
	}
}

func TestOneLine(t *testing.T) {
	if got := oneLine("a\nb"); got != "a ⏎ b" {
		t.Errorf("oneLine: %q", got)
	}
	long := strings.Repeat("é", 1000)
	got := oneLine(long)
	if !strings.HasSuffix(got, "…") || len([]rune(got)) != maxRowRunes+1 {
		t.Errorf("oneLine of a long text: %d runes", len([]rune(got)))
	}
}
