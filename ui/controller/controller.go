// Package controller is the window's model of what it works on, without
// any widget: the open workspace (open, save, save as, autosave, unsaved
// changes: Files, Autosave), the draft the API editor changes and whether
// the gateway runs it (Controller), the embedded gateway's lifecycle
// (start, restart for TLS off the window's goroutine) and the local
// functions (Server), the chat sample backend (Chat) and the client tabs'
// models and clients (Tabs). It imports no Fyne, so it is tested with plain
// Go tests against a real gateway on loopback and real files; package ui
// turns its changes into widgets.
//
// Concurrency: a Controller belongs to one goroutine, its owner (the
// window's UI goroutine). Every method must be called there. Work that may
// block (loading a file, restarting the gateway, writing an autosave) runs
// on goroutines of its own, which hand their results back through
// Options.Do, so OnChange always runs on the owner goroutine.
package controller

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"wsworkbench/assets"
	"wsworkbench/emulator"
	"wsworkbench/emulator/workspace"
)

// Prefs is what the controller remembers between runs: the subset of
// fyne.Preferences it uses (any map-backed store in tests).
type Prefs interface {
	Bool(key string) bool
	SetBool(key string, value bool)
	String(key string) string
	SetString(key string, value string)
	StringList(key string) []string
	SetStringList(key string, value []string)
}

// Preference keys the controller reads and writes.
const (
	PrefFirstStartDone = "firstStartDone"
	PrefLastWorkspace  = "lastWorkspace" // a path, or "" for the sample / untitled
	PrefLastIsSample   = "lastIsSample"
	PrefRecent         = "recentFiles"
	PrefTLS            = "gateway.tls"
)

// MaxRecent is how many recent files are remembered.
const MaxRecent = 8

// Options are what a Controller needs from outside.
type Options struct {
	// StateDir holds autosaves ("" keeps none).
	StateDir string
	// File is a workspace named on the command line; it wins over the last
	// workspace.
	File string
	// Addr is where the gateway listens; when it is taken the gateway takes
	// any free port on 127.0.0.1.
	Addr string
	// Do runs a function on the owner goroutine (fyne.Do in the window).
	Do func(func())
	// Prefs remembers the last workspace, recent files and TLS.
	Prefs Prefs
	// EditDelay is how long an edit waits before the draft is compiled and
	// handed to the gateway. Default 300 ms.
	EditDelay time.Duration
	// AutosaveDelay is how long an unsaved change waits before it is
	// written to the state directory. Default 2 s.
	AutosaveDelay time.Duration
	// CertDir holds the TLS certificate ("" is tlscert.DefaultDir).
	CertDir string
	// ChatAddr is where the chat sample backend listens ("" is
	// samplebackend.DefaultAddr, or any free port when that is taken).
	ChatAddr string
	// Load reads a workspace file; nil is LoadWorkspace. Tests hand in a
	// slow one.
	Load func(stop <-chan struct{}, path string) (*workspace.Workspace, error)
	// OnGateway is told about every new gateway before the one it replaces
	// closes, so a subscriber misses none of its events. It may run on any
	// goroutine.
	OnGateway func(*emulator.Gateway)
}

func (o Options) withDefaults() Options {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:8080"
	}
	if o.EditDelay <= 0 {
		o.EditDelay = 300 * time.Millisecond
	}
	if o.AutosaveDelay <= 0 {
		o.AutosaveDelay = 2 * time.Second
	}
	if o.Load == nil {
		o.Load = LoadWorkspace
	}
	if o.Prefs == nil {
		o.Prefs = NewMemPrefs()
	}
	return o
}

// Change says what a change touched, for the window to redraw.
type Change uint

// What a change can touch.
const (
	// ChangeWorkspace: another workspace is open (the editor reloads, the
	// tabs' logs clear, the composers get a message for its routes).
	ChangeWorkspace Change = 1 << iota
	// ChangeTitle: the workspace's name or its unsaved mark.
	ChangeTitle
	// ChangeStatus: whether the gateway runs the draft, its errors, a
	// restart, the notice.
	ChangeStatus
	// ChangeGateway: a new gateway replaced the old one (new URL, TLS).
	ChangeGateway
	// ChangeMenu: the recent files, the chat backend or TLS changed.
	ChangeMenu
	// ChangeFunctions: the local functions' runner was replaced (another
	// workspace, TLS); see Server.Functions.
	ChangeFunctions
)

// Controller owns the workspace, the draft and the gateway. It keeps what
// they share (the open workspace, its unsaved mark, the status notice, the
// draft's compile state) and hands each job to a part of its own: Files
// opens and saves, Autosave keeps unsaved changes, Server runs the gateway
// and the local functions, TLS serves wss://, Chat the chat sample backend, Tabs holds the
// client tabs' models. See the package comment for its concurrency
// contract (Tabs is safe for concurrent use: the bridge reads it).
type Controller struct {
	opts Options

	// OnChange is called on the owner goroutine after every change.
	OnChange func(Change)

	ws         *workspace.Workspace
	isSample   bool   // ws is the built-in sample, not yet saved anywhere
	importedAs string // the serverless.yml ws was imported from (its name until it is saved)
	unsaved    bool
	notice     string

	editGen    uint64
	applyTimer *time.Timer
	errs       emulator.CompileErrors
	live       bool

	// Files opens and saves the workspace.
	Files *Files
	// Autosave keeps unsaved changes in the state directory.
	Autosave *Autosave
	// Server runs the gateway and the local functions.
	Server *Server
	// TLS serves wss:// or plain ws://.
	TLS *TLS
	// Chat runs the chat sample backend.
	Chat *Chat
	// Tabs are the window's client tabs' models: their clients, and which
	// gateway request each log entry belongs to.
	Tabs *Tabs

	bg     sync.WaitGroup // goroutines the controller started
	closed bool
}

// New opens the start workspace (the file named in opts, else the last
// one, else the built-in sample, with any autosave on top) and starts the
// gateway on it. A workspace that does not compile starts the gateway on
// the sample, and the errors show.
func New(opts Options) (*Controller, error) {
	opts = opts.withDefaults()
	c := &Controller{opts: opts}
	c.Files = &Files{c: c}
	c.Autosave = &Autosave{c: c, saver: newAutosaver(opts.StateDir)}
	c.Server = &Server{c: c}
	c.TLS = &TLS{c: c}
	c.Chat = &Chat{c: c}
	c.Tabs = &Tabs{}
	ws, sample, unsaved, notice, err := c.Files.startWorkspace()
	if err != nil {
		return nil, err
	}
	c.ws, c.isSample, c.unsaved, c.notice = ws, sample, unsaved, notice
	if ws.Format == workspace.Serverless {
		c.importedAs = opts.File
	}
	compileErr, err := c.Server.start(ws.API, opts.Addr)
	if err != nil {
		return nil, err
	}
	c.live = compileErr == nil
	if compileErr != nil {
		c.errs = AsCompileErrors(compileErr)
		c.notice = c.Name() + " does not compile yet: until it does, the gateway runs the built-in sample."
	}
	if want := opts.Addr; c.Server.gw.Addr() != want && !hasPortZero(want) {
		c.notice = want + " is in use, so the gateway listens on " + c.Server.gw.Addr() + ". " + c.notice
	}
	if err := c.TLS.restore(); err != nil {
		c.notice = "TLS is off: " + err.Error() + ". " + c.notice
	}
	c.Server.restartFunctions()
	if c.unsaved {
		c.scheduleAutosave()
	}
	return c, nil
}

func hasPortZero(addr string) bool { return len(addr) >= 2 && addr[len(addr)-2:] == ":0" }

// changed tells the window.
func (c *Controller) changed(ch Change) {
	if c.OnChange != nil && !c.closed {
		c.OnChange(ch)
	}
}

// scheduleAutosave has Autosave write the draft after the autosave delay.
func (c *Controller) scheduleAutosave() { c.Autosave.schedule() }

// background runs f on a goroutine of its own; Close waits for it.
func (c *Controller) background(f func()) {
	c.bg.Add(1)
	go func() {
		defer c.bg.Done()
		f()
	}()
}

// Workspace returns the open workspace; its API is the draft the editor
// changes in place (then calls Edited).
func (c *Controller) Workspace() *workspace.Workspace { return c.ws }

// IsSample reports whether the workspace is the built-in sample not yet
// saved anywhere.
func (c *Controller) IsSample() bool { return c.isSample }

// Unsaved reports whether the workspace has changes its file lacks.
func (c *Controller) Unsaved() bool { return c.unsaved }

// Notice is a note for the status line (a restored autosave, a save).
func (c *Controller) Notice() string { return c.notice }

// SetNotice changes the note.
func (c *Controller) SetNotice(s string) {
	c.notice = s
	c.changed(ChangeStatus)
}

// Name is the workspace's file name, or the sample's.
func (c *Controller) Name() string {
	switch {
	case c.ws.Path != "":
		return filepath.Base(c.ws.Path)
	case c.isSample:
		return assets.SampleName + " (built-in sample)"
	case c.importedAs != "":
		return filepath.Base(c.importedAs) + " (imported)"
	}
	return "untitled"
}

// Title is the window's title: the workspace's name and, with "●", unsaved
// changes.
func (c *Controller) Title() string {
	t := "wsworkbench — " + c.Name()
	if c.unsaved {
		t += " ●"
	}
	return t
}

// Close saves any unsaved change to the state directory, stops the chat
// backend and the gateway (within its deadline) and waits for the
// controller's goroutines.
func (c *Controller) Close() {
	if c.closed {
		return
	}
	if c.unsaved {
		c.Autosave.Now()
	}
	c.closed = true
	if c.applyTimer != nil {
		c.applyTimer.Stop()
	}
	c.Autosave.stop()
	if l := c.Files.loading; l != nil {
		l.Cancel()
	}
	c.Autosave.saver.wait()
	c.Chat.close()
	c.bg.Wait()
	c.Server.closeGateways()
	c.Server.closeFunctions()
}

// AsCompileErrors returns err's CompileErrors (one unplaced error for any
// other error), or nil.
func AsCompileErrors(err error) emulator.CompileErrors {
	if err == nil {
		return nil
	}
	var ces emulator.CompileErrors
	if errors.As(err, &ces) {
		return ces
	}
	var ce *emulator.CompileError
	if errors.As(err, &ce) {
		return emulator.CompileErrors{ce}
	}
	return emulator.CompileErrors{{Msg: err.Error()}}
}

// sampleWorkspace parses the built-in MOCK sample.
func sampleWorkspace() (*workspace.Workspace, error) {
	ws, err := workspace.Parse(assets.SampleName, assets.SampleAPI)
	if err != nil {
		return nil, fmt.Errorf("built-in sample: %w", err)
	}
	return ws, nil
}
