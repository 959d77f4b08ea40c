package watch

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/emulator"
)

// exporter writes what the view holds to a file, as the gateway's
// transcript JSONL, through the window's export dialog (Host.ExportAs: a
// folder and a file name, a question before replacing a file, an atomic
// write), the same dialog as a client tab's Export.
type exporter struct {
	button  *widget.Button
	connID  string
	host    Host
	show    func(string, widget.Importance)
	history func() emulator.History
}

func newExporter(host Host, connID string, show func(string, widget.Importance), history func() emulator.History) *exporter {
	x := &exporter{host: host, connID: connID, show: show, history: history}
	x.button = widget.NewButtonWithIcon("Export…", theme.DocumentSaveIcon(), x.onExport)
	return x
}

// exportName is the file name the dialog offers: the connection and the
// time.
func exportName(connID string, now time.Time) string {
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, connID)
	return "watch-" + safe + "-" + now.Format("20060102-150405") + ".jsonl"
}

// onExport asks where to write what the view holds (every entry, not only
// those the search keeps) and says how many entries went where.
func (x *exporter) onExport() {
	var n int
	data := func() ([]byte, error) {
		var buf bytes.Buffer
		h := x.history()
		n = len(h.Entries)
		err := h.WriteJSONL(&buf)
		return buf.Bytes(), err
	}
	x.host.ExportAs("Export the watched connection's history", exportName(x.connID, time.Now()), data, func(path string) {
		x.show(fmt.Sprintf("Exported %d entries to %s.", n, path), widget.SuccessImportance)
	})
}
