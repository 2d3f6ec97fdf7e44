// @@HEADER@@

package behaviour

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	vrpevent "@@MODULE@@"
)

// The suite ships in this package (behaviour-suite.json); VRP_BEHAVIOUR_SUITE=<folder> runs a
// suite folder in the repository format instead (streams/<case>/case.json, pass.jsonl, ...).

type suiteCase struct {
	Name               string           `json:"name"`
	AssumeOpenSessions bool             `json:"assume_open_sessions"`
	Policy             *Policy          `json:"policy"`
	RememberTerminated *int             `json:"remember_terminated"`
	Pass               string           `json:"pass"`
	Fail               string           `json:"fail"`
	Expected           []map[string]any `json:"expected"`
}

func loadSuite(t *testing.T) []suiteCase {
	t.Helper()
	folder := os.Getenv("VRP_BEHAVIOUR_SUITE")
	if folder == "" {
		data, err := os.ReadFile("behaviour-suite.json")
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Cases []suiteCase `json:"cases"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		return doc.Cases
	}
	entries, err := os.ReadDir(folder)
	if err != nil {
		t.Fatal(err)
	}
	var out []suiteCase
	for _, entry := range entries {
		if !entry.IsDir() {
			continue
		}
		read := func(file string) []byte {
			data, err := os.ReadFile(filepath.Join(folder, entry.Name(), file))
			if err != nil {
				t.Fatal(err)
			}
			return data
		}
		c := suiteCase{Name: entry.Name(), Pass: string(read("pass.jsonl")), Fail: string(read("fail.jsonl"))}
		if err := json.Unmarshal(read("case.json"), &c); err != nil {
			t.Fatal(err)
		}
		c.Name = entry.Name()
		for _, line := range strings.Split(string(read("fail.expected.jsonl")), "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			var f map[string]any
			if err := json.Unmarshal([]byte(line), &f); err != nil {
				t.Fatal(err)
			}
			c.Expected = append(c.Expected, f)
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func newFor(c suiteCase) *Checker {
	opts := []Option{}
	if c.AssumeOpenSessions {
		opts = append(opts, WithAssumeOpenSessions())
	}
	if c.Policy != nil {
		policy := DefaultPolicy
		data, _ := json.Marshal(c.Policy)
		_ = json.Unmarshal(data, &policy)
		opts = append(opts, WithPolicy(policy))
	}
	if c.RememberTerminated != nil {
		opts = append(opts, WithRememberTerminated(*c.RememberTerminated))
	}
	return NewChecker(opts...)
}

type key struct {
	Line      int
	Rule      string
	Pointer   string
	SessionID string
}

// run folds a stream twice: as JSON (CheckJSON) and as typed events of this revision (Check).
func run(t *testing.T, c suiteCase, text string) []key {
	t.Helper()
	raw, typed := newFor(c), newFor(c)
	var out, viaTypes []key
	for i, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		findings, err := raw.CheckJSON([]byte(line), i+1)
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		for _, f := range findings {
			out = append(out, key{f.Line, string(f.Rule), f.Pointer, f.SessionID})
		}
		event, err := vrpevent.Decode([]byte(line))
		if err != nil {
			t.Fatalf("line %d does not decode as a typed event: %v", i+1, err)
		}
		typed.events = i // Check numbers events itself; keep the line numbers of the file
		findings, err = typed.Check(event)
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		for _, f := range findings {
			viaTypes = append(viaTypes, key{f.Line, string(f.Rule), f.Pointer, f.SessionID})
		}
	}
	if !reflect.DeepEqual(out, viaTypes) {
		t.Fatalf("typed events give other findings than their JSON:\n%v\n%v", viaTypes, out)
	}
	return out
}

func TestBehaviourSuite(t *testing.T) {
	suite := loadSuite(t)
	if len(suite) == 0 {
		t.Fatal("empty behaviour suite")
	}
	names := map[string]bool{}
	for _, c := range suite {
		names[c.Name] = true
		c := c
		t.Run(c.Name, func(t *testing.T) {
			if got := run(t, c, c.Pass); len(got) != 0 {
				t.Errorf("pass stream: unexpected findings %v", got)
			}
			var want []key
			for _, f := range c.Expected {
				want = append(want, key{int(f["line"].(float64)), f["rule"].(string),
					f["pointer"].(string), f["session_id"].(string)})
			}
			if got := run(t, c, c.Fail); !reflect.DeepEqual(got, want) {
				t.Errorf("fail stream:\n got %v\nwant %v", got, want)
			}
		})
	}
	if os.Getenv("VRP_BEHAVIOUR_SUITE") == "" {
		for _, rule := range StreamRules {
			if !names[string(rule)] {
				t.Errorf("no suite case for stream rule %s", rule)
			}
		}
	}
}

func TestIsAllowedIsTheTable(t *testing.T) {
	pairs := map[[2]State]bool{}
	for _, p := range Transitions {
		pairs[p] = true
	}
	for _, from := range States {
		for _, to := range States {
			if IsAllowed(from.Name, to.Name) != pairs[[2]State{from.Name, to.Name}] {
				t.Errorf("IsAllowed(%s, %s) disagrees with Transitions", from.Name, to.Name)
			}
		}
	}
}

func TestCheckRefusesAnEventWithoutSessionOrType(t *testing.T) {
	checker := NewChecker()
	if _, err := checker.Check(map[string]any{"ts_ms": 1}); err == nil {
		t.Fatal("an event without session id and event type was accepted")
	}
	if _, err := checker.WouldFind(struct{}{}); err == nil {
		t.Fatal("WouldFind accepted an event without session id and event type")
	}
}

func TestTerminatedMemoryIsBounded(t *testing.T) {
	m := idMemory{limit: 2, set: map[string]struct{}{}}
	for _, id := range []string{"a", "b", "c"} {
		m.add(id)
	}
	if m.has("a") || !m.has("b") || !m.has("c") || len(m.set) != 2 {
		t.Fatalf("memory holds %v", m.set)
	}
}
