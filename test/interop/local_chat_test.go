package interop

import (
	"bytes"
	"context"
	"crypto/tls"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/gorilla/websocket"

	"wsworkbench/emulator/tlscert"
)

// samChat is the SAM chat seed (a byte-for-byte copy, checked below) beside
// the sample's own handlers: AWS SDK for JavaScript v3, DynamoDB.
var samChat = filepath.Join("testdata", "samchat", "template.yaml")

// freePort returns a loopback port nothing listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// The SAM chat runs in the workbench with its own Node.js handlers and
// DynamoDB (dynalite): serve --dynamodb-endpoint creates the seed's table,
// the handlers find it through AWS_ENDPOINT_URL_DYNAMODB, three clients get
// one broadcast, and a connection the table lists but that is gone is
// dropped when its post answers 410.
func TestSAMChatRunsLocallyWithDynamoDB(t *testing.T) {
	node := needTool(t, "node", "node")
	needFile(t, "dynalite (npm, test/interop/package.json)", "node_modules/dynalite/package.json")
	needFile(t, "@aws-sdk/lib-dynamodb (npm, test/interop/package.json)", "node_modules/@aws-sdk/lib-dynamodb/package.json")
	seed, err := os.ReadFile(chatSeed)
	if err != nil {
		t.Fatal(err)
	}
	if copied, err := os.ReadFile(samChat); err != nil || !bytes.Equal(copied, seed) {
		t.Fatalf("%s is not the seed %s byte for byte (%v): copy it again", samChat, chatSeed, err)
	}

	port := strconv.Itoa(freePort(t))
	dynOut := startProcess(t, os.Environ(), node, "node_modules/dynalite/cli.js", "--port", port)
	waitLine(t, dynOut, regexp.MustCompile(`(Listening) at`), "dynalite")
	dynamoURL := "http://127.0.0.1:" + port

	config := t.TempDir()
	cert, err := tlscert.Ensure(filepath.Join(config, "wsworkbench", "tls"))
	if err != nil {
		t.Fatal(err)
	}
	serveOut := startProcess(t, append(os.Environ(), "XDG_CONFIG_HOME="+config), binary, "serve", "--listen", "127.0.0.1:0",
		"--tls", "--dynamodb-endpoint", dynamoURL, samChat)
	wsURL := waitLine(t, serveOut, regexp.MustCompile(`^WebSocket: (wss://127\.0\.0\.1:\d+/Prod)$`), "wsworkbench serve")
	waitLine(t, serveOut, regexp.MustCompile(`^DynamoDB: (created table simplechat_connections) at `), "wsworkbench serve")

	ddb := dynamodb.New(dynamodb.Options{Region: "us-east-1", BaseEndpoint: aws.String(dynamoURL),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "x", SecretAccessKey: "y"}, nil
		})})
	ctx := context.Background()
	table := func() []string {
		out, err := ddb.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("simplechat_connections")})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, it := range out.Items {
			if v, ok := it["connectionId"].(*types.AttributeValueMemberS); ok {
				ids = append(ids, v.Value)
			}
		}
		slices.Sort(ids)
		return ids
	}
	// A connection that is gone: the table lists it, the gateway does not.
	if _, err := ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("simplechat_connections"),
		Item: map[string]types.AttributeValue{"connectionId": &types.AttributeValueMemberS{Value: staleID}}}); err != nil {
		t.Fatal(err)
	}

	dialer := websocket.Dialer{HandshakeTimeout: 20 * time.Second, TLSClientConfig: &tls.Config{RootCAs: cert.Pool}}
	var clients []*websocket.Conn
	for i := range 3 {
		c, _, err := dialer.Dial(wsURL, nil)
		if err != nil {
			t.Fatalf("client %d: %v\nserve: %s", i, err, serveOut)
		}
		t.Cleanup(func() { c.Close() })
		clients = append(clients, c)
	}
	if ids := table(); len(ids) != 4 {
		t.Fatalf("after three connects the table holds %v, want the three clients and the stale ID\nserve: %s", ids, serveOut)
	}
	if err := clients[1].WriteMessage(websocket.TextMessage, []byte(`{"action":"sendmessage","data":"hello all"}`)); err != nil {
		t.Fatal(err)
	}
	for i, c := range clients {
		c.SetReadDeadline(time.Now().Add(30 * time.Second))
		_, data, err := c.ReadMessage()
		if err != nil || string(data) != "hello all" {
			t.Fatalf("client %d: %q %v\nserve: %s", i, data, err, serveOut)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for ids := table(); slices.Contains(ids, staleID); ids = table() {
		if time.Now().After(deadline) {
			t.Fatalf("the stale connection is still in the table: %v\nserve: %s", ids, serveOut)
		}
		time.Sleep(20 * time.Millisecond)
	}
	waitLine(t, serveOut, regexp.MustCompile(`(Found stale connection, deleting `+regexp.QuoteMeta(staleID)+`)`), "the sendmessage function's log")

	// A client that leaves is deleted by the $disconnect function.
	clients[0].WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	for deadline := time.Now().Add(10 * time.Second); len(table()) != 2; {
		if time.Now().After(deadline) {
			t.Fatalf("after one client left the table holds %v, want 2\nserve: %s", table(), serveOut)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
