package scenario

import (
	"sort"
	"strings"
	"unicode"

	"wsworkbench/client"
)

// TabLog is one client's log as a recording sees it: a window's tab.
type TabLog struct {
	Name string
	// ConnectionID is the ID the gateway gave the client's connection; it
	// becomes ${connectionId.NAME} in the recording.
	ConnectionID string
	// Since is the newest Seq in the log when recording started: only
	// later entries are recorded.
	Since uint64
	// OpenAtStart says the client was connected when recording started:
	// the recording begins with its connect, so that it replays.
	OpenAtStart bool
	Entries     []client.Entry
}

// FromLogs returns the scenario (YAML) for what the clients logged after
// their Since, merged by time across clients: a sent frame is a send, a
// received frame an expect, a connected event a connect, a close the
// client made a close, and a close by the server (or a lost connection)
// an expectClose.
func FromLogs(name string, tabs []TabLog) []byte {
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
	names := make([]string, len(tabs))
	for i := range tabs {
		names[i] = clientName(tabs[i].Name)
	}
	rec := NewRecorder(name)
	for i, t := range tabs {
		if t.OpenAtStart {
			rec.Connect(names[i], "", nil, nil, nil, 101, t.ConnectionID)
		}
	}
	for _, x := range all {
		name, e := names[x.tab], x.e
		switch e.Dir {
		case client.Sent:
			if e.Note == "" { // a send that failed never reached the server
				rec.Send(name, e.Text)
			}
		case client.Received:
			if !e.Binary {
				rec.Receive(name, e.Text)
			}
		case client.Event:
			switch c := e.Close; {
			case e.Event == client.ConnectedEvent:
				rec.Connect(name, "", nil, nil, nil, 101, tabs[x.tab].ConnectionID)
			case e.Event != client.ClosedEvent || c == nil:
			case c.ByClient:
				rec.Close(name, c.Code, c.Reason)
			default: // by the server (Code), or lost (0)
				rec.Closed(name, c.Code)
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
