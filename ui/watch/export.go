package watch

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2/widget"
)

// exportName is the file name the export dialog offers: the connection and
// the time.
func exportName(connID string, now time.Time) string {
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, connID)
	return "watch-" + safe + "-" + now.Format("20060102-150405") + ".jsonl"
}

// onExport writes what the view holds (every entry, not only those the
// search keeps) as the gateway's transcript JSONL through the window's
// export dialog (Host.ExportAs, the one a client tab's Export uses), and
// says how many entries went where.
func (v *View) onExport() {
	var n int
	data := func() ([]byte, error) {
		var buf bytes.Buffer
		h := v.read.history()
		n = len(h.Entries)
		err := h.WriteJSONL(&buf)
		return buf.Bytes(), err
	}
	v.host.ExportAs("Export the watched connection's history", exportName(v.connID, time.Now()), data, func(path string) {
		v.acts.show(fmt.Sprintf("Exported %d entries to %s.", n, path), widget.SuccessImportance)
	})
}
