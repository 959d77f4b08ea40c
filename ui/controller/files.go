package controller

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"wsworkbench/emulator/model"
	"wsworkbench/emulator/workspace"
)

// Files is the part of the Controller that opens and saves the workspace
// (Controller.Files): the start workspace, Open (off the owner goroutine),
// New, the samples, Save and Save As, and the recent files. Like the
// Controller it belongs to the owner goroutine.
type Files struct {
	c       *Controller
	loading *Loading
}

// ErrNoFile is Save's error for a workspace that has no file yet: ask
// for one, check it with CheckSaveAs, then SaveTo.
var ErrNoFile = errors.New("the workspace has no file yet")

// startWorkspace returns the workspace the window opens with: the file
// named on the command line, else the last workspace, else the built-in
// sample. Unsaved changes from an autosave are put back on top.
func (f *Files) startWorkspace() (ws *workspace.Workspace, sample, unsaved bool, notice string, err error) {
	c := f.c
	p := c.opts.Prefs
	path := c.opts.File
	if path == "" && p.Bool(PrefFirstStartDone) {
		path = p.String(PrefLastWorkspace)
	}
	if path != "" {
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		ws, err = workspace.Load(path)
		switch {
		case err != nil && c.opts.File != "":
			return nil, false, false, "", err
		case err != nil:
			notice = fmt.Sprintf("Could not reopen %s: %v", path, err)
		default:
			unsaved, notice = f.restoreAutosave(ws, path)
			ws.AssignIDs()
			return ws, false, unsaved, notice, nil
		}
	}
	if a, err := c.Autosave.saver.read(""); err == nil && a != nil {
		if ws, err := baseFor(a); err == nil {
			ws.API = a.API
			ws.AssignIDs()
			return ws, a.Sample, true, "Restored unsaved changes from " + a.SavedAt.Format("Jan 2 15:04:05"), nil
		}
	}
	ws, err = sampleWorkspace()
	if err != nil {
		return nil, false, false, "", err
	}
	ws.AssignIDs()
	return ws, true, false, notice, nil
}

// baseFor returns the workspace an untitled autosave goes on top of.
func baseFor(a *autosave) (*workspace.Workspace, error) {
	if a.Sample {
		return sampleWorkspace()
	}
	return workspace.New(a.API), nil
}

// restoreAutosave puts an autosave of path on top of ws, if there is one.
func (f *Files) restoreAutosave(ws *workspace.Workspace, path string) (bool, string) {
	c := f.c
	a, err := c.Autosave.saver.read(path)
	if err != nil {
		return false, "Could not read the autosave: " + err.Error()
	}
	if a == nil {
		return false, ""
	}
	ws.API = a.API
	return true, "Restored unsaved changes from " + a.SavedAt.Format("Jan 2 15:04:05")
}

// switchTo makes ws the open workspace and hands it to the gateway.
func (f *Files) switchTo(ws *workspace.Workspace, sample, unsaved bool, notice, importedAs string) {
	c := f.c
	ws.AssignIDs()
	c.ws, c.isSample, c.unsaved, c.importedAs = ws, sample, unsaved, importedAs
	c.editGen++
	c.Apply()
	c.Server.restartFunctions()
	c.notice = notice
	c.opts.Prefs.SetString(PrefLastWorkspace, ws.Path)
	c.opts.Prefs.SetBool(PrefLastIsSample, sample)
	if ws.Path != "" {
		f.addRecent(ws.Path)
	}
	if unsaved {
		c.scheduleAutosave()
	}
	c.changed(ChangeWorkspace | ChangeTitle | ChangeStatus | ChangeMenu)
}

// NewWorkspace makes a new, untitled workspace for api the open one. Call
// it after the unsaved changes were saved or discarded.
func (f *Files) NewWorkspace(api *model.API, notice string) {
	f.c.Autosave.saver.remove("")
	f.switchTo(workspace.New(api), false, false, notice, "")
}

// OpenSample opens a built-in sample: the MOCK sample (sample true: saving
// asks for a file, and an autosave goes back on top of it) or a chat seed,
// parsed unchanged. Call it after the unsaved changes were saved or
// discarded.
func (f *Files) OpenSample(name string, data []byte, sample bool) error {
	c := f.c
	ws, err := workspace.Parse(name, data)
	if err != nil {
		return fmt.Errorf("sample %s: %w", name, err)
	}
	c.Autosave.saver.remove("")
	f.switchTo(ws, sample, false, "", "")
	return nil
}

// DiscardChanges forgets the unsaved changes' autosave (the person chose to
// discard them; the next workspace replaces the draft).
func (f *Files) DiscardChanges() {
	c := f.c
	c.Autosave.saver.remove(c.ws.Path)
	c.unsaved = false
	c.changed(ChangeTitle)
}

// Loading is a workspace file being read off the owner goroutine.
type Loading struct {
	Path string
	stop chan struct{}
	once sync.Once
}

// Cancel abandons the load: its result, whenever it comes, is dropped, and
// a loader that watches the stop channel returns early.
func (l *Loading) Cancel() { l.once.Do(func() { close(l.stop) }) }

func (l *Loading) cancelled() bool {
	select {
	case <-l.stop:
		return true
	default:
		return false
	}
}

// LoadWorkspace is the default loader: workspace.LoadContext, stopped
// when stop closes.
func LoadWorkspace(stop <-chan struct{}, path string) (*workspace.Workspace, error) {
	select {
	case <-stop:
		return nil, context.Canceled
	default:
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	return workspace.LoadContext(ctx, path)
}

// Open reads the workspace file at path on a goroutine of its own and,
// unless the load is cancelled, makes it the open workspace (with any
// unsaved changes an autosave kept for it). done runs on the owner
// goroutine with the load's error, or nil once the workspace is open; it
// does not run after Cancel. Opening another file cancels a load in
// progress. Call it after the unsaved changes were saved or discarded.
func (f *Files) Open(path string, done func(error)) *Loading {
	c := f.c
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	if f.loading != nil {
		f.loading.Cancel()
	}
	l := &Loading{Path: path, stop: make(chan struct{})}
	f.loading = l
	load := c.opts.Load
	// Not c.background: Close must not wait for a loader that cannot be
	// stopped; its result is dropped.
	go func() {
		ws, err := load(l.stop, path)
		c.opts.Do(func() {
			if f.loading == l {
				f.loading = nil
			}
			if l.cancelled() || c.closed {
				return
			}
			if err != nil {
				done(err)
				return
			}
			f.openLoaded(ws, path)
			done(nil)
		})
	}()
	return l
}

// Loading returns the load in progress, or nil.
func (f *Files) Loading() *Loading { return f.loading }

// openLoaded makes a workspace Open read the open one.
func (f *Files) openLoaded(ws *workspace.Workspace, path string) {
	imported := ""
	if ws.Format == workspace.Serverless {
		imported = path
	}
	unsaved, notice := f.restoreAutosave(ws, path)
	if notice == "" {
		notice = "Opened " + path
		if len(ws.Warnings) > 0 {
			notice = fmt.Sprintf("Opened %s with %d warning(s): %s", path, len(ws.Warnings), strings.Join(ws.Warnings, "; "))
		}
	}
	f.switchTo(ws, false, unsaved, notice, imported)
}

// Save writes the workspace to its file (atomically). It returns ErrNoFile
// when the workspace has none yet.
func (f *Files) Save() error {
	c := f.c
	if c.ws.Path == "" {
		return ErrNoFile
	}
	return f.SaveTo(c.ws.Path)
}

// SaveTarget is a checked Save As destination.
type SaveTarget struct {
	// Path is the file to write: absolute, with ".yaml" added to a name
	// without an extension.
	Path string
	// Replaces is set when another file is there already: ask first.
	Replaces bool
	// ReadOnly is set when that file is read-only: ask first, and SaveAs
	// replaces it (keeping it read-only).
	ReadOnly bool
}

// Ask reports whether the person should confirm before SaveAs.
func (t SaveTarget) Ask() bool { return t.Replaces || t.ReadOnly }

// CheckSaveAs runs every check a Save As to path needs before anything is
// written: a name, then the workspace library's checks
// (workspace.CheckSaveAs: a folder that exists, not a folder or another
// non-regular file, not the serverless.yml the workspace was imported
// from), then whether the workspace can be saved at all (its draft
// compiles and would load back). The caller asks when the target's Ask
// says so, then calls SaveAs.
func (f *Files) CheckSaveAs(path string) (SaveTarget, error) {
	c := f.c
	path = strings.TrimSpace(path)
	if path == "" || strings.HasSuffix(path, string(filepath.Separator)) {
		return SaveTarget{}, errors.New("choose a file name")
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	if filepath.Ext(path) == "" {
		path += ".yaml"
	}
	t, err := c.ws.CheckSaveAs(path)
	if err != nil {
		return SaveTarget{}, err
	}
	if _, err := c.ws.Marshal(); err != nil {
		return SaveTarget{}, fmt.Errorf("the workspace cannot be saved until this is fixed: %w", err)
	}
	return SaveTarget{Path: path, Replaces: t.Exists && !t.Own, ReadOnly: t.ReadOnly}, nil
}

// SaveAs saves to a target CheckSaveAs returned, after the person agreed
// to what its Ask asked: a read-only file there is replaced and stays
// read-only.
func (f *Files) SaveAs(t SaveTarget) error {
	return f.saveTo(t.Path, workspace.SaveOptions{ReplaceReadOnly: t.ReadOnly})
}

// SaveTo writes the workspace to path (atomically, through
// workspace.Save) and makes path its file. Nothing is written when the
// save fails.
func (f *Files) SaveTo(path string) error { return f.saveTo(path, workspace.SaveOptions{}) }

func (f *Files) saveTo(path string, opt workspace.SaveOptions) error {
	c := f.c
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	oldPath := c.ws.Path
	if err := c.ws.SaveWith(path, opt); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	c.Autosave.saver.remove(oldPath)
	if oldPath != path {
		c.Autosave.saver.remove(path)
	}
	c.Autosave.stop()
	c.isSample, c.unsaved, c.importedAs = false, false, ""
	c.opts.Prefs.SetString(PrefLastWorkspace, path)
	c.opts.Prefs.SetBool(PrefLastIsSample, false)
	f.addRecent(path)
	if oldPath != path {
		c.Server.restartFunctions() // code paths are relative to the file
	}
	c.notice = "Saved " + path + " at " + time.Now().Format("15:04:05")
	c.changed(ChangeTitle | ChangeStatus | ChangeMenu)
	return nil
}

// Recent returns the recent files, newest first.
func (f *Files) Recent() []string { return f.c.opts.Prefs.StringList(PrefRecent) }

// addRecent puts path first in the recent files.
func (f *Files) addRecent(path string) {
	c := f.c
	list := []string{path}
	for _, p := range c.opts.Prefs.StringList(PrefRecent) {
		if p != path && len(list) < MaxRecent {
			list = append(list, p)
		}
	}
	c.opts.Prefs.SetStringList(PrefRecent, list)
}
