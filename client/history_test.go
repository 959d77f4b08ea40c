package client

import (
	"reflect"
	"testing"
)

func TestHistoryAdd(t *testing.T) {
	h := NewHistory(3)
	for _, s := range []string{"a", "a", "", "b", "a", "c", "d"} {
		h.Add(s)
	}
	if got, want := h.Items(), []string{"a", "c", "d"}; !reflect.DeepEqual(got, want) {
		t.Errorf("items = %q, want %q (bounded, no consecutive duplicates, no empties)", got, want)
	}
	if NewHistory(0).size != DefaultHistorySize {
		t.Error("NewHistory(0) does not use the default size")
	}
}

func TestHistoryWalk(t *testing.T) {
	type step struct {
		op      string // "prev", "next", "add", "reset"
		arg     string // current text for prev, text for add
		want    string
		wantOK  bool
		comment string
	}
	tests := []struct {
		name  string
		items []string
		steps []step
	}{
		{"empty history", nil, []step{
			{op: "prev", arg: "draft", wantOK: false},
			{op: "next", wantOK: false},
		}},
		{"up, up, down, down returns the draft", []string{"one", "two"}, []step{
			{op: "prev", arg: "typing", want: "two", wantOK: true},
			{op: "prev", arg: "two", want: "one", wantOK: true},
			{op: "prev", arg: "one", wantOK: false, comment: "stays at the oldest"},
			{op: "next", want: "two", wantOK: true},
			{op: "next", want: "typing", wantOK: true},
			{op: "next", wantOK: false, comment: "not walking any more"},
		}},
		{"the draft is kept from the first step only", []string{"one", "two"}, []step{
			{op: "prev", arg: "mine", want: "two", wantOK: true},
			{op: "prev", arg: "two (edited)", want: "one", wantOK: true},
			{op: "next", want: "two", wantOK: true},
			{op: "next", want: "mine", wantOK: true},
		}},
		{"send ends the walk", []string{"one", "two"}, []step{
			{op: "prev", arg: "", want: "two", wantOK: true},
			{op: "prev", arg: "", want: "one", wantOK: true},
			{op: "add", arg: "one"},
			{op: "prev", arg: "", want: "one", wantOK: true, comment: "the newest is now the resent one"},
			{op: "prev", arg: "", want: "two", wantOK: true},
		}},
		{"reset forgets the draft", []string{"one"}, []step{
			{op: "prev", arg: "draft", want: "one", wantOK: true},
			{op: "reset"},
			{op: "next", wantOK: false},
			{op: "prev", arg: "new", want: "one", wantOK: true},
			{op: "next", want: "new", wantOK: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHistory(10)
			for _, s := range tt.items {
				h.Add(s)
			}
			for i, s := range tt.steps {
				var got string
				var ok bool
				switch s.op {
				case "prev":
					got, ok = h.Prev(s.arg)
				case "next":
					got, ok = h.Next()
				case "add":
					h.Add(s.arg)
					continue
				case "reset":
					h.Reset()
					continue
				}
				if got != s.want || ok != s.wantOK {
					t.Errorf("step %d (%s %s) = %q, %v; want %q, %v", i, s.op, s.comment, got, ok, s.want, s.wantOK)
				}
			}
		})
	}
}
