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
	"wsworkbench/emulator/atomicfile"
	"wsworkbench/ui/controller"
	"wsworkbench/ui/editor"
)

// fileActions are File > New, Open, Save and Save As: the questions and
// dialogs around the controller's workspace calls. No dialog ever writes a
// file: Save As only picks a path, the controller checks it, the person is
// asked before another file is replaced, then the controller saves
// atomically.
//
// It holds the controller and the window, and nothing else of the
// workbench: do runs a function on the UI goroutine, closed reports
// whether the window has shut down.
type fileActions struct {
	ctl      *controller.Controller
	win      fyne.Window
	do       func(func())
	closed   func() bool
	progress dialog.Dialog // "Opening…", while a file loads
}

// progressDelay is how long a load runs before its progress dialog shows,
// so quick loads do not flash one.
const progressDelay = 150 * time.Millisecond

// confirmLeave runs then right away when the workspace has no unsaved
// changes; otherwise it asks whether to save them first.
func (f *fileActions) confirmLeave(then func()) {
	if !f.ctl.Unsaved() {
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
		f.ctl.Files.DiscardChanges()
		then()
	})
	cancel := widget.NewButton("Cancel", func() { d.Hide() })
	msg := widget.NewLabel(f.ctl.Name() + " has unsaved changes.")
	d = dialog.NewCustomWithoutButtons("Unsaved changes", container2(msg, cancel, discard, save), f.win)
	d.Show()
}

// onNew starts a new, untitled workspace.
func (f *fileActions) onNew() {
	f.confirmLeave(func() {
		f.ctl.Files.NewWorkspace(editor.NewAPI(), "New workspace: save it to give it a file.")
	})
}

// onOpenSample opens the built-in MOCK sample.
func (f *fileActions) onOpenSample() {
	f.confirmLeave(func() {
		if err := f.ctl.Files.OpenSample(assets.SampleName, assets.SampleAPI, true); err != nil {
			showErrorDialog(f.win, err)
		}
	})
}

// onOpen asks for a workspace file (a CloudFormation or SAM template, or a
// serverless.yml) and opens it.
func (f *fileActions) onOpen() {
	f.confirmLeave(func() {
		d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil {
				showErrorDialog(f.win, err)
				return
			}
			if r == nil {
				return
			}
			path := r.URI().Path()
			_ = r.Close()
			f.openPath(path, nil)
		}, f.win)
		d.SetFilter(storage.NewExtensionFileFilter([]string{".yaml", ".yml", ".json", ".template"}))
		f.setDialogDir(d)
		d.Show()
		d.Resize(fyne.NewSize(900, 600)) // after Show: a file dialog has no content before
	})
}

// openPath opens the workspace file at path off the UI goroutine. A load
// that takes a moment shows a progress dialog with Cancel, which gives the
// window back at once and keeps the open workspace. then, when set, runs
// once the workspace is open.
func (f *fileActions) openPath(path string, then func()) {
	f.hideProgress()
	l := f.ctl.Files.Open(path, func(err error) {
		f.hideProgress()
		if err != nil {
			showErrorDialog(f.win, err)
			return
		}
		if then != nil {
			then()
		}
	})
	time.AfterFunc(progressDelay, func() {
		f.do(func() {
			if f.ctl.Files.Loading() == l && f.progress == nil && !f.closed() {
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
		f.ctl.SetNotice("Stopped opening " + l.Path + ": " + f.ctl.Name() + " stays open.")
	})
	f.progress = dialog.NewCustomWithoutButtons("Opening a workspace", container2(container.NewVBox(msg, bar), cancel), f.win)
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
	if l := f.ctl.Files.Loading(); l != nil {
		l.Cancel()
	}
	f.hideProgress()
}

// onSave saves the workspace to its file, or asks for one.
func (f *fileActions) onSave() { f.saveThen(nil) }

// saveThen saves and, when the save worked, runs then.
func (f *fileActions) saveThen(then func()) {
	err := f.ctl.Files.Save()
	if errors.Is(err, controller.ErrNoFile) {
		f.saveAsThen(then)
		return
	}
	if err != nil {
		showErrorDialog(f.win, err)
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
	ws := f.ctl.Workspace()
	name := "api.yaml"
	switch {
	case ws.Path != "":
		name = filepath.Base(ws.Path)
	case f.ctl.IsSample():
		name = assets.SampleName
	}
	pd := newPathDialog(f, name)
	save := func() {
		target, err := f.ctl.Files.CheckSaveAs(pd.path())
		if err != nil {
			pd.showProblem(err)
			return
		}
		write := func() {
			if err := f.ctl.Files.SaveAs(target); err != nil {
				pd.showProblem(err)
				return
			}
			pd.d.Hide()
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
		pd.confirmReplace(name, question, write)
	}
	pd.show("Save workspace as", "Save", "a name without an extension is saved as NAME.yaml", save)
}

// startDir is the folder file dialogs start in: the workspace's, else the
// current directory.
func (f *fileActions) startDir() string {
	if p := f.ctl.Workspace().Path; p != "" {
		return filepath.Dir(p)
	}
	if wd, err := os.Getwd(); err == nil {
		return wd
	}
	return ""
}

// setDialogDir starts a file dialog in the workspace's folder.
func (f *fileActions) setDialogDir(d *dialog.FileDialog) {
	dir := f.startDir()
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
func (f *fileActions) exportAs(title, name string, data func() ([]byte, error), done func(path string)) {
	pd := newPathDialog(f, name)
	write := func(path string) {
		b, err := data()
		if err == nil {
			err = atomicfile.Write(path, b)
		}
		if err != nil {
			pd.showProblem(err)
			return
		}
		pd.d.Hide()
		done(path)
	}
	export := func() {
		path := pd.path()
		switch st, err := os.Stat(path); {
		case strings.TrimSpace(pd.file.Text) == "":
			pd.showProblem(errors.New("give the file a name"))
		case err == nil && st.IsDir():
			pd.showProblem(fmt.Errorf("%s is a folder", path))
		case err == nil:
			pd.confirmReplace(filepath.Base(path), filepath.Base(path)+" already exists in "+filepath.Dir(path)+". Replace it?", func() { write(path) })
		default:
			if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
				pd.showProblem(fmt.Errorf("the folder %s does not exist", filepath.Dir(path)))
				return
			}
			write(path)
		}
	}
	pd.show(title, "Export", "", export)
}

// pathDialog asks for a folder and a file name and writes nothing itself:
// Save As and Export check the path, ask before replacing a file and only
// then write (Fyne's save dialog creates, and so empties, the chosen file).
type pathDialog struct {
	f            *fileActions
	folder, file *widget.Entry
	problem      *widget.Label
	d            dialog.Dialog
}

func newPathDialog(f *fileActions, name string) *pathDialog {
	pd := &pathDialog{f: f, folder: widget.NewEntry(), file: widget.NewEntry(), problem: widget.NewLabel("")}
	pd.folder.SetText(f.startDir())
	pd.file.SetText(name)
	pd.problem.Importance = widget.DangerImportance
	pd.problem.Wrapping = fyne.TextWrapWord
	pd.problem.Hide()
	return pd
}

func (pd *pathDialog) path() string { return filepath.Join(pd.folder.Text, pd.file.Text) }

// showProblem shows err under the fields; the dialog grows to show it.
func (pd *pathDialog) showProblem(err error) {
	pd.problem.SetText(errorText(err))
	pd.problem.Show()
	pd.d.Resize(fyne.NewSize(620, pd.d.MinSize().Height))
}

// confirmReplace asks whether to replace the file name, and runs then if so.
func (pd *pathDialog) confirmReplace(name, question string, then func()) {
	msg := widget.NewLabel(question)
	msg.Wrapping = fyne.TextWrapWord
	c := dialog.NewCustomConfirm("Replace "+name+"?", "Replace", "Cancel", msg, func(ok bool) {
		if ok {
			then()
		}
	}, pd.f.win)
	c.Resize(fyne.NewSize(460, 180))
	c.Show()
}

// show opens the dialog; Enter in either field or the action button runs act.
func (pd *pathDialog) show(title, action, hint string, act func()) {
	win := pd.f.win
	pd.file.OnSubmitted = func(string) { act() }
	pd.folder.OnSubmitted = func(string) { act() }
	choose := widget.NewButton("Choose…", func() {
		fd := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				pd.folder.SetText(u.Path())
			}
		}, win)
		if l, err := storage.ListerForURI(storage.NewFileURI(pd.folder.Text)); err == nil {
			fd.SetLocation(l)
		}
		fd.Show()
		fd.Resize(fyne.NewSize(900, 600))
	})
	actBtn := widget.NewButton(action, act)
	actBtn.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", func() { pd.d.Hide() })
	form := widget.NewForm(
		&widget.FormItem{Text: "Folder", Widget: container.NewBorder(nil, nil, nil, choose, pd.folder)},
		&widget.FormItem{Text: "File name", Widget: pd.file, HintText: hint},
	)
	pd.d = dialog.NewCustomWithoutButtons(title, container2(container.NewVBox(form, pd.problem), cancel, actBtn), win)
	pd.d.Resize(fyne.NewSize(620, pd.d.MinSize().Height))
	pd.d.Show()
	win.Canvas().Focus(pd.file)
}
