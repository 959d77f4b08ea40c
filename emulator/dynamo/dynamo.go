// Package dynamo creates a template's DynamoDB tables on a local
// DynamoDB-compatible server (DynamoDB Local, dynalite, LocalStack), so the
// functions the workbench runs find them. It uses the AWS SDK for Go v2 and
// knows nothing of the gateway.
package dynamo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"wsworkbench/emulator/model"
)

// throughput is what every created table and index gets: the servers the
// workbench talks to ignore it, and every one of them accepts it (not all
// accept PAY_PER_REQUEST).
const throughput = 5

// activeWait bounds the wait for a created table to become ACTIVE (dynalite
// takes half a second by default).
const activeWait = 30 * time.Second

// CheckEndpoint checks a DynamoDB endpoint such as http://127.0.0.1:8000.
func CheckEndpoint(endpoint string) error {
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil {
		return fmt.Errorf("dynamodb endpoint %q: %w", endpoint, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("dynamodb endpoint %q: want http://host:port or https://host:port", endpoint)
	}
	return nil
}

// EnsureTables creates, at endpoint, each table that does not exist there
// and waits for it to be ACTIVE; a table that exists is left as it is.
// It returns the names of the tables it created.
func EnsureTables(ctx context.Context, endpoint, region string, tables []model.Table) ([]string, error) {
	if err := CheckEndpoint(endpoint); err != nil {
		return nil, err
	}
	if region == "" {
		region = "us-east-1"
	}
	c := dynamodb.New(dynamodb.Options{
		Region:       region,
		BaseEndpoint: aws.String(strings.TrimRight(strings.TrimSpace(endpoint), "/")),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIAWSWORKBENCHLOCAL", SecretAccessKey: "wsworkbench-local-secret-key", Source: "wsworkbench"}, nil
		}),
		RetryMaxAttempts: 2,
	})
	var created []string
	for _, t := range tables {
		_, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(t.Name)})
		if err == nil {
			continue
		}
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) {
			return created, fmt.Errorf("dynamodb at %s: looking for table %s: %w", endpoint, t.Name, err)
		}
		if _, err := c.CreateTable(ctx, createInput(t)); err != nil {
			var inUse *types.ResourceInUseException
			if errors.As(err, &inUse) {
				continue // made meanwhile by someone else
			}
			return created, fmt.Errorf("dynamodb at %s: creating table %s: %w", endpoint, t.Name, err)
		}
		if err := waitActive(ctx, c, t.Name); err != nil {
			return created, fmt.Errorf("dynamodb at %s: table %s: %w", endpoint, t.Name, err)
		}
		created = append(created, t.Name)
	}
	return created, nil
}

func waitActive(ctx context.Context, c *dynamodb.Client, name string) error {
	ctx, cancel := context.WithTimeout(ctx, activeWait)
	defer cancel()
	for {
		out, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
		if err != nil {
			return err
		}
		if out.Table != nil && out.Table.TableStatus == types.TableStatusActive {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ACTIVE after %v: %w", activeWait, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// createInput is the CreateTable call for t.
func createInput(t model.Table) *dynamodb.CreateTableInput {
	pt := &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(throughput), WriteCapacityUnits: aws.Int64(throughput)}
	in := &dynamodb.CreateTableInput{
		TableName:             aws.String(t.Name),
		KeySchema:             keys(t.KeySchema),
		ProvisionedThroughput: pt,
	}
	for _, a := range t.Attributes {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{
			AttributeName: aws.String(a.Name), AttributeType: types.ScalarAttributeType(a.Type)})
	}
	for _, ix := range t.GlobalSecondaryIndexes {
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName: aws.String(ix.Name), KeySchema: keys(ix.KeySchema), Projection: projection(ix), ProvisionedThroughput: pt})
	}
	for _, ix := range t.LocalSecondaryIndexes {
		in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, types.LocalSecondaryIndex{
			IndexName: aws.String(ix.Name), KeySchema: keys(ix.KeySchema), Projection: projection(ix)})
	}
	return in
}

func keys(ks []model.TableKey) []types.KeySchemaElement {
	out := make([]types.KeySchemaElement, len(ks))
	for i, k := range ks {
		out[i] = types.KeySchemaElement{AttributeName: aws.String(k.Name), KeyType: types.KeyType(k.KeyType)}
	}
	return out
}

func projection(ix model.TableIndex) *types.Projection {
	p := &types.Projection{ProjectionType: types.ProjectionType(ix.Projection)}
	if len(ix.NonKeyAttributes) > 0 {
		p.NonKeyAttributes = ix.NonKeyAttributes
	}
	return p
}

// Prepare creates the workspace's tables that endpoint lacks (EnsureTables)
// and says what it did on errw, a line each: `wsworkbench serve` and the
// window both call it.
func Prepare(ctx context.Context, endpoint string, tables []model.Table, errw io.Writer) error {
	if len(tables) == 0 {
		fmt.Fprintf(errw, "DynamoDB: %s (the file declares no table)\n", endpoint)
		return nil
	}
	created, err := EnsureTables(ctx, endpoint, "", tables)
	for _, name := range created {
		fmt.Fprintf(errw, "DynamoDB: created table %s at %s\n", name, endpoint)
	}
	if err != nil {
		return err
	}
	if kept := len(tables) - len(created); kept > 0 {
		fmt.Fprintf(errw, "DynamoDB: %d table(s) already at %s, left as they are\n", kept, endpoint)
	}
	return nil
}
