// Package scenario is the window's side of scenarios (client/scenario): it
// turns what the client tabs logged while recording into a scenario file.
package scenario

import (
	"sort"
	"strconv"
	"strings"
	"unicode"

	"wsworkbench/client"
	cs "wsworkbench/client/scenario"
)

// Tab is one client tab as a recording sees it.
type Tab struct {
	Name string
	// ConnectionID is the ID the gateway gave the tab's connection; it
	// becomes ${connectionId.NAME} in the recording.
	ConnectionID string
	// Since is the newest Seq in the tab's log when recording started:
	// only later entries are recorded.
	Since uint64
	// OpenAtStart says the tab was connected when recording started: the
	// recording begins with its connect, so that it replays.
	OpenAtStart bool
	Entries     []client.Entry
}

// Build returns the scenario (YAML) for what the tabs logged after their
// Since, merged by time across tabs: a sent frame is a send, a received
// frame an expect, the "connected" event a connect, a close the tab made a
// close and any other close an expectClose.
func Build(name string, tabs []Tab) []byte {
	type ev struct {
		tab int
		e   client.Entry
	}
	var all []ev
	for i, t := range tabs {
		for _, e := range t.Entries {
			if e.Seq > t.Since {
				all = append(all, ev{i, e})
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].e.Time.Before(all[j].e.Time) })
	for i := range tabs {
		tabs[i].Name = clientName(tabs[i].Name)
	}
	rec := cs.NewRecorder(name)
	for _, t := range tabs {
		if t.OpenAtStart {
			rec.Connect(t.Name, "", nil, nil, nil, 101, t.ConnectionID)
		}
	}
	for _, x := range all {
		t, e := tabs[x.tab], x.e
		switch e.Dir {
		case client.Sent:
			if e.Note == "" { // a send that failed never reached the server
				rec.Send(t.Name, e.Text)
			}
		case client.Received:
			if !e.Binary {
				rec.Receive(t.Name, e.Text)
			}
		case client.Event:
			switch {
			case strings.HasPrefix(e.Note, "connected"):
				rec.Connect(t.Name, "", nil, nil, nil, 101, t.ConnectionID)
			case strings.HasPrefix(e.Note, "closed by client: "):
				code, reason := parseClose(strings.TrimPrefix(e.Note, "closed by client: "))
				rec.Close(t.Name, code, reason)
			case strings.HasPrefix(e.Note, "closed by server: "):
				code, _ := parseClose(strings.TrimPrefix(e.Note, "closed by server: "))
				rec.Closed(t.Name, code)
			case strings.HasPrefix(e.Note, "connection lost"):
				rec.Closed(t.Name, 0)
			}
		}
	}
	return rec.YAML()
}

// clientName makes a tab's title a scenario client name ("client 1"
// becomes "client-1"): letters, digits, _ and - only.
func clientName(title string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return '-'
	}, title)
}

// parseClose reads the close code and reason from a close note's text
// ("1000 bye; server answered 1000"), as client.closeText wrote them. A
// reason that is only the code's RFC 6455 name was not sent: it is "".
func parseClose(s string) (int, string) {
	s, _, _ = strings.Cut(s, "; ")
	num, reason, _ := strings.Cut(s, " ")
	code, err := strconv.Atoi(num)
	if err != nil {
		return 0, ""
	}
	if reason == client.CloseCodeName(code) {
		reason = ""
	}
	return code, reason
}
