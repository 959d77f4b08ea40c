package controller

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

	"wsworkbench/emulator/atomicfile"
	"wsworkbench/emulator/model"
)

// autosave is what the window writes to its state directory while a
// workspace has unsaved changes, so a crash loses at most a few seconds of
// edits. It records the model, not the file: a restore loads the workspace's
// file again (keeping its comments and other resources) and puts the model
// back on top.
type autosave struct {
	Path    string     `json:"path"`   // the workspace's file; "" when it has none
	Sample  bool       `json:"sample"` // the workspace is the built-in sample
	SavedAt time.Time  `json:"savedAt"`
	API     *model.API `json:"api"`
	Version int        `json:"version"`
}

const autosaveVersion = 1

// autosaver writes autosaves to dir/autosave/, one file per workspace path.
// One goroutine at a time does the writing, always of the newest autosave
// of each file, so a slow disk never writes an older one over a newer one
// and never holds the window up; wait blocks until it has finished.
type autosaver struct {
	dir string

	mu      sync.Mutex
	pending map[string][]byte // file → the newest autosave not written yet
	running bool
	lastErr error
	wg      sync.WaitGroup
}

func newAutosaver(stateDir string) *autosaver {
	dir := ""
	if stateDir != "" {
		dir = filepath.Join(stateDir, "autosave")
	}
	return &autosaver{dir: dir, pending: map[string][]byte{}}
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

// write stores s in the background.
func (a *autosaver) write(s autosave) {
	if a.dir == "" {
		return
	}
	s.Version = autosaveVersion
	data, err := json.MarshalIndent(s, "", "  ")
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		a.lastErr = fmt.Errorf("autosave: %w", err)
		return
	}
	a.pending[a.file(s.Path)] = data
	if !a.running {
		a.running = true
		a.wg.Add(1)
		go a.loop()
	}
}

// loop writes pending autosaves until there are none.
func (a *autosaver) loop() {
	defer a.wg.Done()
	for {
		a.mu.Lock()
		var file string
		var data []byte
		for f, d := range a.pending {
			file, data = f, d
			break
		}
		if data == nil {
			a.running = false
			a.mu.Unlock()
			return
		}
		delete(a.pending, file)
		a.mu.Unlock()
		err := atomicfile.Write(file, data)
		a.mu.Lock()
		a.lastErr = err
		a.mu.Unlock()
	}
}

// err returns the last write's error, if it failed.
func (a *autosaver) err() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.lastErr
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
	_ = os.Remove(a.file(path))
}

// Autosave is the part of the Controller that keeps unsaved changes in
// the state directory (Controller.Autosave): a write after the autosave
// delay, one now, and where they go. Like the Controller it belongs to the
// owner goroutine; the writing itself is the autosaver's.
type Autosave struct {
	c     *Controller
	saver *autosaver
	timer *time.Timer
}

// schedule writes the draft after the autosave delay, unless a write is
// already scheduled.
func (a *Autosave) schedule() {
	c := a.c
	if a.saver.dir == "" || a.timer != nil {
		return
	}
	a.timer = time.AfterFunc(c.opts.AutosaveDelay, func() {
		c.opts.Do(func() {
			a.timer = nil
			if c.closed {
				return
			}
			if err := a.saver.err(); err != nil {
				c.SetNotice("Unsaved changes could not be kept: " + err.Error())
			}
			if c.unsaved {
				a.Now()
			}
		})
	})
}

// stop cancels a scheduled write.
func (a *Autosave) stop() {
	if a.timer != nil {
		a.timer.Stop()
		a.timer = nil
	}
}

// Now writes the draft to the state directory in the background.
func (a *Autosave) Now() {
	a.stop()
	c := a.c
	a.saver.write(autosave{
		Path:    c.ws.Path,
		Sample:  c.isSample,
		SavedAt: time.Now(),
		API:     c.ws.API.Clone(),
	})
}

// File is the file an autosave of the workspace at path ("" for untitled)
// goes to, after the writes in progress have finished.
func (a *Autosave) File(path string) string {
	a.saver.wait()
	return a.saver.file(path)
}
