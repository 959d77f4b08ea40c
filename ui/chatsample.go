package ui

import (
	"fmt"

	"fyne.io/fyne/v2"

	"wsworkbench/assets"
	"wsworkbench/ui/clients"
	"wsworkbench/ui/controller"
)

// chatSampleTabs is how many client tabs a chat sample opens with.
const chatSampleTabs = 3

// chatMessage is what the composers hold for the chat sample.
const chatMessage = `{"action":"sendmessage","data":"hello"}`

// samples are File > Open Sample and the chat sample backend: one click
// from a first start to a working demo. They hold the controller, the file
// actions (to ask about unsaved changes first), the client tabs and the
// composers' starter message.
type samples struct {
	ctl      *controller.Controller
	files    *fileActions
	clients  *clients.Panel
	starters *starters
}

// onToggleChatSample runs or stops the chat sample backend.
func (sm *samples) onToggleChatSample() {
	if sm.ctl.Chat.Running() {
		sm.ctl.Chat.Stop()
		return
	}
	if err := sm.ctl.Chat.Start(); err != nil {
		showErrorDialog(sm.files.win, err)
	}
}

// chatSeeds are the chat samples File > Open Sample offers.
var chatSeeds = map[string][]byte{
	assets.ChatSAMName:        assets.ChatSAM,
	assets.ChatServerlessName: assets.ChatServerless,
}

// onOpenChatSample opens a chat sample (the seed SAM template or
// serverless.yml, unchanged), runs the chat backend for it, and connects
// three client tabs: one click to a working chat.
func (sm *samples) onOpenChatSample(name string) {
	sm.files.confirmLeave(func() {
		if err := sm.openChatSample(name); err != nil {
			showErrorDialog(sm.files.win, err)
		}
	})
}

// openChatSample does onOpenChatSample's work without asking.
func (sm *samples) openChatSample(name string) error {
	data, ok := chatSeeds[name]
	if !ok {
		return fmt.Errorf("no chat sample called %s", name)
	}
	if err := sm.ctl.Files.OpenSample(name, data, false); err != nil {
		return err
	}
	return sm.runChatWorkspace()
}

// runChatWorkspace starts the chat backend for the open workspace and
// (re)connects three tabs on the embedded gateway, so each is in the chat's
// connections table.
func (sm *samples) runChatWorkspace() error {
	if err := sm.ctl.Chat.Start(); err != nil {
		return err
	}
	embedded := 0
	for _, t := range sm.clients.List {
		if t.Target.URL == "" {
			embedded++
			t.Connect()
		}
	}
	for ; embedded < chatSampleTabs; embedded++ {
		sm.clients.Add(clients.Target{}, false)
	}
	sm.starters.offer(chatMessage, true)
	return nil
}

// openSampleMenu is File > Open Sample: the built-in MOCK sample and the
// chat samples.
func (sm *samples) openSampleMenu() *fyne.MenuItem {
	it := fyne.NewMenuItem("Open Sample", nil)
	it.ChildMenu = fyne.NewMenu("",
		fyne.NewMenuItem("MOCK sample (built in, no backend)", sm.files.onOpenSample),
		fyne.NewMenuItem("Chat (SAM template) with its backend", func() { sm.onOpenChatSample(assets.ChatSAMName) }),
		fyne.NewMenuItem("Chat (serverless.yml) with its backend", func() { sm.onOpenChatSample(assets.ChatServerlessName) }),
	)
	return it
}

// chatMenuItem is API > Run Chat Sample Backend, checked while it runs.
func (sm *samples) chatMenuItem() *fyne.MenuItem {
	it := fyne.NewMenuItem("Run Chat Sample Backend", sm.onToggleChatSample)
	it.Checked = sm.ctl.Chat.Running()
	return it
}
