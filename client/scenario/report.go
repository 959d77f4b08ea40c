package scenario

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteText writes a readable report of one result: a line for the
// scenario, and for a failure the step, what was expected and what came.
func WriteText(w io.Writer, res *Result) {
	sc := res.Scenario
	name := sc.Name
	if name == "" {
		name = sc.File
	}
	if res.Err != nil {
		fmt.Fprintf(w, "FAIL %s (%s): %v\n", name, sc.File, res.Err)
		return
	}
	passed := 0
	for _, s := range res.Steps {
		if s.Status == Passed {
			passed++
		}
	}
	if res.Passed() {
		fmt.Fprintf(w, "ok   %s (%s): %d steps in %s\n", name, sc.File, passed, res.Duration.Round(time.Millisecond))
		return
	}
	fmt.Fprintf(w, "FAIL %s (%s): %d of %d steps passed\n", name, sc.File, passed, len(res.Steps))
	for i := range res.Steps {
		s := &res.Steps[i]
		if s.Status != Failed {
			continue
		}
		fmt.Fprintf(w, "  %s\n", s.Title(sc.File, i))
		for _, line := range strings.Split(s.Message, "\n") {
			fmt.Fprintf(w, "    %s\n", line)
		}
	}
}

// The JUnit XML elements, as CI systems read them (the de facto schema of
// Ant's JUnit report, which Jenkins, GitLab and GitHub's test reporters take).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	File      string      `xml:"file,attr,omitempty"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *struct{}     `xml:"skipped,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// WriteJUnit writes results as JUnit XML: one testsuite per scenario, one
// testcase per step.
func WriteJUnit(w io.Writer, results []*Result, started time.Time) error {
	out := junitSuites{Name: "wsworkbench"}
	var total time.Duration
	for _, res := range results {
		sc := res.Scenario
		name := sc.Name
		if name == "" {
			name = sc.File
		}
		s := junitSuite{Name: name, File: sc.File, Time: seconds(res.Duration), Timestamp: started.UTC().Format("2006-01-02T15:04:05")}
		if res.Err != nil {
			s.Errors++
			s.Cases = append(s.Cases, junitCase{Name: "start", Classname: name, Time: "0.000", File: sc.File,
				Error: &junitProblem{Message: res.Err.Error(), Type: "start", Text: res.Err.Error()}})
		}
		for i := range res.Steps {
			r := &res.Steps[i]
			c := junitCase{Name: r.Title(sc.File, i), Classname: name, Time: seconds(r.Duration), File: sc.File, Line: r.Step.Pos.Line}
			switch r.Status {
			case Failed:
				first, _, _ := strings.Cut(r.Message, "\n")
				c.Failure = &junitProblem{Message: first, Type: string(r.Step.Kind), Text: r.Message}
				s.Failures++
			case Skipped:
				c.Skipped = &struct{}{}
				s.Skipped++
			}
			s.Cases = append(s.Cases, c)
		}
		s.Tests = len(s.Cases)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Skipped += s.Skipped
		total += res.Duration
		out.Suites = append(out.Suites, s)
	}
	out.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
