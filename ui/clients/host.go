// Package clients is the middle of the window: the client tabs (each a
// WebSocket client with a header, its log and a composer), the tiled view
// that shows up to four of them side by side, the watch tabs of
// connections the window did not open, and the Client menu's actions. It
// sees the rest of the window through Host only, and puts each tab's model
// (its client, and which gateway request each log entry belongs to) into
// the controller's registry, where the bridge finds it.
//
// Everything here runs on Fyne's goroutine, except the blocking client
// calls (connect, send, close), which run on goroutines of the Panel's own
// that Close waits for.
package clients

import (
	"crypto/x509"

	"fyne.io/fyne/v2"

	"wsworkbench/emulator/model"
	"wsworkbench/ui/trace"
	"wsworkbench/ui/watch"
)

// Host is the window as the client tabs see it.
type Host interface {
	// Window is where dialogs show.
	Window() fyne.Window
	// GatewayURL is where the embedded gateway listens now; ClientRoots
	// are the roots the clients trust (nil: the system's).
	GatewayURL() string
	ClientRoots() *x509.CertPool
	// Changed asks for a refresh of the tabs on the next frame. It is safe
	// to call from any goroutine (a client calls it on every change).
	Changed()
	// TabsChanged says a tab closed (the connections panel names tabs).
	TabsChanged()
	// Relayout arranges the window again (tiles take a narrow window's
	// whole width).
	Relayout()
	// ShowEntry shows the trace of a tab's log entry (nil: none);
	// RevealTrace brings the trace panel to the front.
	ShowEntry(src trace.Source, seq uint64)
	RevealTrace()
	// OpenRoute shows a route in the API editor (a route name in a log
	// row was clicked).
	OpenRoute(key string)
	// WatchHost is what a watch tab's view sees of the window.
	WatchHost() watch.Host
	// Starter is the message a new tab's composer starts with.
	Starter() string
	// SavedMessages are the workspace's saved messages; setting them marks
	// the workspace unsaved.
	SavedMessages() []model.SavedMessage
	SetSavedMessages([]model.SavedMessage)
	// ExportAs asks for a file and writes data() to it; Notice shows a
	// note in the status line; ShowError shows an error in a dialog.
	ExportAs(title, name string, data func() ([]byte, error), done func(path string))
	Notice(string)
	ShowError(error)
}
