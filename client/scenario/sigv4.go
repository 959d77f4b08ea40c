package scenario

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
)

// SigV4 signs what a scenario sends to an API whose routes use IAM
// authorization: the connect handshake as a presigned URL (the form a
// browser can use too), and @connections calls with an Authorization
// header. The signing is aws-sdk-go-v2's.
type SigV4 struct {
	Credentials aws.CredentialsProvider
	Region      string
	// Service is "execute-api" unless a test says otherwise.
	Service string
	// Expires is how long a presigned connect URL is valid (15 minutes).
	Expires time.Duration
	// Now is the signing time (time.Now when nil).
	Now func() time.Time

	signer *v4.Signer
}

// NewSigV4 signs with the default credential chain (environment, shared
// config and credentials files, SSO, container and instance roles). Region
// "" takes it from the API's host (abc.execute-api.REGION.amazonaws.com),
// then from the AWS configuration.
func NewSigV4(ctx context.Context, apiURL, region string) (*SigV4, error) {
	if region == "" {
		region = RegionFromHost(apiURL)
	}
	var opts []func(*config.LoadOptions) error
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("loading AWS credentials: %w", err)
	}
	if cfg.Region == "" {
		return nil, fmt.Errorf("no AWS region: give --region, or use an execute-api URL")
	}
	return &SigV4{Credentials: cfg.Credentials, Region: cfg.Region}, nil
}

// RegionFromHost returns REGION from an execute-api URL's host, or "".
func RegionFromHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	parts := strings.Split(u.Hostname(), ".")
	for i, p := range parts {
		if p == "execute-api" && i+1 < len(parts) {
			return parts[i+1]
		}
	}
	return ""
}

func (s *SigV4) init() (string, time.Time) {
	if s.signer == nil {
		s.signer = v4.NewSigner()
	}
	service := s.Service
	if service == "" {
		service = "execute-api"
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return service, now().UTC()
}

// emptyHash is the hex SHA-256 of an empty payload.
var emptyHash = func() string { sum := sha256.Sum256(nil); return hex.EncodeToString(sum[:]) }()

// SignConnect presigns a connect URL: it adds the X-Amz-* query parameters
// to u (the wss:// URL). h is left as it is.
func (s *SigV4) SignConnect(ctx context.Context, u *url.URL, _ http.Header) error {
	return s.presign(ctx, u, emptyHash)
}

func (s *SigV4) presign(ctx context.Context, u *url.URL, payloadHash string) error {
	service, now := s.init()
	creds, err := s.Credentials.Retrieve(ctx)
	if err != nil {
		return err
	}
	expires := s.Expires
	if expires == 0 {
		expires = 15 * time.Minute
	}
	hu := *u
	hu.Scheme = strings.Replace(hu.Scheme, "ws", "http", 1)
	q := hu.Query()
	q.Set("X-Amz-Expires", strconv.Itoa(int(expires.Seconds())))
	hu.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, hu.String(), nil)
	if err != nil {
		return err
	}
	signed, _, err := s.signer.PresignHTTP(ctx, creds, req, payloadHash, service, s.Region, now)
	if err != nil {
		return err
	}
	su, err := url.Parse(signed)
	if err != nil {
		return err
	}
	u.RawQuery = su.RawQuery
	return nil
}

// SignRequest signs an @connections request with an Authorization header.
func (s *SigV4) SignRequest(ctx context.Context, r *http.Request, body []byte) error {
	service, now := s.init()
	creds, err := s.Credentials.Retrieve(ctx)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	return s.signer.SignHTTP(ctx, creds, r, hex.EncodeToString(sum[:]), service, s.Region, now)
}
