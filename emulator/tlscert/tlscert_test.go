package tlscert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestEnsureCreatesThenReuses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "tls")
	c, err := Ensure(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Created || c.CertPath != filepath.Join(dir, CertFile) {
		t.Fatalf("first Ensure: created %v path %s", c.Created, c.CertPath)
	}
	st, err := os.Stat(c.KeyPath)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	again, err := Ensure(dir)
	if err != nil {
		t.Fatal(err)
	}
	if again.Created || !again.TLS.Leaf.Equal(c.TLS.Leaf) {
		t.Fatal("second Ensure should reuse the certificate")
	}
}

func TestEnsureReplacesBrokenOrExpiring(t *testing.T) {
	t.Run("garbage", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, CertFile), []byte("not a cert"), 0o644)
		os.WriteFile(filepath.Join(dir, KeyFile), []byte("not a key"), 0o600)
		c, err := Ensure(dir)
		if err != nil || !c.Created {
			t.Fatalf("created %v err %v", c != nil && c.Created, err)
		}
	})
	t.Run("expiring", func(t *testing.T) {
		dir := t.TempDir()
		certPEM, keyPEM, err := Generate(time.Now().Add(-validity + 24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, CertFile), certPEM, 0o644)
		os.WriteFile(filepath.Join(dir, KeyFile), keyPEM, 0o600)
		c, err := Ensure(dir)
		if err != nil || !c.Created {
			t.Fatalf("an expiring certificate was kept: %v", err)
		}
	})
}

// TestCertificateIsALeaf is issue 9 item 10: the certificate a user adds to
// a trust store must not be a CA (CA:TRUE with certificate signing, no name
// constraints), or its key could vouch for any site.
func TestCertificateIsALeaf(t *testing.T) {
	c, err := Ensure(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	leaf := c.TLS.Leaf
	if leaf.IsCA || !leaf.BasicConstraintsValid {
		t.Errorf("IsCA %v, basic constraints present %v; want CA:FALSE stated", leaf.IsCA, leaf.BasicConstraintsValid)
	}
	if leaf.KeyUsage != x509.KeyUsageDigitalSignature {
		t.Errorf("key usage %b, want digital signature only", leaf.KeyUsage)
	}
	if len(leaf.ExtKeyUsage) != 1 || leaf.ExtKeyUsage[0] != x509.ExtKeyUsageServerAuth {
		t.Errorf("extended key usage %v, want server authentication only", leaf.ExtKeyUsage)
	}
	var ips []string
	for _, ip := range leaf.IPAddresses {
		ips = append(ips, ip.String())
	}
	if got := strings.Join(append(ips, leaf.DNSNames...), " "); got != "127.0.0.1 ::1 localhost" {
		t.Errorf("names %q, want 127.0.0.1 ::1 localhost", got)
	}
}

// TestEnsureReplacesCACertificate checks that a certificate made before the
// fix (a CA) is replaced by a leaf.
func TestEnsureReplacesCACertificate(t *testing.T) {
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	old := &x509.Certificate{ // Generate's template before 2026-12
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "wsworkbench local gateway", Organization: []string{"wsworkbench"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, old, old, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, CertFile), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(filepath.Join(dir, KeyFile), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
	c, err := Ensure(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Created || c.TLS.Leaf.IsCA {
		t.Fatalf("the CA certificate was kept (created %v, IsCA %v)", c.Created, c.TLS.Leaf.IsCA)
	}
}

func TestCertificateServesLoopbackNames(t *testing.T) {
	c, err := Ensure(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	srv.TLS = c.ServerConfig()
	srv.StartTLS()
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())

	// A client that trusts the PEM file, as a person would configure one.
	pemBytes, err := os.ReadFile(c.CertPath)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatal("cert.pem does not parse as PEM")
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	for _, host := range []string{"127.0.0.1", "localhost"} {
		resp, err := client.Get("https://" + net.JoinHostPort(host, port) + "/")
		if err != nil {
			t.Fatalf("%s: %v", host, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "ok" {
			t.Fatalf("%s: %q", host, b)
		}
	}
	if err := c.TLS.Leaf.VerifyHostname("::1"); err != nil {
		t.Fatal(err)
	}
	if err := c.TLS.Leaf.VerifyHostname("example.com"); err == nil {
		t.Fatal("certificate claims a non-loopback name")
	}
	// An untrusting client must fail: the certificate is self-signed.
	if _, err := http.Get(srv.URL); err == nil {
		t.Fatal("default client trusted a self-signed certificate")
	}
}

func TestDefaultDir(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG_CONFIG_HOME decides the config directory on Linux only")
	}
	t.Setenv("XDG_CONFIG_HOME", "/tmp/cfg")
	d, err := DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	if d != "/tmp/cfg/wsworkbench/tls" {
		t.Fatalf("DefaultDir = %q", d)
	}
}
