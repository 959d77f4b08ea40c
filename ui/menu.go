package ui

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/emulator"
)

// shortcut returns Ctrl+key (Cmd+key on macOS), with Shift when shift is set.
func shortcut(key fyne.KeyName, shift bool) *desktop.CustomShortcut {
	m := fyne.KeyModifierShortcutDefault
	if shift {
		m |= fyne.KeyModifierShift
	}
	return &desktop.CustomShortcut{KeyName: key, Modifier: m}
}

// item returns a menu item with a keyboard shortcut. Shortcuts live on the
// main menu so they work wherever the keyboard focus is, even in an editor.
func item(label string, sc fyne.Shortcut, action func()) *fyne.MenuItem {
	it := fyne.NewMenuItem(label, action)
	it.Shortcut = sc
	return it
}

// shortcutHelp lists the keyboard shortcuts, for Help > Keyboard shortcuts
// and docs/window.md.
var shortcutHelp = [][2]string{
	{"Ctrl+N", "New workspace"},
	{"Ctrl+O", "Open a workspace (CloudFormation / SAM template, serverless.yml)"},
	{"Ctrl+S", "Save"},
	{"Ctrl+Shift+S", "Save as"},
	{"Ctrl+T", "New client tab on the embedded gateway"},
	{"Ctrl+W", "Close the client tab"},
	{"Ctrl+Enter", "Send the composer's message"},
	{"Up / Down", "Walk the composer's history (on its first / last line)"},
	{"Ctrl+R", "Reconnect the client tab"},
	{"Ctrl+D", "Disconnect the client tab"},
	{"Ctrl+F", "Search the tab's log"},
	{"Ctrl+L", "Clear the tab's log"},
	{"Ctrl+E", "Export the tab's log as JSON lines"},
	{"Ctrl+Shift+P", "Pretty-print the composer's JSON"},
	{"Ctrl+Shift+N", "Add a route"},
	{"Ctrl+1", "Show or hide the API editor"},
	{"Ctrl+2", "Show or hide connections and trace"},
	{"Ctrl+3", "Clients side by side (tiles) or as tabs"},
	{"Ctrl+4", "Show the Functions panel (local Lambda functions)"},
	{"Ctrl+= / Ctrl+- / Ctrl+0", "Zoom in / out / reset (for projectors)"},
}

// buildMenu returns the main menu. It is rebuilt when the recent files change.
func (wb *workbench) buildMenu() *fyne.MainMenu {
	recent := fyne.NewMenuItem("Open Recent", nil)
	var items []*fyne.MenuItem
	for _, p := range wb.ctl.Files.Recent() {
		path := p
		items = append(items, fyne.NewMenuItem(filepath.Base(path)+"  —  "+filepath.Dir(path), func() {
			wb.files.confirmLeave(func() { wb.files.openPath(path, nil) })
		}))
	}
	if len(items) == 0 {
		none := fyne.NewMenuItem("(none yet)", nil)
		none.Disabled = true
		items = append(items, none)
	}
	recent.ChildMenu = fyne.NewMenu("", items...)

	file := fyne.NewMenu("File",
		item("New", shortcut(fyne.KeyN, false), wb.files.onNew),
		item("Open…", shortcut(fyne.KeyO, false), wb.files.onOpen),
		recent,
		fyne.NewMenuItemSeparator(),
		item("Save", shortcut(fyne.KeyS, false), wb.files.onSave),
		item("Save As…", shortcut(fyne.KeyS, true), wb.files.onSaveAs),
		fyne.NewMenuItemSeparator(),
		wb.samples.openSampleMenu(),
	)
	clientMenu := fyne.NewMenu("Client",
		item("New Client Tab", shortcut(fyne.KeyT, false), wb.clientMenu.OnNewClient),
		item("New Client Tab for a URL…", nil, wb.clientMenu.OnNewClientURL),
		item("Close Tab", shortcut(fyne.KeyW, false), wb.clientMenu.OnCloseTab),
		fyne.NewMenuItemSeparator(),
		item("Send", shortcut(fyne.KeyReturn, false), wb.clientMenu.OnSend),
		item("Pretty-print Message", shortcut(fyne.KeyP, true), wb.clientMenu.OnPrettyComposer),
		item("Reconnect", shortcut(fyne.KeyR, false), wb.clientMenu.OnReconnect),
		item("Disconnect", shortcut(fyne.KeyD, false), wb.clientMenu.OnDisconnect),
		fyne.NewMenuItemSeparator(),
		item("Search Log", shortcut(fyne.KeyF, false), wb.clientMenu.OnSearchLog),
		item("Clear Log", shortcut(fyne.KeyL, false), wb.clientMenu.OnClearLog),
		item("Export Log…", shortcut(fyne.KeyE, false), wb.clientMenu.OnExportLog),
		item("Log Capacity…", nil, func() { askLogCapacity(wb.win, wb.opts.logCapacity, wb.setLogCapacity) }),
		fyne.NewMenuItemSeparator(),
		item("Record Scenario", nil, wb.rec.onToggle),
		item("Run Scenario…", nil, wb.rec.onRunScenario),
	)
	apiMenu := fyne.NewMenu("API",
		item("Add Route…", shortcut(fyne.KeyN, true), wb.editor.Routes.OnAddRoute),
		item("API Settings", nil, func() { wb.editor.Routes.SelectRow(0) }),
		fyne.NewMenuItemSeparator(),
		wb.samples.chatMenuItem(),
		tlsMenuItem(wb.ctl, wb.showError),
	)
	view := fyne.NewMenu("View",
		item("API Editor", shortcut(fyne.Key1, false), wb.panes.onToggleEditor),
		item("Connections and Trace", shortcut(fyne.Key2, false), wb.panes.onToggleInspector),
		item("Functions", shortcut(fyne.Key4, false), wb.functions.onShow),
		item("Clients Side by Side", shortcut(fyne.Key3, false), wb.clients.Tiles.OnToggle),
		fyne.NewMenuItemSeparator(),
		item("Zoom In", shortcut(fyne.KeyEqual, false), wb.look.onZoomIn),
		item("Zoom Out", shortcut(fyne.KeyMinus, false), wb.look.onZoomOut),
		item("Actual Size", shortcut(fyne.Key0, false), wb.look.onZoomReset),
		fyne.NewMenuItemSeparator(),
		wb.look.themeMenuItem(),
	)
	help := fyne.NewMenu("Help",
		fyne.NewMenuItem("Keyboard Shortcuts", func() { showShortcuts(wb.win) }),
		fyne.NewMenuItem("About wsworkbench", func() { showAbout(wb.win, wb.app.Metadata().Version, wb.gw) }),
	)
	return fyne.NewMainMenu(file, clientMenu, apiMenu, view, help)
}

// askLogCapacity asks how many messages a tab's log keeps (for tabs
// opened from now on), starting from cur, and hands a valid answer to set.
func askLogCapacity(win fyne.Window, cur int, set func(int)) {
	entry := widget.NewEntry()
	entry.SetText(strconv.Itoa(cur))
	entry.Validator = func(s string) error {
		_, err := parseLogCapacity(s)
		return err
	}
	items := []*widget.FormItem{{Text: "Messages per tab", Widget: entry, HintText: "for tabs opened from now on; 100 to 1 000 000"}}
	dialog.ShowForm("Log capacity", "Set", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		if n, err := parseLogCapacity(entry.Text); err == nil {
			set(n)
		}
	}, win)
}

// setLogCapacity makes tabs opened from now on keep n messages.
func (wb *workbench) setLogCapacity(n int) {
	wb.opts.logCapacity = n
	wb.clients.LogCapacity = n
	wb.prefs.SetInt(prefLogCapacity, n)
	wb.ctl.SetNotice(fmt.Sprintf("New client tabs keep the latest %d messages.", n))
}

// parseLogCapacity reads a log capacity.
func parseLogCapacity(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 100 || n > 1000000 {
		return 0, errors.New("a number from 100 to 1 000 000")
	}
	return n, nil
}

// showAbout names the program, its version and where its gateway listens.
func showAbout(win fyne.Window, version string, gw *emulator.Gateway) {
	if version == "" {
		version = "(development build)"
	}
	msg := fmt.Sprintf("wsworkbench %s\nA local workbench for Amazon API Gateway WebSocket APIs.\n\nGateway: %s\n@connections: %s",
		version, gw.URL(), gw.ConnectionsURL())
	l := widget.NewLabel(msg)
	l.Selectable = true
	dialog.ShowCustom("About", "Close", l, win)
}

// showShortcuts shows the keyboard shortcuts.
func showShortcuts(win fyne.Window) {
	form := container.NewGridWithColumns(2)
	for _, s := range shortcutHelp {
		k := widget.NewLabel(s[0])
		k.TextStyle = fyne.TextStyle{Monospace: true}
		form.Add(k)
		form.Add(widget.NewLabel(s[1]))
	}
	dialog.ShowCustom("Keyboard shortcuts", "Close", form, win)
}
