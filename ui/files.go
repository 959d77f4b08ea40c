package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/assets"
	"wsworkbench/ui/controller"
	"wsworkbench/ui/editor"
)

// fileActions are File > New, Open, Save and Save As: the questions and
// dialogs around the controller's workspace calls. No dialog ever writes a
// file: Save As only picks a path, the controller checks it, the person is
// asked before another file is replaced, then the controller saves
// atomically.
type fileActions struct {
	wb       *workbench
	progress dialog.Dialog // "Opening…", while a file loads
}

// progressDelay is how long a load runs before its progress dialog shows,
// so quick loads do not flash one.
const progressDelay = 150 * time.Millisecond

// confirmLeave runs then right away when the workspace has no unsaved
// changes; otherwise it asks whether to save them first.
func (f *fileActions) confirmLeave(then func()) {
	wb := f.wb
	if !wb.ctl.Unsaved() {
		then()
		return
	}
	var d dialog.Dialog
	save := widget.NewButton("Save", func() {
		d.Hide()
		f.saveThen(then)
	})
	save.Importance = widget.HighImportance
	discard := widget.NewButton("Discard changes", func() {
		d.Hide()
		wb.ctl.DiscardChanges()
		then()
	})
	cancel := widget.NewButton("Cancel", func() { d.Hide() })
	msg := widget.NewLabel(wb.ctl.Name() + " has unsaved changes.")
	d = dialog.NewCustomWithoutButtons("Unsaved changes", container2(msg, cancel, discard, save), wb.win)
	d.Show()
}

// onNew starts a new, untitled workspace.
func (f *fileActions) onNew() {
	f.confirmLeave(func() {
		f.wb.ctl.NewWorkspace(editor.NewAPI(), "New workspace: save it to give it a file.")
	})
}

// onOpenSample opens the built-in MOCK sample.
func (f *fileActions) onOpenSample() {
	f.confirmLeave(func() {
		if err := f.wb.ctl.OpenSample(assets.SampleName, assets.SampleAPI, true); err != nil {
			f.wb.showError(err)
		}
	})
}

// onOpen asks for a workspace file (a CloudFormation or SAM template, or a
// serverless.yml) and opens it.
func (f *fileActions) onOpen() {
	wb := f.wb
	f.confirmLeave(func() {
		d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil {
				wb.showError(err)
				return
			}
			if r == nil {
				return
			}
			path := r.URI().Path()
			_ = r.Close()
			f.openPath(path, nil)
		}, wb.win)
		d.SetFilter(storage.NewExtensionFileFilter([]string{".yaml", ".yml", ".json", ".template"}))
		wb.setDialogDir(d)
		d.Show()
		d.Resize(fyne.NewSize(900, 600)) // after Show: a file dialog has no content before
	})
}

// openPath opens the workspace file at path off the UI goroutine. A load
// that takes a moment shows a progress dialog with Cancel, which gives the
// window back at once and keeps the open workspace. then, when set, runs
// once the workspace is open.
func (f *fileActions) openPath(path string, then func()) {
	wb := f.wb
	f.hideProgress()
	l := wb.ctl.Open(path, func(err error) {
		f.hideProgress()
		if err != nil {
			wb.showError(err)
			return
		}
		if then != nil {
			then()
		}
	})
	time.AfterFunc(progressDelay, func() {
		wb.opts.do(func() {
			if wb.ctl.Loading() == l && f.progress == nil && !wb.closed {
				f.showProgress(l)
			}
		})
	})
}

// showProgress shows that l is loading, with a Cancel button.
func (f *fileActions) showProgress(l *controller.Loading) {
	msg := widget.NewLabel("Opening " + filepath.Base(l.Path) + "…")
	bar := widget.NewProgressBarInfinite()
	cancel := widget.NewButton("Cancel", func() {
		l.Cancel()
		f.hideProgress()
		f.wb.setNotice("Stopped opening " + l.Path + ": " + f.wb.ctl.Name() + " stays open.")
	})
	f.progress = dialog.NewCustomWithoutButtons("Opening a workspace", container2(container.NewVBox(msg, bar), cancel), f.wb.win)
	f.progress.Show()
}

func (f *fileActions) hideProgress() {
	if f.progress != nil {
		f.progress.Hide()
		f.progress = nil
	}
}

// cancelLoad abandons a load in progress (the window is closing).
func (f *fileActions) cancelLoad() {
	if l := f.wb.ctl.Loading(); l != nil {
		l.Cancel()
	}
	f.hideProgress()
}

// onSave saves the workspace to its file, or asks for one.
func (f *fileActions) onSave() { f.saveThen(nil) }

// saveThen saves and, when the save worked, runs then.
func (f *fileActions) saveThen(then func()) {
	err := f.wb.ctl.Save()
	if errors.Is(err, controller.ErrNoFile) {
		f.saveAsThen(then)
		return
	}
	if err != nil {
		f.wb.showError(err)
		return
	}
	if then != nil {
		then()
	}
}

// onSaveAs asks for a file and saves the workspace there.
func (f *fileActions) onSaveAs() { f.saveAsThen(nil) }

// saveAsThen asks for a folder and a file name (a dialog that writes
// nothing), checks the target, asks before replacing another file, then
// saves; then runs after a save that worked.
func (f *fileActions) saveAsThen(then func()) {
	wb := f.wb
	ws := wb.ctl.Workspace()
	name := "api.yaml"
	switch {
	case ws.Path != "":
		name = filepath.Base(ws.Path)
	case wb.ctl.IsSample():
		name = assets.SampleName
	}
	folder := widget.NewEntry()
	folder.SetText(f.startDir())
	file := widget.NewEntry()
	file.SetText(name)
	problem := widget.NewLabel("")
	problem.Importance = widget.DangerImportance
	problem.Wrapping = fyne.TextWrapWord
	problem.Hide()
	var d dialog.Dialog
	// A problem shows under the fields, and the dialog grows to show it.
	showProblem := func(err error) {
		problem.SetText(errorText(err))
		problem.Show()
		d.Resize(fyne.NewSize(620, d.MinSize().Height))
	}
	save := func() {
		target, err := wb.ctl.CheckSaveAs(filepath.Join(folder.Text, file.Text))
		if err != nil {
			showProblem(err)
			return
		}
		write := func() {
			if err := wb.ctl.SaveAs(target); err != nil {
				showProblem(err)
				return
			}
			d.Hide()
			if then != nil {
				then()
			}
		}
		if !target.Ask() {
			write()
			return
		}
		name := filepath.Base(target.Path)
		question := name + " already exists in " + filepath.Dir(target.Path) + ". Replace it with this workspace?"
		if target.ReadOnly {
			question = name + " in " + filepath.Dir(target.Path) + " is read-only. Replace it anyway (it stays read-only)?"
		}
		msg := widget.NewLabel(question)
		msg.Wrapping = fyne.TextWrapWord
		c := dialog.NewCustomConfirm("Replace "+name+"?", "Replace", "Cancel", msg, func(ok bool) {
			if ok {
				write()
			}
		}, wb.win)
		c.Resize(fyne.NewSize(460, 180))
		c.Show()
	}
	file.OnSubmitted = func(string) { save() }
	folder.OnSubmitted = func(string) { save() }
	choose := widget.NewButton("Choose…", func() {
		fd := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				folder.SetText(u.Path())
			}
		}, wb.win)
		if l, err := storage.ListerForURI(storage.NewFileURI(folder.Text)); err == nil {
			fd.SetLocation(l)
		}
		fd.Show()
		fd.Resize(fyne.NewSize(900, 600))
	})
	saveBtn := widget.NewButton("Save", save)
	saveBtn.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", func() { d.Hide() })
	form := widget.NewForm(
		&widget.FormItem{Text: "Folder", Widget: container.NewBorder(nil, nil, nil, choose, folder)},
		&widget.FormItem{Text: "File name", Widget: file, HintText: "a name without an extension is saved as NAME.yaml"},
	)
	d = dialog.NewCustomWithoutButtons("Save workspace as", container2(container.NewVBox(form, problem), cancel, saveBtn), wb.win)
	d.Resize(fyne.NewSize(620, d.MinSize().Height))
	d.Show()
	wb.win.Canvas().Focus(file)
}

// startDir is the folder file dialogs start in: the workspace's, else the
// current directory.
func (f *fileActions) startDir() string {
	if p := f.wb.ctl.Workspace().Path; p != "" {
		return filepath.Dir(p)
	}
	if wd, err := os.Getwd(); err == nil {
		return wd
	}
	return ""
}

// setDialogDir starts a file dialog in the workspace's folder.
func (wb *workbench) setDialogDir(d *dialog.FileDialog) {
	dir := wb.files.startDir()
	if dir == "" {
		return
	}
	if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
		d.SetLocation(l)
	}
}

// exportAs asks for a folder and a file name like Save As (a dialog that
// writes nothing), asks before replacing a file, and only then writes
// data() to the path atomically: unlike Fyne's save dialog, which creates
// (and so empties) the chosen file before anything is known to work.
func (wb *workbench) exportAs(title, name string, data func() ([]byte, error), done func(path string)) {
	folder := widget.NewEntry()
	folder.SetText(wb.files.startDir())
	file := widget.NewEntry()
	file.SetText(name)
	problem := widget.NewLabel("")
	problem.Importance = widget.DangerImportance
	problem.Wrapping = fyne.TextWrapWord
	problem.Hide()
	var d dialog.Dialog
	showProblem := func(err error) {
		problem.SetText(errorText(err))
		problem.Show()
		d.Resize(fyne.NewSize(620, d.MinSize().Height))
	}
	write := func(path string) {
		b, err := data()
		if err == nil {
			err = controller.WriteFileAtomic(path, b)
		}
		if err != nil {
			showProblem(err)
			return
		}
		d.Hide()
		done(path)
	}
	export := func() {
		path := filepath.Join(folder.Text, file.Text)
		switch st, err := os.Stat(path); {
		case strings.TrimSpace(file.Text) == "":
			showProblem(errors.New("give the file a name"))
		case err == nil && st.IsDir():
			showProblem(fmt.Errorf("%s is a folder", path))
		case err == nil:
			msg := widget.NewLabel(filepath.Base(path) + " already exists in " + filepath.Dir(path) + ". Replace it?")
			msg.Wrapping = fyne.TextWrapWord
			c := dialog.NewCustomConfirm("Replace "+filepath.Base(path)+"?", "Replace", "Cancel", msg, func(ok bool) {
				if ok {
					write(path)
				}
			}, wb.win)
			c.Resize(fyne.NewSize(460, 180))
			c.Show()
		default:
			if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
				showProblem(fmt.Errorf("the folder %s does not exist", filepath.Dir(path)))
				return
			}
			write(path)
		}
	}
	file.OnSubmitted = func(string) { export() }
	folder.OnSubmitted = func(string) { export() }
	choose := widget.NewButton("Choose…", func() {
		fd := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				folder.SetText(u.Path())
			}
		}, wb.win)
		fd.Show()
		fd.Resize(fyne.NewSize(900, 600))
	})
	exportBtn := widget.NewButton("Export", export)
	exportBtn.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", func() { d.Hide() })
	form := widget.NewForm(
		&widget.FormItem{Text: "Folder", Widget: container.NewBorder(nil, nil, nil, choose, folder)},
		&widget.FormItem{Text: "File name", Widget: file},
	)
	d = dialog.NewCustomWithoutButtons(title, container2(container.NewVBox(form, problem), cancel, exportBtn), wb.win)
	d.Resize(fyne.NewSize(620, d.MinSize().Height))
	d.Show()
	wb.win.Canvas().Focus(file)
}
