package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/client"
	"wsworkbench/emulator/model"
)

// composer is where a tab's messages are written: a multi-line monospace
// editor whose JSON is checked while typing, Ctrl+Enter to send, Up/Down to
// walk the sent messages, and the workspace's saved messages.
type composer struct {
	tab     *clientTab
	entry   *composerEntry
	status  *widget.Label
	saved   *widget.Button
	sendBtn *widget.Button
	walking bool // the entry's text is being set from the history
}

func newComposer(t *clientTab) *composer {
	c := &composer{tab: t}
	c.entry = newComposerEntry()
	c.entry.SetPlaceHolder(`{"action": "message", "messageId": 1}`)
	c.entry.SetText(t.wb.starters.text)
	c.entry.onSend = c.onSend
	c.entry.onHistory = c.onHistory
	c.status = widget.NewLabel("")
	c.status.Truncation = fyne.TextTruncateEllipsis
	c.entry.OnChanged = c.onChanged
	c.onChanged(c.entry.Text)
	return c
}

func (c *composer) object() fyne.CanvasObject {
	c.sendBtn = widget.NewButtonWithIcon("Send", theme.MailSendIcon(), c.onSend)
	c.sendBtn.Importance = widget.HighImportance
	pretty := widget.NewButton("Pretty", c.onPretty)
	c.saved = widget.NewButtonWithIcon("Saved", theme.MenuDropDownIcon(), c.onSavedMenu)
	bar := container.NewBorder(nil, nil, container.NewHBox(c.saved, pretty), c.sendBtn, c.status)
	return container.NewBorder(nil, bar, nil, nil, c.entry)
}

// onChanged checks the text's JSON while typing.
func (c *composer) onChanged(text string) {
	if !c.walking {
		c.tab.model.Client().History().Reset()
	}
	err := client.CheckJSON(text)
	var je *client.JSONError
	switch {
	case strings.TrimSpace(text) == "":
		c.status.SetText("")
		c.status.Importance = widget.LowImportance
	case errors.As(err, &je):
		c.status.SetText("JSON error at " + je.Error())
		c.status.Importance = widget.DangerImportance
	case err != nil:
		c.status.SetText(err.Error())
		c.status.Importance = widget.DangerImportance
	case client.LooksLikeJSON(text):
		c.status.SetText("✓ JSON")
		c.status.Importance = widget.SuccessImportance
	default:
		c.status.SetText("plain text (goes to $default)")
		c.status.Importance = widget.LowImportance
	}
	c.status.Refresh()
}

// onSend sends the composer's text as one frame. The text stays, so it can
// be sent again; the history gets it too.
func (c *composer) onSend() {
	text := c.entry.Text
	if text == "" {
		return
	}
	cl := c.tab.model.Client()
	if p := cl.State().Phase; p != client.Open {
		// Nothing goes out: say so where the person looks, and how to
		// go on.
		c.status.SetText("Not sent: the connection is " + cl.State().String() + ". Reconnect (Ctrl+R) first.")
		c.status.Importance = widget.DangerImportance
		c.status.Refresh()
		return
	}
	c.tab.wb.background(func() { _ = cl.Send(text) }) // a failure is logged
}

// onPretty indents the composer's JSON.
func (c *composer) onPretty() {
	p, err := client.PrettyJSON(c.entry.Text)
	if err != nil {
		c.onChanged(c.entry.Text)
		return
	}
	c.entry.SetText(p)
}

// onHistory walks the sent messages; it reports whether it changed the text.
func (c *composer) onHistory(back bool) bool {
	h := c.tab.model.Client().History()
	var text string
	var ok bool
	if back {
		text, ok = h.Prev(c.entry.Text)
	} else {
		text, ok = h.Next()
	}
	if !ok {
		return false
	}
	c.walking = true
	c.entry.SetText(text)
	c.walking = false
	return true
}

// onSavedMenu shows the workspace's saved messages, and saving this one.
func (c *composer) onSavedMenu() {
	wb := c.tab.wb
	var items []*fyne.MenuItem
	for _, m := range wb.ws.API.SavedMessages {
		body := m.Body
		items = append(items, fyne.NewMenuItem(m.Name, func() { c.entry.SetText(body) }))
	}
	if len(items) > 0 {
		items = append(items, fyne.NewMenuItemSeparator())
	}
	items = append(items, fyne.NewMenuItem("Save This Message…", c.onSaveMessage))
	if len(wb.ws.API.SavedMessages) > 0 {
		del := fyne.NewMenuItem("Delete", nil)
		var dels []*fyne.MenuItem
		for _, m := range wb.ws.API.SavedMessages {
			name := m.Name
			dels = append(dels, fyne.NewMenuItem(name, func() { c.deleteSaved(name) }))
		}
		del.ChildMenu = fyne.NewMenu("", dels...)
		items = append(items, del)
	}
	menu := fyne.NewMenu("", items...)
	widget.ShowPopUpMenuAtRelativePosition(menu, wb.win.Canvas(), fyne.NewPos(0, c.saved.Size().Height), c.saved)
}

// onSaveMessage asks for a name and saves the composer's text in the
// workspace.
func (c *composer) onSaveMessage() {
	askText(c.tab.wb.win, "Save message", "Name", "e.g. hello", "Save", c.saveAs)
}

// saveAs saves the composer's text under name.
func (c *composer) saveAs(name string) {
	wb := c.tab.wb
	list, err := model.SaveMessage(wb.ws.API.SavedMessages, name, c.entry.Text)
	if err != nil {
		wb.showError(err)
		return
	}
	wb.ws.API.SavedMessages = list
	wb.ctl.Touched()
}

func (c *composer) deleteSaved(name string) {
	wb := c.tab.wb
	wb.ws.API.SavedMessages = model.DeleteMessage(wb.ws.API.SavedMessages, name)
	wb.ctl.Touched()
}

// composerEntry is a multi-line monospace entry where Ctrl+Enter sends and
// Up on the first line / Down on the last walks the history.
type composerEntry struct {
	widget.Entry
	onSend    func()
	onHistory func(back bool) bool
}

func newComposerEntry() *composerEntry {
	e := &composerEntry{}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapOff
	e.TextStyle = fyne.TextStyle{Monospace: true}
	e.ExtendBaseWidget(e)
	e.SetMinRowsVisible(2)
	return e
}

// TypedKey walks the history with Up on the first line and Down on the last.
func (e *composerEntry) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyUp:
		if e.CursorRow == 0 && e.onHistory != nil && e.onHistory(true) {
			return
		}
	case fyne.KeyDown:
		if e.CursorRow == strings.Count(e.Text, "\n") && e.onHistory != nil && e.onHistory(false) {
			return
		}
	}
	e.Entry.TypedKey(k)
}

// TypedShortcut sends on Ctrl+Enter (the main menu has the same shortcut;
// this covers windows without it).
func (e *composerEntry) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok && isSendShortcut(cs) {
		if e.onSend != nil {
			e.onSend()
		}
		return
	}
	e.Entry.TypedShortcut(s)
}

func isSendShortcut(cs *desktop.CustomShortcut) bool {
	return (cs.KeyName == fyne.KeyReturn || cs.KeyName == fyne.KeyEnter) &&
		cs.Modifier&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0
}
