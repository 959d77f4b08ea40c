package editor

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/emulator"
)

// problemList is the list of compile errors under the editor.
type problemList struct {
	ed  *Editor
	box *fyne.Container
}

// showProblems lists the compile errors under the editor, each naming the
// route it is in and wrapped over as many lines as it takes; a click on the
// icon selects the place. Past maxShown, a button lists them all.
func (pl *problemList) show() {
	ed := pl.ed
	pl.box.Objects = nil
	const maxShown = 5
	for i, e := range ed.errs {
		if i == maxShown {
			all := widget.NewButton(fmt.Sprintf("Show all %d problems", len(ed.errs)), pl.onShowAll)
			all.Importance = widget.DangerImportance
			pl.box.Add(all)
			break
		}
		pl.box.Add(pl.row(e))
	}
	pl.box.Refresh()
}

// problemRow is one compile error: a button that goes to its place and
// its text, wrapped.
func (pl *problemList) row(e *emulator.CompileError) fyne.CanvasObject {
	ed := pl.ed
	go_ := widget.NewButtonWithIcon("", theme.NewErrorThemedResource(theme.ErrorIcon()), func() { ed.goTo(e) })
	go_.Importance = widget.LowImportance
	l := widget.NewLabel(problemText(ed.api(), e))
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	return container.NewBorder(nil, nil, go_, nil, l)
}

// onShowAllProblems lists every compile error in a dialog that scrolls.
func (pl *problemList) onShowAll() {
	ed := pl.ed
	list := container.NewVBox()
	var d dialog.Dialog
	for _, e := range ed.errs {
		ce := e
		row := pl.row(ce)
		list.Add(container.NewBorder(nil, nil, nil, widget.NewButton("Go", func() { d.Hide(); ed.goTo(ce) }), row))
	}
	d = dialog.NewCustom("Problems", "Close", container.NewVScroll(list), ed.host.Window())
	d.Resize(fyne.NewSize(640, 420))
	d.Show()
}
