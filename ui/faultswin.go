package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/emulator/model"
	"wsworkbench/ui/faults"
)

// faultsHost is the window as the faults panel sees it: faults go through
// the controller into the workspace (saved in its Metadata) and the
// running gateway.
type faultsHost struct{ wb *workbench }

var _ faults.Host = faultsHost{}

func (h faultsHost) Faults() model.Faults { return h.wb.ctl.Faults() }
func (h faultsHost) SetFaults(f model.Faults) error {
	if err := h.wb.ctl.SetFaults(f); err != nil {
		return err
	}
	h.wb.updateFaultsButton()
	return nil
}

// Connections are the open connections' IDs, for the panel's picker.
func (h faultsHost) Connections() []string {
	infos := h.wb.gw.Connections()
	ids := make([]string, len(infos))
	for i, ci := range infos {
		ids[i] = ci.ID
	}
	return ids
}

// newFaultsButton is the toolbar's Faults button: it opens the faults
// panel and reads "Faults on" while any fault is active.
func (wb *workbench) newFaultsButton() *widget.Button {
	wb.faultsBtn = widget.NewButtonWithIcon("Faults", theme.WarningIcon(), wb.openFaults)
	wb.updateFaultsButton()
	return wb.faultsBtn
}

// openFaults shows the faults panel in a window of its own.
func (wb *workbench) openFaults() {
	if wb.faultsWin != nil {
		wb.faultsWin.RequestFocus()
		return
	}
	wb.faults = faults.New(faultsHost{wb})
	wb.faultsWin = wb.app.NewWindow("Faults")
	wb.faultsWin.SetContent(wb.faults.Object())
	wb.faultsWin.Resize(fyne.NewSize(420, 560))
	wb.faultsWin.SetOnClosed(func() { wb.faultsWin, wb.faults = nil, nil })
	wb.faultsWin.Show()
}

// connectionOpen reports whether the gateway holds connection id open.
func (wb *workbench) connectionOpen(id string) bool {
	_, ok := wb.gw.Connection(id)
	return ok
}

// updateFaultsButton marks the toolbar while any fault can act: one kept
// for a connection that has closed does not count (the marker goes off
// when the last connection with faults closes).
func (wb *workbench) updateFaultsButton() {
	if wb.faultsBtn == nil {
		return
	}
	f := wb.gw.Faults()
	text, imp := "Faults", widget.MediumImportance
	if f.Acting(wb.connectionOpen) {
		text, imp = "Faults on", widget.DangerImportance
	}
	if wb.faultsBtn.Text != text || wb.faultsBtn.Importance != imp {
		wb.faultsBtn.SetText(text)
		wb.faultsBtn.Importance = imp
		wb.faultsBtn.Refresh()
	}
}

// closeFaults closes the faults window (the main window is closing).
func (wb *workbench) closeFaults() {
	if wb.faultsWin != nil {
		wb.faultsWin.SetOnClosed(nil)
		wb.faultsWin.Close()
		wb.faultsWin, wb.faults = nil, nil
	}
}
