package model

import "testing"

// TestFaultsActing: a fault for every connection acts; a fault for one
// connection acts only while that connection is open; nothing acts while
// the faults are disabled.
func TestFaultsActing(t *testing.T) {
	open := func(id string) bool { return id == "open=" }
	for _, tc := range []struct {
		name string
		f    Faults
		want bool
	}{
		{"none", Faults{}, false},
		{"route latency", Faults{Messages: []MessageFault{{Route: "whoami", Latency: 1}}}, true},
		{"disabled", Faults{Disabled: true, Messages: []MessageFault{{Latency: 1}}}, false},
		{"connect", Faults{Connect: &ConnectFault{Status: 429}}, true},
		{"message for an open connection", Faults{Messages: []MessageFault{{Connection: "open=", Error: "Forbidden"}}}, true},
		{"message for a closed connection", Faults{Messages: []MessageFault{{Connection: "gone=", Error: "Forbidden"}}}, false},
		{"close for a closed connection", Faults{Closes: []CloseFault{{Connection: "gone=", After: 1}}}, false},
		{"close for every connection", Faults{Closes: []CloseFault{{AfterMessages: 3}}}, true},
		{"410 for a closed connection", Faults{Management: &ManagementFault{GoneConnections: []string{"gone="}}}, false},
		{"410 for an open connection", Faults{Management: &ManagementFault{GoneConnections: []string{"gone=", "open="}}}, true},
		{"429 rate", Faults{Management: &ManagementFault{LimitExceeded: 0.5, GoneConnections: []string{"gone="}}}, true},
		{"stale and live", Faults{Messages: []MessageFault{{Connection: "gone=", Drop: 1}}, Closes: []CloseFault{{Connection: "open=", After: 1}}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.f.Acting(open); got != tc.want {
				t.Errorf("Acting = %v, want %v", got, tc.want)
			}
		})
	}
}
