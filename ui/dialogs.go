package ui

import (
	"wsworkbench/ui/format"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// showErrorDialog shows err's message in a dialog.
func showErrorDialog(win fyne.Window, err error) {
	l := widget.NewLabel(format.ErrorText(err))
	l.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom("Error", "OK", l, win)
	d.Resize(fyne.NewSize(520, 200))
	d.Show()
}

// container2 lays out a dialog's message above its buttons, right-aligned.
func container2(msg fyne.CanvasObject, buttons ...fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVBox(msg, container.NewHBox(append([]fyne.CanvasObject{layoutSpacer()}, buttons...)...))
}

func layoutSpacer() fyne.CanvasObject { return layout.NewSpacer() }
