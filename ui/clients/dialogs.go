package clients

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// askText asks for one line of text. The field has the keyboard focus as
// the dialog opens, and Enter answers as the confirm button does.
func askText(win fyne.Window, title, label, placeholder, confirm string, onOK func(string)) {
	entry := widget.NewEntry()
	entry.SetPlaceHolder(placeholder)
	d := dialog.NewForm(title, confirm, "Cancel", []*widget.FormItem{widget.NewFormItem(label, entry)}, func(ok bool) {
		if ok {
			onOK(entry.Text)
		}
	}, win)
	entry.OnSubmitted = func(string) { d.Submit() }
	d.Show()
	win.Canvas().Focus(entry)
}
