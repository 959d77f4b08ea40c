package watch

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/emulator"
	"wsworkbench/emulator/atomicfile"
)

// exporter writes what the view holds to a file the person names, as the
// gateway's transcript JSONL.
type exporter struct {
	path   *widget.Entry
	button *widget.Button
	row    fyne.CanvasObject
	// replace is the path the person agreed to replace (Export tapped
	// again after "already exists").
	replace string
	show    func(string, widget.Importance)
	history func() emulator.History
}

func newExporter(connID string, show func(string, widget.Importance), history func() emulator.History) *exporter {
	x := &exporter{show: show, history: history}
	x.path = widget.NewEntry()
	x.path.SetText(defaultExportPath(connID))
	x.path.OnChanged = func(string) { x.setReplace("") }
	x.path.OnSubmitted = func(string) { x.onExport() }
	x.button = widget.NewButtonWithIcon("Export", theme.DocumentSaveIcon(), x.onExport)
	x.row = container.NewBorder(nil, nil, nil, x.button, x.path)
	return x
}

// defaultExportPath is a file in the home folder named after the
// connection and the time.
func defaultExportPath(connID string) string {
	dir, err := os.UserHomeDir()
	if err != nil {
		dir = "."
	}
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, connID)
	return filepath.Join(dir, "watch-"+safe+"-"+time.Now().Format("20060102-150405")+".jsonl")
}

// onExport writes what the view holds (every entry, not only those the
// search keeps) as the gateway's transcript JSONL, atomically, after the
// checks: a file name, a folder that exists, not a folder, and a second
// tap to replace a file that exists.
func (x *exporter) onExport() {
	path, err := checkExport(x.path.Text)
	if err != nil {
		x.show("Not exported: "+err.Error(), widget.DangerImportance)
		return
	}
	if _, err := os.Stat(path); err == nil && x.replace != path {
		x.setReplace(path)
		x.show(filepath.Base(path)+" already exists: tap Replace to replace it.", widget.WarningImportance)
		return
	}
	var buf bytes.Buffer
	h := x.history()
	if err := h.WriteJSONL(&buf); err == nil {
		err = atomicfile.Write(path, buf.Bytes())
	}
	if err != nil {
		x.show("Not exported: "+err.Error(), widget.DangerImportance)
		return
	}
	x.setReplace("")
	x.show(fmt.Sprintf("Exported %d entries to %s.", len(h.Entries), path), widget.SuccessImportance)
}

// checkExport returns the absolute path to export to, or what is wrong.
func checkExport(path string) (string, error) {
	path = strings.TrimSpace(path)
	if path == "" || strings.HasSuffix(path, string(filepath.Separator)) {
		return "", errors.New("choose a file name")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(filepath.Dir(abs)); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("the folder %s does not exist", filepath.Dir(abs))
	}
	if fi, err := os.Stat(abs); err == nil && !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%s is not a regular file", abs)
	}
	return abs, nil
}

func (x *exporter) setReplace(path string) {
	x.replace = path
	text := "Export"
	if path != "" {
		text = "Replace"
	}
	if x.button.Text != text {
		x.button.SetText(text)
	}
}
