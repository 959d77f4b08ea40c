package scenario

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestJUnitValidates writes a report with a passed, a failed, a skipped and
// an unstartable scenario, validates it with xmllint against the JUnit
// schema in testdata/junit.xsd, and checks the counts.
func TestJUnitValidates(t *testing.T) {
	f := newFakeAPI(t)
	pass := f.runner().Run(context.Background(), mustParse(t, "name: ok\nsteps:\n  - connect: a\n  - send: a\n    text: echo x\n  - expect: a\n    text: x\n"))
	fail := f.runner().Run(context.Background(), mustParse(t, "name: 'bad <&> \"one\"'\nsteps:\n  - connect: a\n  - send: a\n    text: echo x\n  - expect: a\n    text: y\n  - close: a\n"))
	broken := (&Runner{URL: "http://nope"}).Run(context.Background(), mustParse(t, "name: broken\nsteps:\n  - connect: a\n"))
	var b bytes.Buffer
	if err := WriteJUnit(&b, []*Result{pass, fail, broken}, time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.xml")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("xmllint", "--noout", "--schema", "testdata/junit.xsd", path).CombinedOutput()
	if errors.Is(err, exec.ErrNotFound) {
		t.Fatal("xmllint is missing: scripts/setup.sh installs libxml2-utils")
	}
	if err != nil {
		t.Fatalf("the report does not validate: %v\n%s\n%s", err, out, b.String())
	}

	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != 8 || doc.Failures != 1 || doc.Errors != 1 || doc.Skipped != 1 {
		t.Errorf("counts tests=%d failures=%d errors=%d skipped=%d, want 8 1 1 1", doc.Tests, doc.Failures, doc.Errors, doc.Skipped)
	}
	if doc.Suites[1].Name != `bad <&> "one"` {
		t.Errorf("suite name %q", doc.Suites[1].Name)
	}
	failure := doc.Suites[1].Cases[2].Failure
	if failure == nil || failure.Message != `want text "y"` || !strings.Contains(failure.Text, `got text "x"`) {
		t.Errorf("failure %+v", failure)
	}
}
