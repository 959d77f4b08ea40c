package scenario

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// SaveForm asks for a folder and a file name and writes a recording there
// (a dialog that writes nothing itself, like File > Save As: Fyne's save
// dialog would create the file before the person agreed).
type SaveForm struct {
	Folder, File *widget.Entry
	Problem      *widget.Label
	SaveButton   *widget.Button
	d            dialog.Dialog
	win          fyne.Window
	data         []byte
	done         func(path string)
}

// AskSave shows the form; done gets the path written.
func AskSave(win fyne.Window, dir string, data []byte, done func(path string)) *SaveForm {
	f := &SaveForm{Folder: widget.NewEntry(), File: widget.NewEntry(), Problem: widget.NewLabel(""), win: win, data: data, done: done}
	f.Folder.SetText(dir)
	f.File.SetText("recorded.scenario.yaml")
	f.Problem.Importance = widget.DangerImportance
	f.Problem.Wrapping = fyne.TextWrapWord
	f.Problem.Hide()
	f.File.OnSubmitted = func(string) { f.Save() }
	f.Folder.OnSubmitted = func(string) { f.Save() }
	f.SaveButton = widget.NewButton("Save", f.Save)
	f.SaveButton.Importance = widget.HighImportance
	cancel := widget.NewButton("Discard", func() { f.d.Hide() })
	form := widget.NewForm(
		&widget.FormItem{Text: "Folder", Widget: f.Folder},
		&widget.FormItem{Text: "File name", Widget: f.File, HintText: "run it with wsworkbench test FILE"},
	)
	buttons := container.NewHBox(cancel, f.SaveButton)
	f.d = dialog.NewCustomWithoutButtons("Save the recorded scenario", container.NewVBox(form, f.Problem, container.NewCenter(buttons)), win)
	f.d.Resize(fyne.NewSize(620, f.d.MinSize().Height))
	f.d.Show()
	win.Canvas().Focus(f.File)
	return f
}

// Save checks the target, asks before replacing a file, and writes.
func (f *SaveForm) Save() {
	name := strings.TrimSpace(f.File.Text)
	if name == "" || strings.ContainsRune(name, filepath.Separator) {
		f.problem(errors.New("choose a file name (without a folder)"))
		return
	}
	if filepath.Ext(name) == "" {
		name += ".yaml"
	}
	path, err := filepath.Abs(filepath.Join(f.Folder.Text, name))
	if err != nil {
		f.problem(err)
		return
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
		f.problem(errors.New("the folder " + filepath.Dir(path) + " does not exist"))
		return
	}
	write := func() {
		if err := WriteFile(path, f.data); err != nil {
			f.problem(err)
			return
		}
		f.d.Hide()
		f.done(path)
	}
	if _, err := os.Stat(path); err != nil {
		write()
		return
	}
	msg := widget.NewLabel(filepath.Base(path) + " already exists in " + filepath.Dir(path) + ". Replace it?")
	msg.Wrapping = fyne.TextWrapWord
	c := dialog.NewCustomConfirm("Replace "+filepath.Base(path)+"?", "Replace", "Cancel", msg, func(ok bool) {
		if ok {
			write()
		}
	}, f.win)
	c.Resize(fyne.NewSize(460, 180))
	c.Show()
}

func (f *SaveForm) problem(err error) {
	f.Problem.SetText(err.Error())
	f.Problem.Show()
	f.d.Resize(fyne.NewSize(620, f.d.MinSize().Height))
}
