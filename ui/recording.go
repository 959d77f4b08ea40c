package ui

import (
	"crypto/x509"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/client"
	"wsworkbench/client/scenario"
	"wsworkbench/emulator"
	"wsworkbench/ui/clients"
	"wsworkbench/ui/controller"
	uisc "wsworkbench/ui/scenario"
)

// recorder is Client > Record Scenario and Run Scenario…: while recording,
// the toolbar's button reads "● Recording"; on stop, what the tabs logged
// since the start becomes a scenario file (scenario.FromLogs). A run replays a
// scenario file against the window's gateway. It sees the window through
// recorderHost only.
type recorder struct {
	host   recorderHost
	on     bool
	since  map[*controller.Tab]uint64 // each tab's newest Seq when recording started
	open   map[*controller.Tab]bool   // the tabs connected then
	btn    *widget.Button
	replay *uisc.Replay // the last Run Scenario, for tests
}

// recorderHost is what recording and replaying need from the window.
type recorderHost interface {
	// Tabs are the client tabs, in order.
	Tabs() []*clients.Tab
	// Gateway is the gateway the window shows.
	Gateway() *emulator.Gateway
	// ClientRoots are the roots the window's clients trust.
	ClientRoots() *x509.CertPool
	// Window is where dialogs show; Do runs a function on the UI goroutine.
	Window() fyne.Window
	Do(func())
	// ShowTrace shows a request's trace in the trace panel.
	ShowTrace(requestID string)
	// ChooseFile starts a file dialog in the workspace's folder; ExportAs
	// saves data to a file the person names.
	ChooseFile(d *dialog.FileDialog)
	ExportAs(title, name string, data func() ([]byte, error), done func(path string))
	// Notice shows a note in the toolbar.
	Notice(string)
}

func newRecorder(host recorderHost) *recorder {
	r := &recorder{host: host}
	r.btn = widget.NewButtonWithIcon("Record", theme.MediaRecordIcon(), r.onToggle)
	return r
}

// onRunScenario is Client > Run Scenario…: it picks a scenario file and
// runs it against the window's gateway.
func (r *recorder) onRunScenario() {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		rc.Close()
		r.run(rc.URI().Path())
	}, r.host.Window())
	r.host.ChooseFile(d)
	d.Show()
	d.Resize(fyne.NewSize(900, 600))
}

// run runs the scenario at path with scenario.Runner against the window's
// gateway, showing its steps turn green or red.
func (r *recorder) run(path string) {
	g := r.host.Gateway()
	sr := scenario.Runner{URL: g.URL(), ConnectionsURL: g.ConnectionsURL(), ConnectionID: uisc.GatewayConnectionID(g), RootCAs: r.host.ClientRoots()}
	r.replay = uisc.RunFile(r.host.Window(), path, sr, r.host.Do, r.showFrameTrace)
}

// onToggle starts or stops recording.
func (r *recorder) onToggle() {
	tabsNow := r.host.Tabs()
	if !r.on {
		r.on = true
		r.since, r.open = map[*controller.Tab]uint64{}, map[*controller.Tab]bool{}
		for _, t := range tabsNow {
			r.since[t.Model] = lastSeq(t)
			r.open[t.Model] = t.Model.Client().State().Phase == client.Open
		}
		r.btn.SetText("● Recording")
		r.btn.Importance = widget.DangerImportance
		r.btn.Refresh()
		r.host.Notice("Recording a scenario: Client > Record Scenario again stops and saves it")
		return
	}
	r.on = false
	r.btn.SetText("Record")
	r.btn.Importance = widget.MediumImportance
	r.btn.Refresh()
	var tabs []scenario.TabLog
	for _, t := range tabsNow {
		c := t.Model.Client()
		tabs = append(tabs, scenario.TabLog{Name: t.Name, ConnectionID: c.ConnectionID(), Since: r.since[t.Model], OpenAtStart: r.open[t.Model], Entries: c.Log().Entries()})
	}
	data := scenario.FromLogs("recorded in wsworkbench", tabs)
	r.host.ExportAs("Save the recorded scenario", "recorded.scenario.yaml", func() ([]byte, error) { return data, nil }, func(path string) {
		r.host.Notice("Scenario saved to " + path + ": run it with wsworkbench test, or Client > Run Scenario…")
	})
}

// lastSeq is the newest Seq in the tab's log (0 when empty).
func lastSeq(t *clients.Tab) uint64 {
	l := t.Model.Client().Log()
	if n := l.Len(); n > 0 {
		return l.At(n - 1).Seq
	}
	return 0
}

// showFrameTrace shows, in the trace panel, the trace of the newest frame
// the gateway sent connection connID with the text frame (a replay's red
// step: the frame that came instead). It reports whether it found one.
func (r *recorder) showFrameTrace(connID, frame string) bool {
	h, ok := r.host.Gateway().History(connID, 0)
	if !ok {
		return false
	}
	for i := len(h.Entries) - 1; i >= 0; i-- {
		if e := h.Entries[i]; e.Dir == emulator.HistoryOut && e.Data == frame && e.RequestID != "" {
			r.host.ShowTrace(e.RequestID)
			return true
		}
	}
	return false
}

// recordHost is the window as the recorder sees it.
type recordHost struct{ wb *workbench }

var _ recorderHost = recordHost{}

func (h recordHost) Tabs() []*clients.Tab        { return h.wb.clients.List }
func (h recordHost) Gateway() *emulator.Gateway  { return h.wb.gw }
func (h recordHost) ClientRoots() *x509.CertPool { return h.wb.ctl.TLS.ClientRoots() }
func (h recordHost) Window() fyne.Window         { return h.wb.win }
func (h recordHost) Do(f func())                 { h.wb.opts.do(f) }
func (h recordHost) ShowTrace(requestID string) {
	h.wb.tracer.ShowID(requestID)
	h.wb.panes.revealTrace()
}
func (h recordHost) ChooseFile(d *dialog.FileDialog) { h.wb.files.setDialogDir(d) }
func (h recordHost) ExportAs(title, name string, data func() ([]byte, error), done func(path string)) {
	h.wb.files.exportAs(title, name, data, done)
}
func (h recordHost) Notice(s string) { h.wb.ctl.SetNotice(s) }
