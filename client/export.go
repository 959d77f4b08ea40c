package client

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// exportLine is one line of ExportJSONL. Every key is always present so a
// reader (jq, a script) meets one shape.
type exportLine struct {
	Time   string  `json:"time"` // RFC 3339 with nanoseconds
	Dir    string  `json:"dir"`  // sent, received or event
	Size   int     `json:"size"`
	Text   string  `json:"text"`
	Binary bool    `json:"binary,omitempty"` // Text is base64
	Route  string  `json:"route"`
	RTTms  float64 `json:"rttMs"` // 0 when it does not apply
	Note   string  `json:"note"`
}

// ExportJSONL writes the entries held, oldest first, as JSON lines: one object
// per entry with the keys time (RFC 3339, nanoseconds), dir, size, text, route,
// rttMs (milliseconds, fractional) and note, plus binary:true for a binary
// frame. It writes from a snapshot, so appends during the export do not block
// and are not included.
func (l *Log) ExportJSONL(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // keep <, > and & readable in message texts
	for _, e := range l.Entries() {
		line := exportLine{
			Time:   e.Time.Format(time.RFC3339Nano),
			Dir:    e.Dir.String(),
			Size:   e.Size,
			Text:   e.Text,
			Binary: e.Binary,
			Route:  e.Route,
			RTTms:  float64(e.RTT) / float64(time.Millisecond),
			Note:   e.Note,
		}
		if err := enc.Encode(line); err != nil {
			return fmt.Errorf("export log entry %d: %w", e.Seq, err)
		}
	}
	return nil
}
