package model

import (
	"reflect"
	"testing"
)

func TestSavedMessages(t *testing.T) {
	orig := []SavedMessage{{Name: "ping", Body: `{"action":"ping"}`}}
	list, err := SaveMessage(orig, "  join ", `{"action":"join"}`)
	if err != nil {
		t.Fatal(err)
	}
	list, err = SaveMessage(list, "ping", `{"action":"ping","v":2}`)
	if err != nil {
		t.Fatal(err)
	}
	want := []SavedMessage{{Name: "ping", Body: `{"action":"ping","v":2}`}, {Name: "join", Body: `{"action":"join"}`}}
	if !reflect.DeepEqual(list, want) {
		t.Errorf("list = %+v, want %+v", list, want)
	}
	if orig[0].Body != `{"action":"ping"}` {
		t.Error("SaveMessage changed the caller's list")
	}
	if _, err := SaveMessage(list, " ", "x"); err == nil {
		t.Error("a blank name was accepted")
	}
	list2 := DeleteMessage(list, "ping")
	if !reflect.DeepEqual(list2, want[1:]) || len(list) != 2 {
		t.Errorf("DeleteMessage = %+v (original now %+v)", list2, list)
	}
}
