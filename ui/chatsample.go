package ui

import (
	"fmt"

	"fyne.io/fyne/v2"

	"wsworkbench/assets"
)

// chatSampleTabs is how many client tabs a chat sample opens with.
const chatSampleTabs = 3

// chatMessage is what the composers hold for the chat sample.
const chatMessage = `{"action":"sendmessage","data":"hello"}`

// onToggleChatSample runs or stops the chat sample backend.
func (wb *workbench) onToggleChatSample() {
	if wb.ctl.ChatRunning() {
		wb.ctl.StopChat()
		return
	}
	if err := wb.ctl.StartChat(); err != nil {
		wb.showError(err)
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
func (wb *workbench) onOpenChatSample(name string) {
	wb.files.confirmLeave(func() {
		if err := wb.openChatSample(name); err != nil {
			wb.showError(err)
		}
	})
}

// openChatSample does onOpenChatSample's work without asking.
func (wb *workbench) openChatSample(name string) error {
	data, ok := chatSeeds[name]
	if !ok {
		return fmt.Errorf("no chat sample called %s", name)
	}
	if err := wb.ctl.OpenSample(name, data, false); err != nil {
		return err
	}
	return wb.runChatWorkspace()
}

// runChatWorkspace starts the chat backend for the open workspace and
// (re)connects three tabs on the embedded gateway, so each is in the chat's
// connections table.
func (wb *workbench) runChatWorkspace() error {
	if err := wb.ctl.StartChat(); err != nil {
		return err
	}
	embedded := 0
	for _, t := range wb.clients.list {
		if t.target.url == "" {
			embedded++
			t.connect()
		}
	}
	for ; embedded < chatSampleTabs; embedded++ {
		wb.clients.addTab(tabTarget{}, false)
	}
	wb.offerMessage(chatMessage, true)
	return nil
}

// openSampleMenu is File > Open Sample: the built-in MOCK sample and the
// chat samples.
func (wb *workbench) openSampleMenu() *fyne.MenuItem {
	it := fyne.NewMenuItem("Open Sample", nil)
	it.ChildMenu = fyne.NewMenu("",
		fyne.NewMenuItem("MOCK sample (built in, no backend)", wb.files.onOpenSample),
		fyne.NewMenuItem("Chat (SAM template) with its backend", func() { wb.onOpenChatSample(assets.ChatSAMName) }),
		fyne.NewMenuItem("Chat (serverless.yml) with its backend", func() { wb.onOpenChatSample(assets.ChatServerlessName) }),
	)
	return it
}

// chatMenuItem is API > Run Chat Sample Backend, checked while it runs.
func (wb *workbench) chatMenuItem() *fyne.MenuItem {
	it := fyne.NewMenuItem("Run Chat Sample Backend", wb.onToggleChatSample)
	it.Checked = wb.ctl.ChatRunning()
	return it
}
