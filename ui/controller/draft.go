package controller

import (
	"time"

	"wsworkbench/emulator"
)

// Edited is called after every change the editor makes to the draft
// (Workspace().API): it marks the workspace unsaved and, after the edit
// delay, compiles the draft and hands it to the gateway.
func (c *Controller) Edited() {
	c.editGen++
	gen := c.editGen
	c.markUnsaved()
	c.live = false
	c.changed(ChangeStatus)
	if c.applyTimer != nil {
		c.applyTimer.Stop()
	}
	c.applyTimer = time.AfterFunc(c.opts.EditDelay, func() {
		c.opts.Do(func() {
			if gen == c.editGen && !c.closed {
				c.Apply()
			}
		})
	})
	c.scheduleAutosave()
}

// Touched marks the workspace unsaved without changing what the gateway
// runs (a saved message).
func (c *Controller) Touched() {
	c.markUnsaved()
	c.scheduleAutosave()
}

func (c *Controller) markUnsaved() {
	if !c.unsaved {
		c.unsaved = true
		c.changed(ChangeTitle)
	}
}

// Apply hands the draft to the gateway now. A draft that does not compile
// changes nothing in the gateway: Errors says why, and the gateway keeps
// answering with the last valid configuration.
func (c *Controller) Apply() {
	if c.applyTimer != nil {
		c.applyTimer.Stop()
		c.applyTimer = nil
	}
	if errs := c.Server.checkFunctions(c.ws.API); len(errs) > 0 {
		c.errs, c.live = errs, false // the gateway and the functions keep the last valid draft
		c.changed(ChangeStatus)
		return
	}
	err := c.Server.gw.Update(c.ws.API)
	c.errs = AsCompileErrors(err)
	c.live = err == nil
	c.changed(ChangeStatus)
	if c.live {
		c.Server.applyFunctions()
	}
}

// Errors are the draft's compile errors (nil when it compiles).
func (c *Controller) Errors() emulator.CompileErrors { return c.errs }

// Live reports whether the gateway runs the current draft.
func (c *Controller) Live() bool { return c.live }
