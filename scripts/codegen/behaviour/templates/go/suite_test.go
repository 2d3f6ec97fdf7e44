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

// CheckJSON reads a line with the module's strict parser and folds exactly the lines
// `vrp-contract validate` folds; a clock value the schema refuses (or written twice) is absent.
func TestCheckJSONFoldsWhatValidateFolds(t *testing.T) {
	created := `{"ts_ms":1000,"event_type":"` + spec.EventRoles.Create[0] + `","session_id":"s"}`
	tick := func(ts string) string {
		for _, name := range EventTypes {
			if !contains(spec.EventRoles.Create, name) && !contains(spec.EventRoles.Transition, name) &&
				!contains(spec.EventRoles.Bind, name) && !contains(spec.EventRoles.Audit, name) {
				return `{"ts_ms":` + ts + `,"event_type":"` + name + `","session_id":"s"}`
			}
		}
		t.Fatal("no event type without a role")
		return ""
	}
	for _, c := range []struct {
		line    string
		rule    string // the input rule of an unreadable line, or "" when it is folded
		moves   bool   // the line's clock is read (the next line at 1500 goes back)
		comment string
	}{
		{tick("2000"), "", true, "a plain clock"},
		{tick("2000.0"), "", true, "a whole float"},
		{tick("9.21e18"), "", true, "a whole float near the top of the range"},
		{tick("-5"), "", false, "below the schema's minimum"},
		{tick("9.3e18"), "", false, "above the schema's maximum"},
		{tick("9223372036854775808"), "", false, "2^63"},
		{tick("2000.5"), "", false, "not an integer"},
		{tick("2000.000000000000000001"), "", true, "2000.0 as a float, as Python reads it"},
		{tick("9223372036854775807.0"), "", false, "2^63 as a float: past the maximum"},
		{strings.Replace(tick("5000"), `{`, `{"ts_ms":2000,`, 1), "", false, "a repeated ts_ms"},
		{tick("2000") + ` {"x":1}`, "input.not-json", false, "trailing data"},
		{tick("2000") + "\x00", "input.not-json", false, "a trailing NUL"},
		{strings.Replace(tick("2000"), `"s"`, `"s\ud800"`, 1), "input.not-utf8", false, "a lone surrogate"},
		{strings.Replace(tick("2000"), `"s"`, "\"s\xff\"", 1), "input.not-utf8", false, "invalid UTF-8"},
		{"", "input.blank-line", false, "a blank line"},
		{"[1]", "input.not-object", false, "an array"},
	} {
		checker := NewChecker()
		if _, err := checker.CheckJSON([]byte(created), 1); err != nil {
			t.Fatal(err)
		}
		_, err := checker.CheckJSON([]byte(c.line), 2)
		finding, isLine := LineFinding(err, 2)
		if c.rule != "" {
			if !isLine || string(finding.Rule) != c.rule || finding.Line != 2 || !strings.HasPrefix(finding.Message, "The line ") {
				t.Errorf("%s: got %v (%+v), want %s", c.comment, err, finding, c.rule)
			}
		} else if err != nil {
			t.Errorf("%s: %v", c.comment, err)
		}
		later, err := checker.CheckJSON([]byte(tick("1500")), 3)
		if err != nil {
			t.Fatal(err)
		}
		if backwards := len(later) == 1 && later[0].Rule == RuleSessionTsMonotonic; backwards != c.moves {
			t.Errorf("%s: the clock moved: %v, want %v (%v)", c.comment, backwards, c.moves, later)
		}
	}
}

func contains(list []string, name string) bool {
	for _, item := range list {
		if item == name {
			return true
		}
	}
	return false
}

// Check and WouldFind judge a typed event as vrpevent.Encode writes it: the event type of its
// struct, whatever its EventType field holds (Go/Java trial, 2026-11-29).
func TestTypedEventsAreCheckedAsEncodeWritesThem(t *testing.T) {
	for _, mislabel := range []string{"", spec.EventRoles.Bind[0], spec.EventRoles.Create[0]} {
		checker := NewChecker()
		created := vrpevent.SessionCreated{TsMs: 1, SessionId: "s", EventType: mislabel}
		if found, err := checker.Check(created); err != nil || len(found) != 0 {
			t.Fatalf("SessionCreated labelled %q: %v %v", mislabel, found, err)
		}
		tick := vrpevent.MutationTick{TsMs: 2, SessionId: "s", EventType: mislabel}
		raw, err := vrpevent.Encode(tick)
		if err != nil {
			t.Fatal(err)
		}
		for _, check := range []func(any) ([]Finding, error){checker.WouldFind, checker.Check} {
			found, err := check(&tick)
			if err != nil || len(found) != 0 {
				t.Errorf("MutationTick labelled %q (encoded %s): %v %v", mislabel, raw, found, err)
			}
		}
	}
}
