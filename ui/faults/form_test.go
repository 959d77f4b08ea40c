package faults

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"wsworkbench/emulator/model"
)

// TestFormAppliesAndKeepsOthers: the form's fields become faults; faults
// the panel does not show (one connection's) are kept; clearing a field
// removes its fault; a bad field names itself and changes nothing.
func TestFormAppliesAndKeepsOthers(t *testing.T) {
	base := model.Faults{Messages: []model.MessageFault{{Connection: "abc=", Drop: 1}}}
	fm := Form{LatencyMS: "300", JitterMS: "50", Route: "sendmessage", Error: "Forbidden", ErrorRate: "0.5",
		RefuseStatus: "429", RefuseEvery: "3", LimitExceeded: "0.25", CloseAfterMessages: "5", CloseCode: "1011"}
	f, err := fm.Apply(base)
	if err != nil {
		t.Fatal(err)
	}
	want := model.Faults{
		Messages: []model.MessageFault{{Connection: "abc=", Drop: 1},
			{Route: "sendmessage", Latency: 300 * time.Millisecond, Jitter: 50 * time.Millisecond, Error: "Forbidden", ErrorRate: 0.5}},
		Connect:    &model.ConnectFault{Status: 429, Every: 3},
		Management: &model.ManagementFault{LimitExceeded: 0.25},
		Closes:     []model.CloseFault{{AfterMessages: 5, Code: 1011}},
	}
	if !reflect.DeepEqual(f, want) {
		t.Fatalf("got %+v\nwant %+v", f, want)
	}
	if back := FromFaults(f, ""); back != fm {
		t.Errorf("FromFaults gives %+v, want %+v", back, fm)
	}
	cleared, err := Form{}.Apply(f)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cleared, base) {
		t.Errorf("an empty form leaves %+v, want %+v", cleared, base)
	}
	for _, bad := range []Form{{LatencyMS: "fast"}, {Drop: "2"}, {RefuseStatus: "200"}, {CloseAfterMessages: "2", CloseCode: "1006"}, {ErrorRate: "NaN"}} {
		got, err := bad.Apply(f)
		if err == nil || !reflect.DeepEqual(got, f) {
			t.Errorf("%+v: err %v, faults %+v", bad, err, got)
		}
	}
	if _, err := (Form{Drop: "x"}).Apply(base); err == nil || !strings.HasPrefix(err.Error(), "Drop:") {
		t.Errorf("error %v does not name the field", err)
	}
}

// FuzzFormApply: any text in the fields either gives valid faults that the
// form reads back unchanged, or an error that leaves the faults as they were.
func FuzzFormApply(f *testing.F) {
	f.Add("", "300", "50", "0.1", "Forbidden", "0.5", "429", "3", "0.2", "5", "1011", "", "", "", "", "", "", "")
	f.Add("$default", "-1", "1e9", "NaN", "", "Inf", "500", "0", "1", "1", "drop", "7", "0.3", "10", "A=", "100", "0.5", "1012")
	f.Fuzz(func(t *testing.T, route, lat, jit, drop, errFrame, errRate, status, every, limit, after, code, ans, gone, afterSec, conn, connLat, connDrop, connCode string) {
		fm := Form{Route: route, LatencyMS: lat, JitterMS: jit, Drop: drop, Error: errFrame, ErrorRate: errRate,
			RefuseStatus: status, RefuseEvery: every, LimitExceeded: limit, CloseAfterMessages: after, CloseCode: code,
			AnswerLatencyMS: ans, Gone: gone, CloseAfterSeconds: afterSec,
			Conn: conn, ConnLatencyMS: connLat, ConnAnswerLatencyMS: connLat, ConnDrop: connDrop, ConnGone: len(conn)%2 == 1,
			ConnError: errFrame, ConnErrorRate: errRate,
			ConnCloseAfterSec: afterSec, ConnCloseCode: connCode}
		base := model.Faults{Seed: 7}
		got, err := fm.Apply(base)
		if err != nil {
			if !reflect.DeepEqual(got, base) {
				t.Fatalf("an error changed the faults: %+v", got)
			}
			return
		}
		if err := got.Validate(); err != nil {
			t.Fatalf("applied invalid faults: %v", err)
		}
		again, err := FromFaults(got, strings.TrimSpace(conn)).Apply(base)
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Fatalf("read back: %+v, %v; want %+v", again, err, got)
		}
	})
}

// TestFormConnectionFaults: the fields for one connection become a message
// fault for it (latency before the integration and before the answer, a
// drop, an error frame for a fraction of its messages), its entry in
// GoneConnections and a close after a delay; another connection's faults
// and what the form does not show of this one's (jitter from the file) are
// kept; the error frame from the file shows in the form and can be
// changed; clearing the fields removes exactly what they set.
func TestFormConnectionFaults(t *testing.T) {
	base := model.Faults{
		Messages:   []model.MessageFault{{Connection: "A=", Error: "Forbidden", Jitter: 20 * time.Millisecond}, {Connection: "B=", Latency: time.Second}},
		Management: &model.ManagementFault{GoneConnections: []string{"B="}},
	}
	if fromFile := FromFaults(base, "A="); fromFile.ConnError != "Forbidden" || fromFile.ConnErrorRate != "" {
		t.Errorf("the file's error frame for A= reads %q at rate %q", fromFile.ConnError, fromFile.ConnErrorRate)
	}
	fm := Form{AnswerLatencyMS: "200", Gone: "0.5", CloseAfterSeconds: "30", CloseCode: "drop",
		Conn: "A=", ConnLatencyMS: "100", ConnAnswerLatencyMS: "300", ConnDrop: "0.1", ConnError: "Endpoint request timed out", ConnErrorRate: "0.5",
		ConnGone: true, ConnCloseAfterSec: "5", ConnCloseCode: "1012"}
	f, err := fm.Apply(base)
	if err != nil {
		t.Fatal(err)
	}
	want := model.Faults{
		Messages: []model.MessageFault{
			{Connection: "A=", Error: "Endpoint request timed out", ErrorRate: 0.5, Jitter: 20 * time.Millisecond,
				Latency: 100 * time.Millisecond, AnswerLatency: 300 * time.Millisecond, Drop: 0.1},
			{Connection: "B=", Latency: time.Second},
			{AnswerLatency: 200 * time.Millisecond}},
		Management: &model.ManagementFault{Gone: 0.5, GoneConnections: []string{"B=", "A="}},
		Closes:     []model.CloseFault{{After: 30 * time.Second, Drop: true}, {Connection: "A=", After: 5 * time.Second, Code: 1012}},
	}
	if !reflect.DeepEqual(f, want) {
		t.Fatalf("got %+v\nwant %+v", f, want)
	}
	if back := FromFaults(f, "A="); back != fm {
		t.Errorf("FromFaults gives %+v, want %+v", back, fm)
	}
	if b := FromFaults(f, "B="); b.ConnLatencyMS != "1000" || !b.ConnGone || b.ConnCloseAfterSec != "" {
		t.Errorf("connection B= reads %+v", b)
	}
	cleared, err := Form{Conn: "A="}.Apply(f)
	if err != nil {
		t.Fatal(err)
	}
	wantCleared := model.Faults{
		Messages:   []model.MessageFault{{Connection: "A=", Jitter: 20 * time.Millisecond}, {Connection: "B=", Latency: time.Second}},
		Management: &model.ManagementFault{GoneConnections: []string{"B="}},
	}
	if !reflect.DeepEqual(cleared, wantCleared) {
		t.Errorf("clearing leaves %+v\nwant %+v", cleared, wantCleared)
	}
	for _, bad := range []Form{{Conn: "A=", ConnLatencyMS: "slow"}, {Conn: "A=", ConnDrop: "2"}, {Conn: "A=", ConnError: "Teapot"}, {Conn: "A=", ConnErrorRate: "1.5"}, {Gone: "-1"}, {CloseAfterSeconds: "x"}, {Conn: "A=", ConnCloseAfterSec: "3", ConnCloseCode: "1005"}} {
		if got, err := bad.Apply(f); err == nil || !reflect.DeepEqual(got, f) {
			t.Errorf("%+v: err %v, faults %+v", bad, err, got)
		}
	}
}
