package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"wsworkbench/emulator"

	"wsworkbench/client"
	"wsworkbench/client/scenario"
	uisc "wsworkbench/ui/scenario"
)

// recording is Client > Record Scenario: while on, the toolbar's button
// reads "● Recording"; on stop, what the tabs logged since the start
// becomes a scenario file (ui/scenario).
type recording struct {
	on     bool
	since  map[*tabModel]uint64 // each tab's newest Seq when recording started
	open   map[*tabModel]bool   // the tabs connected then
	btn    *widget.Button
	replay *uisc.Replay // the last Run Scenario, for tests
}

// onRunScenario is Client > Run Scenario…: it picks a scenario file and
// runs it against the window's gateway.
func (wb *workbench) onRunScenario() {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		rc.Close()
		wb.runScenario(rc.URI().Path())
	}, wb.win)
	wb.setDialogDir(d)
	d.Show()
	d.Resize(fyne.NewSize(900, 600))
}

// runScenario runs the scenario at path with scenario.Runner against the
// window's gateway, showing its steps turn green or red.
func (wb *workbench) runScenario(path string) {
	g := wb.gw
	r := scenario.Runner{URL: g.URL(), ConnectionsURL: g.ConnectionsURL(), ConnectionID: uisc.GatewayConnectionID(g), RootCAs: wb.clientRoots()}
	wb.rec.replay = uisc.RunFile(wb.win, path, r, wb.opts.do, wb.showFrameTrace)
}

func (wb *workbench) newRecordButton() *widget.Button {
	wb.rec.btn = widget.NewButtonWithIcon("Record", theme.MediaRecordIcon(), wb.onToggleRecord)
	return wb.rec.btn
}

// onToggleRecord starts or stops recording.
func (wb *workbench) onToggleRecord() {
	r := &wb.rec
	if !r.on {
		r.on = true
		r.since, r.open = map[*tabModel]uint64{}, map[*tabModel]bool{}
		for _, t := range wb.clients.list {
			r.since[t.model] = lastSeq(t)
			r.open[t.model] = t.model.Client().State().Phase == client.Open
		}
		r.btn.SetText("● Recording")
		r.btn.Importance = widget.DangerImportance
		r.btn.Refresh()
		wb.setNotice("Recording a scenario: Client > Record Scenario again stops and saves it")
		return
	}
	r.on = false
	r.btn.SetText("Record")
	r.btn.Importance = widget.MediumImportance
	r.btn.Refresh()
	var tabs []uisc.Tab
	for _, t := range wb.clients.list {
		c := t.model.Client()
		tabs = append(tabs, uisc.Tab{Name: t.name, ConnectionID: c.ConnectionID(), Since: r.since[t.model], OpenAtStart: r.open[t.model], Entries: c.Log().Entries()})
	}
	data := uisc.Build("recorded in wsworkbench", tabs)
	wb.exportAs("Save the recorded scenario", "recorded.scenario.yaml", func() ([]byte, error) { return data, nil }, func(path string) {
		wb.setNotice("Scenario saved to " + path + ": run it with wsworkbench test, or Client > Run Scenario…")
	})
}

// lastSeq is the newest Seq in the tab's log (0 when empty).
func lastSeq(t *clientTab) uint64 {
	l := t.model.Client().Log()
	if n := l.Len(); n > 0 {
		return l.At(n - 1).Seq
	}
	return 0
}

// showFrameTrace shows, in the trace panel, the trace of the newest frame
// the gateway sent connection connID with the text frame (a replay's red
// step: the frame that came instead). It reports whether it found one.
func (wb *workbench) showFrameTrace(connID, frame string) bool {
	h, ok := wb.gw.History(connID, 0)
	if !ok {
		return false
	}
	for i := len(h.Entries) - 1; i >= 0; i-- {
		if e := h.Entries[i]; e.Dir == emulator.HistoryOut && e.Data == frame && e.RequestID != "" {
			wb.tracer.ShowID(e.RequestID)
			wb.body.showSide(sideTrace)
			return true
		}
	}
	return false
}
