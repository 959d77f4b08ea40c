package ui

import (
	"time"

	"wsworkbench/ui/controller"
)

// statsEnv turns the statistics on (controller.StatsEnv).
const statsEnv = controller.StatsEnv

// statsLine is one second of statistics, as the file holds it.
type statsLine = controller.StatsLine

// statsSource is the window as the statistics read it.
type statsSource struct{ wb *workbench }

func (s statsSource) BridgeStats() controller.BridgeStats {
	b := s.wb.bridge.stats()
	return controller.BridgeStats{Scheduled: b.Scheduled, Flushes: b.Flushes, MaxPending: b.MaxPending, Pending: b.Pending}
}

func (s statsSource) TabStats() []controller.TabStats {
	var out []controller.TabStats
	for _, m := range s.wb.ctl.Tabs.List() {
		c := m.Client()
		out = append(out, controller.TabStats{Name: m.Name, ID: c.ConnectionID(), LogLen: c.Log().Len(), Dropped: c.Log().Dropped()})
	}
	return out
}

// startStats starts writing statistics to path, if path is not empty, and
// times every bridge refresh for them.
func (wb *workbench) startStats(path string) {
	if path == "" {
		return
	}
	s, err := controller.StartStats(path, wb.opts.do, statsSource{wb})
	if err != nil {
		wb.ctl.SetNotice("Statistics: " + err.Error())
		return
	}
	wb.stats = s
	inner := wb.bridge.refresh
	wb.bridge.refresh = func(d dirt) {
		t := time.Now()
		inner(d)
		s.Refreshed(time.Since(t))
	}
}
