package editor

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/emulator"
)

// errorMatcher picks the compile errors that belong to one editor field.
type errorMatcher func(*emulator.CompileError) bool

// codeEditor is a monospace editor for a mapping template or a selection
// expression, with the field's error (line:col and message) right under it.
// The error comes from compiling the whole API, which the workbench does a
// moment after each keystroke; until the text compiles, the gateway keeps
// running the last text that did.
type codeEditor struct {
	name     string // what the field is, for tests and focus
	entry    *widget.Entry
	errLabel *widget.Label
	box      *fyne.Container
	match    errorMatcher
	// check, when set, validates text the model cannot even hold (a number,
	// a duration): a failing text is not handed to onChange.
	check    func(string) error
	onChange func(string)
	localErr error
}

// newCodeEditor returns an editor holding text. multiLine is for templates;
// expressions are one line.
func newCodeEditor(text string, multiLine bool, onChange func(string), match errorMatcher) *codeEditor {
	c := &codeEditor{match: match, onChange: onChange}
	if multiLine {
		c.entry = widget.NewMultiLineEntry()
		// Word wrap keeps templates readable in a narrow panel; errors
		// count lines as written, not as wrapped.
		c.entry.Wrapping = fyne.TextWrapWord
		c.entry.SetMinRowsVisible(6)
	} else {
		c.entry = widget.NewEntry()
	}
	c.entry.TextStyle = fyne.TextStyle{Monospace: true}
	c.entry.SetText(text)
	c.entry.OnChanged = c.onChanged
	c.errLabel = widget.NewLabel("")
	c.errLabel.Importance = widget.DangerImportance
	c.errLabel.Wrapping = fyne.TextWrapWord
	c.errLabel.TextStyle = fyne.TextStyle{Monospace: true}
	c.errLabel.Hide()
	c.box = container.NewBorder(nil, c.errLabel, nil, nil, c.entry)
	return c
}

func (c *codeEditor) object() fyne.CanvasObject { return c.box }

func (c *codeEditor) onChanged(text string) {
	if c.check != nil {
		c.localErr = c.check(text)
		if c.localErr != nil {
			c.showError(c.localErr.Error())
			return
		}
		c.showError("")
	}
	if c.onChange != nil {
		c.onChange(text)
	}
}

// setErrors shows the first of errs that belongs to this field.
func (c *codeEditor) setErrors(errs emulator.CompileErrors) {
	if c.localErr != nil {
		return
	}
	for _, e := range errs {
		if c.match != nil && c.match(e) {
			c.showError(fieldError(e))
			return
		}
	}
	c.showError("")
}

// text returns what the error label shows ("" when hidden).
func (c *codeEditor) errorText() string {
	if !c.errLabel.Visible() {
		return ""
	}
	return c.errLabel.Text
}

func (c *codeEditor) showError(s string) {
	if s == "" {
		if c.errLabel.Visible() {
			c.errLabel.SetText("")
			c.errLabel.Hide()
			c.box.Refresh()
		}
		return
	}
	c.errLabel.SetText(s)
	if !c.errLabel.Visible() {
		c.errLabel.Show()
		c.box.Refresh()
	}
}

// fieldError is a compile error as its field shows it: "line:col message",
// the place being the field itself.
func fieldError(e *emulator.CompileError) string {
	if e.Line > 0 {
		return fmt.Sprintf("%d:%d %s", e.Line, e.Col, e.Msg)
	}
	return e.Msg
}

// Entry is the field's text entry.
func (c *codeEditor) Entry() *widget.Entry { return c.entry }

// ErrorText is what the field's error label shows ("" when hidden).
func (c *codeEditor) ErrorText() string { return c.errorText() }
