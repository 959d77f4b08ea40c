package dynamo

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"wsworkbench/emulator/dynamo/dynamotest"
	"wsworkbench/emulator/model"
)

// TestEnsureTables creates the missing table with its keys and indexes and
// leaves the existing one alone.
func TestEnsureTables(t *testing.T) {
	f := dynamotest.New(t)
	f.Add("exists")
	tables := []model.Table{
		{Name: "exists", Attributes: []model.TableAttribute{{Name: "id", Type: "S"}}, KeySchema: []model.TableKey{{Name: "id", KeyType: "HASH"}}},
		{Name: "chat", Attributes: []model.TableAttribute{{Name: "pk", Type: "S"}, {Name: "g", Type: "N"}},
			KeySchema: []model.TableKey{{Name: "pk", KeyType: "HASH"}},
			GlobalSecondaryIndexes: []model.TableIndex{{Name: "byG", KeySchema: []model.TableKey{{Name: "g", KeyType: "HASH"}},
				Projection: "INCLUDE", NonKeyAttributes: []string{"x"}}}},
	}
	created, err := EnsureTables(context.Background(), f.URL, "", tables)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(created, []string{"chat"}) {
		t.Fatalf("created %v, want [chat]", created)
	}
	creates := f.CreateRequests()
	if len(creates) != 1 {
		t.Fatalf("%d CreateTable calls", len(creates))
	}
	b, _ := json.Marshal(creates[0])
	for _, want := range []string{`"AttributeName":"pk","AttributeType":"S"`, `"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]`,
		`"IndexName":"byG"`, `"NonKeyAttributes":["x"]`, `"ProjectionType":"INCLUDE"`, `"ReadCapacityUnits":5`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("CreateTable lacks %s: %s", want, b)
		}
	}
	// A second run creates nothing.
	if created, err := EnsureTables(context.Background(), f.URL, "", tables); err != nil || len(created) != 0 {
		t.Fatalf("second run: created %v, %v", created, err)
	}
}

// TestCheckEndpoint rejects what is not an http(s) URL.
func TestCheckEndpoint(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{{"http://127.0.0.1:8000", true}, {"https://localhost:4566/", true}, {"127.0.0.1:8000", false}, {"ftp://x", false}, {"", false}} {
		if err := CheckEndpoint(c.in); (err == nil) != c.ok {
			t.Errorf("CheckEndpoint(%q) = %v", c.in, err)
		}
	}
}

// TestEnsureTablesUnreachable reports a server that is not there.
func TestEnsureTablesUnreachable(t *testing.T) {
	f := dynamotest.New(t)
	url := f.URL
	f.Close()
	_, err := EnsureTables(context.Background(), url, "", []model.Table{{Name: "x", KeySchema: []model.TableKey{{Name: "id", KeyType: "HASH"}}}})
	if err == nil || !strings.Contains(err.Error(), "looking for table x") {
		t.Fatalf("err = %v", err)
	}
}
