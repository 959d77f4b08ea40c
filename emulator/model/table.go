package model

// Table is a DynamoDB table a template declares (AWS::DynamoDB::Table,
// SAM's AWS::Serverless::SimpleTable, or a serverless.yml's
// resources.Resources), resolved to local values: what the workbench
// creates on a local DynamoDB-compatible server when none exists.
type Table struct {
	// ID is the resource's logical ID.
	ID string
	// Name is the table name: its TableName, else the logical ID.
	Name                   string
	Attributes             []TableAttribute // AttributeDefinitions
	KeySchema              []TableKey
	GlobalSecondaryIndexes []TableIndex
	LocalSecondaryIndexes  []TableIndex
}

// TableAttribute is one attribute definition: Type is S, N or B.
type TableAttribute struct {
	Name, Type string
}

// TableKey is one key schema element: KeyType is HASH or RANGE.
type TableKey struct {
	Name, KeyType string
}

// TableIndex is a secondary index; Projection is ALL, KEYS_ONLY or
// INCLUDE (with NonKeyAttributes).
type TableIndex struct {
	Name             string
	KeySchema        []TableKey
	Projection       string
	NonKeyAttributes []string
}
