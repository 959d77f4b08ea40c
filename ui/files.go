package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/assets"
	"wsworkbench/emulator/model"
	"wsworkbench/emulator/workspace"
)

// startWorkspace returns the workspace the window opens with: the file
// named on the command line, else the last workspace, else the built-in
// sample. Unsaved changes from an autosave are put back on top.
func (wb *workbench) startWorkspace() (ws *workspace.Workspace, sample, unsaved bool, notice string, err error) {
	path := wb.opts.file
	if path == "" && wb.prefs.Bool(prefFirstStartDone) {
		path = wb.prefs.String(prefLastWorkspace)
	}
	if path != "" {
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		ws, err = workspace.Load(path)
		switch {
		case err != nil && wb.opts.file != "":
			return nil, false, false, "", err
		case err != nil:
			notice = fmt.Sprintf("Could not reopen %s: %v", path, err)
		default:
			unsaved, notice = wb.restoreAutosave(ws, path)
			ws.AssignIDs()
			return ws, false, unsaved, notice, nil
		}
	}
	if a, err := wb.saver.read(""); err == nil && a != nil {
		ws, err := wb.baseFor(a)
		if err == nil {
			ws.API = a.API
			ws.AssignIDs()
			return ws, a.Sample, true, "Restored unsaved changes from " + a.SavedAt.Format("Jan 2 15:04:05"), nil
		}
	}
	ws, err = workspace.Parse(assets.SampleName, assets.SampleAPI)
	if err != nil {
		return nil, false, false, "", fmt.Errorf("built-in sample: %w", err)
	}
	ws.AssignIDs()
	return ws, true, false, notice, nil
}

// baseFor returns the workspace an untitled autosave goes on top of.
func (wb *workbench) baseFor(a *autosave) (*workspace.Workspace, error) {
	if a.Sample {
		return workspace.Parse(assets.SampleName, assets.SampleAPI)
	}
	return workspace.New(a.API), nil
}

// restoreAutosave puts an autosave of path on top of ws, if there is one.
func (wb *workbench) restoreAutosave(ws *workspace.Workspace, path string) (bool, string) {
	a, err := wb.saver.read(path)
	if err != nil {
		return false, "Could not read the autosave: " + err.Error()
	}
	if a == nil {
		return false, ""
	}
	ws.API = a.API
	return true, "Restored unsaved changes from " + a.SavedAt.Format("Jan 2 15:04:05")
}

// newAPI returns the API File > New starts with: one two-way $default
// route whose MOCK answers with what the gateway saw.
func newAPI() *model.API {
	api := &model.API{
		Name:                     "new-api",
		RouteSelectionExpression: "$request.body.action",
		Stage:                    model.Stage{Name: "production"},
	}
	r, in := newMockRoute(model.RouteDefault)
	in.Responses[0].Key = "$default"
	in.Responses[0].ResponseTemplates["$default"] = `{"message": "The $context.routeKey route answered.", "connectionId": "$context.connectionId"}`
	in.ID = "DefaultIntegration"
	in.Responses[0].ID = "DefaultIntegrationResponse"
	r.ID = "DefaultRoute"
	r.RouteResponse.ID = "DefaultRouteResponse"
	r.IntegrationID = in.ID
	api.Routes = []model.Route{r}
	api.Integrations = []model.Integration{in}
	return api
}

// switchTo makes ws the open workspace and hands it to the gateway.
func (wb *workbench) switchTo(ws *workspace.Workspace, sample, unsaved bool, notice string) {
	ws.AssignIDs()
	wb.ws, wb.isSample, wb.unsaved = ws, sample, unsaved
	wb.editGen++
	wb.editor.reload()
	wb.apply()
	wb.updateTitle()
	wb.setNotice(notice)
	wb.prefs.SetString(prefLastWorkspace, ws.Path)
	wb.prefs.SetBool(prefLastIsSample, sample)
	if ws.Path != "" {
		wb.addRecent(ws.Path)
	}
	if unsaved {
		wb.scheduleAutosave()
	}
}

// confirmLeave runs then right away when the workspace has no unsaved
// changes; otherwise it asks whether to save them first.
func (wb *workbench) confirmLeave(then func()) {
	if !wb.unsaved {
		then()
		return
	}
	var d dialog.Dialog
	save := widget.NewButton("Save", func() {
		d.Hide()
		wb.saveThen(then)
	})
	save.Importance = widget.HighImportance
	discard := widget.NewButton("Discard changes", func() {
		d.Hide()
		wb.saver.remove(wb.ws.Path)
		wb.unsaved = false
		then()
	})
	cancel := widget.NewButton("Cancel", func() { d.Hide() })
	msg := widget.NewLabel(wb.workspaceName() + " has unsaved changes.")
	d = dialog.NewCustomWithoutButtons("Unsaved changes", container2(msg, cancel, discard, save), wb.win)
	d.Show()
}

// onNew starts a new, untitled workspace.
func (wb *workbench) onNew() {
	wb.confirmLeave(func() {
		wb.saver.remove("")
		wb.switchTo(workspace.New(newAPI()), false, false, "New workspace: save it to give it a file.")
	})
}

// onOpen asks for a workspace file (a CloudFormation or SAM template, or a
// serverless.yml) and opens it.
func (wb *workbench) onOpen() {
	wb.confirmLeave(func() {
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
			wb.openPath(path)
		}, wb.win)
		d.SetFilter(storage.NewExtensionFileFilter([]string{".yaml", ".yml", ".json", ".template"}))
		wb.setDialogDir(d)
		d.Show()
		d.Resize(fyne.NewSize(900, 600)) // after Show: a file dialog has no content before
	})
}

// openPath opens the workspace file at path (with any unsaved changes an
// autosave kept for it).
func (wb *workbench) openPath(path string) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	ws, err := workspace.Load(path)
	if err != nil {
		wb.showError(err)
		return
	}
	unsaved, notice := wb.restoreAutosave(ws, path)
	if notice == "" {
		notice = "Opened " + path
		if len(ws.Warnings) > 0 {
			notice = fmt.Sprintf("Opened %s with %d warning(s): %s", path, len(ws.Warnings), strings.Join(ws.Warnings, "; "))
		}
	}
	wb.switchTo(ws, false, unsaved, notice)
}

// onSave saves the workspace to its file, or asks for one.
func (wb *workbench) onSave() { wb.saveThen(nil) }

// saveThen saves and, when the save worked, runs then.
func (wb *workbench) saveThen(then func()) {
	if wb.ws.Path == "" {
		wb.saveAsThen(then)
		return
	}
	if err := wb.saveTo(wb.ws.Path); err != nil {
		wb.showError(err)
		return
	}
	if then != nil {
		then()
	}
}

// onSaveAs asks for a file and saves the workspace there.
func (wb *workbench) onSaveAs() { wb.saveAsThen(nil) }

func (wb *workbench) saveAsThen(then func()) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			wb.showError(err)
			return
		}
		if w == nil {
			return
		}
		path := w.URI().Path()
		_ = w.Close()
		if filepath.Ext(path) == "" {
			_ = os.Remove(path) // the dialog created it; the real file gets an extension
			path += ".yaml"
		}
		if err := wb.saveTo(path); err != nil {
			wb.showError(err)
			return
		}
		if then != nil {
			then()
		}
	}, wb.win)
	name := "api.yaml"
	if wb.ws.Path != "" {
		name = filepath.Base(wb.ws.Path)
	} else if wb.isSample {
		name = assets.SampleName
	}
	d.SetFileName(name)
	wb.setDialogDir(d)
	d.Show()
	d.Resize(fyne.NewSize(900, 600)) // after Show: a file dialog has no content before
}

// saveTo writes the workspace to path (atomically) and makes path its file.
func (wb *workbench) saveTo(path string) error {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	oldPath := wb.ws.Path
	if err := wb.ws.Save(path); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	wb.saver.remove(oldPath)
	if oldPath != path {
		wb.saver.remove(path)
	}
	if wb.autosaveTimer != nil {
		wb.autosaveTimer.Stop()
		wb.autosaveTimer = nil
	}
	wb.isSample = false
	wb.unsaved = false
	wb.updateTitle()
	wb.prefs.SetString(prefLastWorkspace, path)
	wb.prefs.SetBool(prefLastIsSample, false)
	wb.addRecent(path)
	wb.setNotice("Saved " + path + " at " + time.Now().Format("15:04:05"))
	return nil
}

// setDialogDir starts a file dialog in the workspace's folder.
func (wb *workbench) setDialogDir(d *dialog.FileDialog) {
	dir := ""
	if wb.ws.Path != "" {
		dir = filepath.Dir(wb.ws.Path)
	} else if wd, err := os.Getwd(); err == nil {
		dir = wd
	}
	if dir == "" {
		return
	}
	if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
		d.SetLocation(l)
	}
}
