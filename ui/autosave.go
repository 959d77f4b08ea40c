package ui

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"wsworkbench/emulator/model"
)

// autosave is what the window writes to its state directory while a
// workspace has unsaved changes, so a crash loses at most a few seconds of
// edits. It records the model, not the file: a restore loads the workspace's
// file again (keeping its comments and other resources) and puts the model
// back on top.
type autosave struct {
	Path     string     `json:"path"`   // the workspace's file; "" when it has none
	Sample   bool       `json:"sample"` // the workspace is the built-in sample
	SavedAt  time.Time  `json:"savedAt"`
	API      *model.API `json:"api"`
	Version  int        `json:"version"`
	Untitled bool       `json:"untitled,omitempty"`
}

const autosaveVersion = 1

// autosaver writes autosaves to dir/autosave/, one file per workspace path.
// Writes run in a goroutine of their own, one at a time and in order; wait
// blocks until the last has finished.
type autosaver struct {
	dir string

	mu   sync.Mutex // serialises writes
	wg   sync.WaitGroup
	errs chan error
}

func newAutosaver(stateDir string) *autosaver {
	dir := ""
	if stateDir != "" {
		dir = filepath.Join(stateDir, "autosave")
	}
	return &autosaver{dir: dir}
}

// file returns the autosave file for a workspace path ("" for untitled).
func (a *autosaver) file(path string) string {
	key := "untitled"
	if path != "" {
		sum := sha256.Sum256([]byte(path))
		key = hex.EncodeToString(sum[:8])
	}
	return filepath.Join(a.dir, key+".json")
}

// write stores s in the background; done, when set, gets the result.
func (a *autosaver) write(s autosave, done func(error)) {
	if a.dir == "" {
		return
	}
	s.Version = autosaveVersion
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		if done != nil {
			done(fmt.Errorf("autosave: %w", err))
		}
		return
	}
	file := a.file(s.Path)
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		a.mu.Lock()
		defer a.mu.Unlock()
		err := writeFileAtomic(file, data)
		if done != nil {
			done(err)
		}
	}()
}

// wait blocks until every write has finished.
func (a *autosaver) wait() { a.wg.Wait() }

// read returns the autosave for path, if there is one.
func (a *autosaver) read(path string) (*autosave, error) {
	if a.dir == "" {
		return nil, nil
	}
	a.wait()
	data, err := os.ReadFile(a.file(path))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s autosave
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("autosave %s: %w", a.file(path), err)
	}
	if s.API == nil || s.Path != path {
		return nil, nil
	}
	return &s, nil
}

// remove deletes the autosave for path: the changes are saved or discarded.
func (a *autosaver) remove(path string) {
	if a.dir == "" {
		return
	}
	a.wait()
	a.mu.Lock()
	defer a.mu.Unlock()
	_ = os.Remove(a.file(path))
}

// writeFileAtomic writes data to a temporary file beside path, syncs it and
// renames it over path.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}

// scheduleAutosave writes the draft after the autosave delay, unless a
// write is already scheduled.
func (wb *workbench) scheduleAutosave() {
	if wb.saver.dir == "" || wb.autosaveTimer != nil {
		return
	}
	wb.autosaveTimer = time.AfterFunc(wb.opts.autosaveDelay, func() {
		wb.opts.do(func() {
			wb.autosaveTimer = nil
			if wb.unsaved {
				wb.autosaveNow()
			}
		})
	})
}

// autosaveNow writes the draft to the state directory in the background.
func (wb *workbench) autosaveNow() {
	if wb.autosaveTimer != nil {
		wb.autosaveTimer.Stop()
		wb.autosaveTimer = nil
	}
	wb.saver.write(autosave{
		Path:    wb.ws.Path,
		Sample:  wb.isSample,
		SavedAt: time.Now(),
		API:     wb.ws.API.Clone(),
	}, nil)
}
