package dynamo

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"wsworkbench/emulator/model"
)

// fakeDynamo answers DescribeTable and CreateTable as DynamoDB's JSON
// protocol does, with one table ("exists") already there.
type fakeDynamo struct {
	mu      sync.Mutex
	tables  map[string]bool
	creates []map[string]any
}

func (f *fakeDynamo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var in map[string]any
	json.Unmarshal(body, &in)
	name, _ := in["TableName"].(string)
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	switch strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "DynamoDB_20120810.") {
	case "DescribeTable":
		if !f.tables[name] {
			w.WriteHeader(400)
			io.WriteString(w, `{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}`)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"Table": map[string]any{"TableName": name, "TableStatus": "ACTIVE"}})
	case "CreateTable":
		f.tables[name] = true
		f.creates = append(f.creates, in)
		json.NewEncoder(w).Encode(map[string]any{"TableDescription": map[string]any{"TableName": name, "TableStatus": "CREATING"}})
	default:
		w.WriteHeader(400)
		io.WriteString(w, `{"__type":"UnknownOperationException"}`)
	}
}

// TestEnsureTables creates the missing table with its keys and indexes and
// leaves the existing one alone.
func TestEnsureTables(t *testing.T) {
	f := &fakeDynamo{tables: map[string]bool{"exists": true}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	tables := []model.Table{
		{Name: "exists", Attributes: []model.TableAttribute{{Name: "id", Type: "S"}}, KeySchema: []model.TableKey{{Name: "id", KeyType: "HASH"}}},
		{Name: "chat", Attributes: []model.TableAttribute{{Name: "pk", Type: "S"}, {Name: "g", Type: "N"}},
			KeySchema: []model.TableKey{{Name: "pk", KeyType: "HASH"}},
			GlobalSecondaryIndexes: []model.TableIndex{{Name: "byG", KeySchema: []model.TableKey{{Name: "g", KeyType: "HASH"}},
				Projection: "INCLUDE", NonKeyAttributes: []string{"x"}}}},
	}
	created, err := EnsureTables(context.Background(), srv.URL, "", tables)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(created, []string{"chat"}) {
		t.Fatalf("created %v, want [chat]", created)
	}
	if len(f.creates) != 1 {
		t.Fatalf("%d CreateTable calls", len(f.creates))
	}
	b, _ := json.Marshal(f.creates[0])
	for _, want := range []string{`"AttributeName":"pk","AttributeType":"S"`, `"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]`,
		`"IndexName":"byG"`, `"NonKeyAttributes":["x"]`, `"ProjectionType":"INCLUDE"`, `"ReadCapacityUnits":5`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("CreateTable lacks %s: %s", want, b)
		}
	}
	// A second run creates nothing.
	if created, err := EnsureTables(context.Background(), srv.URL, "", tables); err != nil || len(created) != 0 {
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
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := EnsureTables(context.Background(), url, "", []model.Table{{Name: "x", KeySchema: []model.TableKey{{Name: "id", KeyType: "HASH"}}}})
	if err == nil || !strings.Contains(err.Error(), "looking for table x") {
		t.Fatalf("err = %v", err)
	}
}
