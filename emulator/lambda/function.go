package lambda

import (
	"fmt"
	"regexp"
	"strings"
)

// invocationsPath is what an API Gateway Lambda integration URI wraps the
// function ARN in: arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations.
const invocationsPath = ":lambda:path/2015-03-31/functions/"

var (
	// refPattern matches a CloudFormation reference left in a URI by Fn::Sub:
	// ${OnConnectFunction.Arn}, ${OnConnectFunction}, ${Alias.Arn}.
	refPattern = regexp.MustCompile(`^\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}$`)
	// namePattern is what the Invoke API accepts as a bare function name.
	namePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,140}$`)
	// getAttPattern matches "Logical.Arn", how a loader may spell !GetAtt.
	getAttPattern = regexp.MustCompile(`^([A-Za-z0-9]+)\.Arn$`)
	// pseudoPattern matches a pseudo parameter such as ${AWS::Region}, which
	// only fills an ARN's region, account or partition field.
	pseudoPattern = regexp.MustCompile(`\$\{AWS::[A-Za-z]+\}`)
)

// FunctionName returns the name to call the Invoke API with for an
// integration or authorizer URI, as `sam local` names functions:
//
//   - arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{inner}/invocations → the name for inner;
//   - arn:aws:lambda:{region}:{account}:function:NAME[:qualifier] → NAME;
//   - ${X.Arn}, ${X} or X.Arn (an unresolved CloudFormation reference) → X, the logical ID;
//   - a bare function name → itself.
//
// Anything else (an http URL, an empty URI) is an error saying why.
func FunctionName(uri string) (string, error) {
	s := pseudoPattern.ReplaceAllString(strings.TrimSpace(uri), "pseudo")
	if s == "" {
		return "", fmt.Errorf("no Lambda function: the integration URI is empty")
	}
	if i := strings.Index(s, invocationsPath); i >= 0 {
		inner := s[i+len(invocationsPath):]
		j := strings.LastIndex(inner, "/invocations")
		if j < 0 {
			return "", fmt.Errorf("lambda integration URI %q does not end in /invocations", uri)
		}
		inner = inner[:j]
		if inner == "" {
			return "", fmt.Errorf("lambda integration URI %q names no function", uri)
		}
		return FunctionName(inner)
	}
	if m := refPattern.FindStringSubmatch(s); m != nil {
		return m[1], nil
	}
	if m := getAttPattern.FindStringSubmatch(s); m != nil {
		return m[1], nil
	}
	if strings.HasPrefix(s, "arn:") {
		parts := strings.Split(s, ":")
		// arn:partition:lambda:region:account:function:name[:qualifier]
		if len(parts) >= 7 && parts[2] == "lambda" && parts[5] == "function" {
			return checkName(parts[6], uri)
		}
		return "", fmt.Errorf("%q is not a Lambda function ARN", uri)
	}
	if strings.HasPrefix(s, "function:") {
		return checkName(strings.SplitN(strings.TrimPrefix(s, "function:"), ":", 2)[0], uri)
	}
	if strings.Contains(s, "://") {
		return "", fmt.Errorf("%q is a URL, not a Lambda function", uri)
	}
	return checkName(s, uri)
}

func checkName(name, uri string) (string, error) {
	if m := refPattern.FindStringSubmatch(name); m != nil {
		return m[1], nil
	}
	if !namePattern.MatchString(name) {
		return "", fmt.Errorf("%q does not name a Lambda function (names are letters, digits, - and _)", uri)
	}
	return name, nil
}
