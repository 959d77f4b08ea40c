package controller

import "wsworkbench/emulator/model"

// Faults returns the faults the workspace holds (what the gateway runs
// once the draft is applied).
func (c *Controller) Faults() model.Faults { return c.ws.API.Settings.Faults.Clone() }

// SetFaults puts faults into the workspace (saved in its Metadata, marked
// unsaved) and into the running gateway at once, whatever else the draft
// waits for. Invalid faults change nothing.
func (c *Controller) SetFaults(f model.Faults) error {
	if err := f.Validate(); err != nil {
		return err
	}
	if err := c.Server.gw.SetFaults(f.Clone()); err != nil {
		return err
	}
	c.ws.API.Settings.Faults = f.Clone()
	c.markUnsaved()
	c.scheduleAutosave()
	c.changed(ChangeStatus)
	return nil
}
