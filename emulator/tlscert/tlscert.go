// Package tlscert makes the self-signed certificate the workbench serves
// wss:// and https:// with, for code that refuses plain ws:// and http://.
// The certificate covers 127.0.0.1, ::1 and localhost, lives in a directory
// as cert.pem and key.pem (so a client can be told to trust cert.pem), and is
// reused across runs until it nears expiry.
package tlscert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// File names inside the certificate directory.
const (
	CertFile = "cert.pem"
	KeyFile  = "key.pem"
)

// validity is how long a new certificate lasts; renewBefore is how close to
// expiry an existing one is replaced.
const (
	validity    = 825 * 24 * time.Hour // the longest lifetime Apple platforms accept
	renewBefore = 7 * 24 * time.Hour
)

// Cert is a loaded certificate and where it lives.
type Cert struct {
	CertPath string
	KeyPath  string
	TLS      tls.Certificate
	// Pool trusts exactly this certificate, for clients in the same process
	// (tests, the sample backend posting to @connections over https).
	Pool *x509.CertPool
	// Created says whether Ensure made a new certificate this time.
	Created bool
}

// DefaultDir returns where the workbench keeps its certificate:
// {user config dir}/wsworkbench/tls.
func DefaultDir() (string, error) {
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the config directory: %w", err)
	}
	return filepath.Join(d, "wsworkbench", "tls"), nil
}

// Ensure returns the certificate in dir, creating dir and a new certificate
// when there is none, when it does not load, when it lacks one of the
// loopback names, when it expires within a week, or when it is a CA (as
// certificates from before 2026-12 were).
func Ensure(dir string) (*Cert, error) {
	certPath := filepath.Join(dir, CertFile)
	keyPath := filepath.Join(dir, KeyFile)
	if c, err := Load(certPath, keyPath); err == nil && usable(c, time.Now()) {
		return c, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating %s: %w", dir, err)
	}
	certPEM, keyPEM, err := Generate(time.Now())
	if err != nil {
		return nil, err
	}
	// The key first, private from the start; then the certificate.
	if err := writeFile(keyPath, keyPEM, 0o600); err != nil {
		return nil, err
	}
	if err := writeFile(certPath, certPEM, 0o644); err != nil {
		return nil, err
	}
	c, err := Load(certPath, keyPath)
	if err != nil {
		return nil, err
	}
	c.Created = true
	return c, nil
}

// Load reads a certificate and key pair from PEM files.
func Load(certPath, keyPath string) (*Cert, error) {
	pair, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", certPath, err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", certPath, err)
	}
	pair.Leaf = leaf
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return &Cert{CertPath: certPath, KeyPath: keyPath, TLS: pair, Pool: pool}, nil
}

func usable(c *Cert, now time.Time) bool {
	leaf := c.TLS.Leaf
	if leaf == nil || now.Add(renewBefore).After(leaf.NotAfter) || now.Before(leaf.NotBefore) {
		return false
	}
	if leaf.IsCA || leaf.KeyUsage&x509.KeyUsageCertSign != 0 {
		return false // trusting it would let its key vouch for any site
	}
	for _, host := range []string{"127.0.0.1", "::1", "localhost"} {
		if leaf.VerifyHostname(host) != nil {
			return false
		}
	}
	return true
}

// Generate returns a new self-signed ECDSA P-256 certificate for 127.0.0.1,
// ::1 and localhost, valid from an hour before now, and its private key, both
// PEM-encoded. It is a leaf certificate (CA:FALSE, no certificate signing):
// adding it to a client's trust store (NODE_EXTRA_CA_CERTS, --cacert, a
// browser) trusts this one certificate for those names, and nothing its key
// might sign, should the key leak.
func Generate(now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generating a key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, nil, fmt.Errorf("generating a serial number: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "wsworkbench local gateway", Organization: []string{"wsworkbench"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, // says CA:FALSE
		IsCA:                  false,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("creating the certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("encoding the key: %w", err)
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	return certPEM, keyPEM, nil
}

// ServerConfig returns a TLS configuration serving c.
func (c *Cert) ServerConfig() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{c.TLS}, MinVersion: tls.VersionTLS12}
}

// ClientConfig returns a TLS configuration that trusts c.
func (c *Cert) ClientConfig() *tls.Config {
	return &tls.Config{RootCAs: c.Pool, MinVersion: tls.VersionTLS12}
}

// writeFile writes data through a temporary file and a rename, so a reader
// never sees half a file.
func writeFile(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), perm)); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
