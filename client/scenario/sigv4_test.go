package scenario

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// The known request/signature pairs below are AWS's published examples:
// "get-vanilla" from the Signature Version 4 test suite (credentials
// AKIDEXAMPLE, 20150830T123600Z, us-east-1, service "service"), and the
// presigned GET of examplebucket/test.txt from the S3 documentation's
// "Authenticating Requests: Using Query Parameters" example.

func TestSigV4SignsAsAWSDocuments(t *testing.T) {
	s := &SigV4{
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""),
		Region:      "us-east-1",
		Service:     "service",
		Now:         func() time.Time { return time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC) },
	}
	req, _ := http.NewRequest(http.MethodGet, "https://example.amazonaws.com/", nil)
	if err := s.SignRequest(context.Background(), req, nil); err != nil {
		t.Fatal(err)
	}
	want := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
	if got := req.Header.Get("Authorization"); got != want {
		t.Errorf("Authorization\n got %s\nwant %s", got, want)
	}
}

func TestSigV4PresignsAsAWSDocuments(t *testing.T) {
	s := &SigV4{
		Credentials: credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
		Region:      "us-east-1",
		Service:     "s3",
		Expires:     86400 * time.Second,
		Now:         func() time.Time { return time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC) },
	}
	u, _ := url.Parse("https://examplebucket.s3.amazonaws.com/test.txt")
	if err := s.presign(context.Background(), u, "UNSIGNED-PAYLOAD"); err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if got := q.Get("X-Amz-Signature"); got != "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404" {
		t.Errorf("X-Amz-Signature = %s (query %s)", got, u.RawQuery)
	}
	if q.Get("X-Amz-Credential") != "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request" || q.Get("X-Amz-Expires") != "86400" {
		t.Errorf("query %s", u.RawQuery)
	}
}

// TestSignConnectKeepsTheWebSocketURL: a connect is presigned for
// execute-api over https, and the URL stays wss:// with its own query.
func TestSignConnectKeepsTheWebSocketURL(t *testing.T) {
	s := &SigV4{
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret", SessionToken: "token"}, nil
		}),
		Region: "eu-west-1",
	}
	u, _ := url.Parse("wss://abc123.execute-api.eu-west-1.amazonaws.com/prod?name=alice")
	if err := s.SignConnect(context.Background(), u, http.Header{}); err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "wss" || q.Get("name") != "alice" || !strings.Contains(q.Get("X-Amz-Credential"), "/eu-west-1/execute-api/aws4_request") ||
		q.Get("X-Amz-Security-Token") != "token" || q.Get("X-Amz-Signature") == "" {
		t.Errorf("signed URL %s", u)
	}
	if got := RegionFromHost(u.String()); got != "eu-west-1" {
		t.Errorf("RegionFromHost = %q", got)
	}
}
