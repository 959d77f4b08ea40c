package clients

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

// Composer is where a tab's messages are written: a multi-line monospace
// editor whose JSON is checked while typing, Ctrl+Enter to send, Up/Down to
// walk the sent messages, and the workspace's saved messages.
type Composer struct {
	tab     *Tab
	Entry   *ComposerEntry
	Status  *widget.Label
	saved   *widget.Button
	SendBtn *widget.Button
	walking bool // the entry's text is being set from the history
}

func newComposer(t *Tab) *Composer {
	c := &Composer{tab: t}
	c.Entry = newComposerEntry()
	c.Entry.SetPlaceHolder(`{"action": "message", "messageId": 1}`)
	c.Entry.SetText(t.p.host.Starter())
	c.Entry.onSend = c.onSend
	c.Entry.onHistory = c.onHistory
	c.Status = widget.NewLabel("")
	c.Status.Truncation = fyne.TextTruncateEllipsis
	c.Entry.OnChanged = c.onChanged
	c.onChanged(c.Entry.Text)
	return c
}

func (c *Composer) object() fyne.CanvasObject {
	c.SendBtn = widget.NewButtonWithIcon("Send", theme.MailSendIcon(), c.onSend)
	c.SendBtn.Importance = widget.HighImportance
	pretty := widget.NewButton("Pretty", c.OnPretty)
	c.saved = widget.NewButtonWithIcon("Saved", theme.MenuDropDownIcon(), c.OnSavedMenu)
	bar := container.NewBorder(nil, nil, container.NewHBox(c.saved, pretty), c.SendBtn, c.Status)
	return container.NewBorder(nil, bar, nil, nil, c.Entry)
}

// onChanged checks the text's JSON while typing.
func (c *Composer) onChanged(text string) {
	if !c.walking {
		c.tab.Model.Client().History().Reset()
	}
	err := client.CheckJSON(text)
	var je *client.JSONError
	switch {
	case strings.TrimSpace(text) == "":
		c.Status.SetText("")
		c.Status.Importance = widget.LowImportance
	case errors.As(err, &je):
		c.Status.SetText("JSON error at " + je.Error())
		c.Status.Importance = widget.DangerImportance
	case err != nil:
		c.Status.SetText(err.Error())
		c.Status.Importance = widget.DangerImportance
	case client.LooksLikeJSON(text):
		c.Status.SetText("✓ JSON")
		c.Status.Importance = widget.SuccessImportance
	default:
		c.Status.SetText("plain text (goes to $default)")
		c.Status.Importance = widget.LowImportance
	}
	c.Status.Refresh()
}

// onSend sends the composer's text as one frame. The text stays, so it can
// be sent again; the history gets it too.
func (c *Composer) onSend() {
	text := c.Entry.Text
	if text == "" {
		return
	}
	cl := c.tab.Model.Client()
	if p := cl.State().Phase; p != client.Open {
		// Nothing goes out: say so where the person looks, and how to
		// go on.
		c.Status.SetText("Not sent: the connection is " + cl.State().String() + ". Reconnect (Ctrl+R) first.")
		c.Status.Importance = widget.DangerImportance
		c.Status.Refresh()
		return
	}
	c.tab.p.background(func() { _ = cl.Send(text) }) // a failure is logged
}

// OnPretty indents the composer's JSON.
func (c *Composer) OnPretty() {
	p, err := client.PrettyJSON(c.Entry.Text)
	if err != nil {
		c.onChanged(c.Entry.Text)
		return
	}
	c.Entry.SetText(p)
}

// onHistory walks the sent messages; it reports whether it changed the text.
func (c *Composer) onHistory(back bool) bool {
	h := c.tab.Model.Client().History()
	var text string
	var ok bool
	if back {
		text, ok = h.Prev(c.Entry.Text)
	} else {
		text, ok = h.Next()
	}
	if !ok {
		return false
	}
	c.walking = true
	c.Entry.SetText(text)
	c.walking = false
	return true
}

// OnSavedMenu shows the workspace's saved messages, and saving this one.
func (c *Composer) OnSavedMenu() {
	host := c.tab.p.host
	var items []*fyne.MenuItem
	for _, m := range host.SavedMessages() {
		body := m.Body
		items = append(items, fyne.NewMenuItem(m.Name, func() { c.Entry.SetText(body) }))
	}
	if len(items) > 0 {
		items = append(items, fyne.NewMenuItemSeparator())
	}
	items = append(items, fyne.NewMenuItem("Save This Message…", c.OnSaveMessage))
	if len(host.SavedMessages()) > 0 {
		del := fyne.NewMenuItem("Delete", nil)
		var dels []*fyne.MenuItem
		for _, m := range host.SavedMessages() {
			name := m.Name
			dels = append(dels, fyne.NewMenuItem(name, func() { c.DeleteSaved(name) }))
		}
		del.ChildMenu = fyne.NewMenu("", dels...)
		items = append(items, del)
	}
	menu := fyne.NewMenu("", items...)
	widget.ShowPopUpMenuAtRelativePosition(menu, host.Window().Canvas(), fyne.NewPos(0, c.saved.Size().Height), c.saved)
}

// OnSaveMessage asks for a name and saves the composer's text in the
// workspace.
func (c *Composer) OnSaveMessage() {
	askText(c.tab.p.host.Window(), "Save message", "Name", "e.g. hello", "Save", c.saveAs)
}

// saveAs saves the composer's text under name.
func (c *Composer) saveAs(name string) {
	host := c.tab.p.host
	list, err := model.SaveMessage(host.SavedMessages(), name, c.Entry.Text)
	if err != nil {
		host.ShowError(err)
		return
	}
	host.SetSavedMessages(list)
}

// DeleteSaved deletes the saved message name from the workspace.
func (c *Composer) DeleteSaved(name string) {
	host := c.tab.p.host
	host.SetSavedMessages(model.DeleteMessage(host.SavedMessages(), name))
}

// ComposerEntry is a multi-line monospace entry where Ctrl+Enter sends and
// Up on the first line / Down on the last walks the history.
type ComposerEntry struct {
	widget.Entry
	onSend    func()
	onHistory func(back bool) bool
}

func newComposerEntry() *ComposerEntry {
	e := &ComposerEntry{}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapOff
	e.TextStyle = fyne.TextStyle{Monospace: true}
	e.ExtendBaseWidget(e)
	e.SetMinRowsVisible(2)
	return e
}

// TypedKey walks the history with Up on the first line and Down on the last.
func (e *ComposerEntry) TypedKey(k *fyne.KeyEvent) {
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
func (e *ComposerEntry) TypedShortcut(s fyne.Shortcut) {
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
