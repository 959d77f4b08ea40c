// Package dynamotest is a fake DynamoDB endpoint for tests of what creates a
// workspace's tables (`wsworkbench serve`, the window): it answers
// DescribeTable and CreateTable as DynamoDB's JSON protocol does and records
// the tables created.
package dynamotest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Fake is a DynamoDB endpoint holding tables by name.
type Fake struct {
	URL string
	srv *httptest.Server

	mu       sync.Mutex
	tables   map[string]bool
	created  []string
	requests []map[string]any // the CreateTable requests, decoded
}

// New starts a Fake on loopback, stopped when t ends.
func New(t testing.TB) *Fake {
	f := &Fake{tables: map[string]bool{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	f.URL, f.srv = srv.URL, srv
	return f
}

// Add makes a table that already exists.
func (f *Fake) Add(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tables[name] = true
}

// CreateRequests returns the CreateTable requests received, decoded.
func (f *Fake) CreateRequests() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

// Close stops answering: the endpoint is down.
func (f *Fake) Close() { f.srv.Close() }

// Created returns the names of the tables created so far, in order.
func (f *Fake) Created() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.created)
}

func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
		f.created = append(f.created, name)
		f.requests = append(f.requests, in)
		json.NewEncoder(w).Encode(map[string]any{"TableDescription": map[string]any{"TableName": name, "TableStatus": "CREATING"}})
	default:
		w.WriteHeader(400)
		io.WriteString(w, `{"__type":"UnknownOperationException"}`)
	}
}
