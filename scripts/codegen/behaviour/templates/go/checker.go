// @@HEADER@@
//
// The session fold of docs/guides/session-fold.md, driven only by the revision's tables
// (tables.go): no state or event type name appears in this file.

package behaviour

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"

	vrpevent "@@MODULE@@"
)

// Finding is one problem of a session: the JSON form of `vrp-contract validate --format jsonl`.
type Finding struct {
	Rule     InvariantID `json:"rule"`
	Severity Severity    `json:"severity"`
	Message  string      `json:"message"`
	// Pointer is a JSON Pointer into the event.
	Pointer string `json:"pointer"`
	// Line is the 1-based index of the event in the stream (its line in a JSON Lines file).
	Line int `json:"line"`
	// SessionID is empty (and left out of the JSON) for a line that holds no event (LineFinding).
	SessionID string `json:"session_id,omitempty"`
}

// Record is what the fold reads of one event.
type Record struct {
	SessionID string
	EventType string
	// TS is the event time; HasTS is false when it is missing or schema-invalid (not an integer
	// within ClockMin..ClockMax; a whole float such as 2000.0 is an integer), or repeated.
	TS    int64
	HasTS bool
	// From and To are the states of a transition event, both set or both empty.
	From, To State
}

// Option configures a Checker.
type Option func(*Checker)

// WithPolicy checks under `p` instead of DefaultPolicy.
func WithPolicy(p Policy) Option { return func(c *Checker) { c.policy = p } }

// WithAssumeOpenSessions accepts events of sessions never created in the input (streams cut
// from the middle); such sessions start in an unknown state.
func WithAssumeOpenSessions() Option { return func(c *Checker) { c.assumeOpen = true } }

// WithRememberTerminated bounds the memory of terminated session ids (default 200000); past it
// the oldest is forgotten.
func WithRememberTerminated(n int) Option {
	return func(c *Checker) {
		if n < 0 {
			n = 0
		}
		c.terminated.limit = n
	}
}

type session struct {
	state         State // "" while unknown
	bound         int8  // -1 unknown, 0 no, 1 yes
	lastTS        int64
	hasLast       bool
	recoverySince int64
	inRecovery    bool // recoverySince is set
	reported      bool
	attempts      int
}

// idMemory remembers up to `limit` ids, forgetting the oldest first; O(1) per operation.
type idMemory struct {
	limit int
	set   map[string]struct{}
	ring  []string
	head  int
}

func (m *idMemory) has(id string) bool { _, ok := m.set[id]; return ok }

func (m *idMemory) add(id string) {
	if m.limit == 0 {
		return
	}
	if len(m.ring) < m.limit {
		m.ring = append(m.ring, id)
	} else {
		delete(m.set, m.ring[m.head])
		m.ring[m.head] = id
		m.head = (m.head + 1) % m.limit
	}
	m.set[id] = struct{}{}
}

type model struct {
	states, terminal, binding, recovery, counted, reset map[State]bool
	allowed                                            map[State][]State
	eventTypes, create, transition, bind, audit        map[string]bool
	rules                                              map[InvariantID]Rule
	terminalNames, createNames, resetNames, bindNames  []string
	paths                                              [5][]string
}

func set[T comparable](items []T) map[T]bool {
	out := make(map[T]bool, len(items))
	for _, item := range items {
		out[item] = true
	}
	return out
}

func statesWith(role func(StateInfo) bool) (map[State]bool, []string) {
	out := map[State]bool{}
	var names []string
	for _, s := range spec.States {
		if role(s) {
			out[s.Name] = true
			names = append(names, string(s.Name))
		}
	}
	return out, names
}

func compile() *model {
	m := &model{allowed: map[State][]State{}, rules: map[InvariantID]Rule{}}
	m.states = map[State]bool{}
	for _, s := range spec.States {
		m.states[s.Name] = true
	}
	m.terminal, m.terminalNames = statesWith(func(s StateInfo) bool { return s.Terminal })
	m.binding, m.bindNames = statesWith(func(s StateInfo) bool { return s.Binding })
	m.recovery, _ = statesWith(func(s StateInfo) bool { return s.Recovery })
	m.counted, _ = statesWith(func(s StateInfo) bool { return s.Counted })
	m.reset, m.resetNames = statesWith(func(s StateInfo) bool { return s.Reset })
	for _, t := range spec.Transitions {
		m.allowed[t[0]] = append(m.allowed[t[0]], t[1])
	}
	m.eventTypes = set(spec.EventTypes)
	m.create = set(spec.EventRoles.Create)
	m.transition = set(spec.EventRoles.Transition)
	m.bind = set(spec.EventRoles.Bind)
	m.audit = set(spec.EventRoles.Audit)
	m.createNames = spec.EventRoles.Create
	for _, r := range spec.Rules {
		m.rules[r.ID] = r
	}
	p := spec.Pointers
	for i, ptr := range []string{p.SessionKey, p.Clock, p.EventType, p.TransitionFrom, p.TransitionTo} {
		m.paths[i] = tokens(ptr)
	}
	return m
}

const (
	pathSessionKey = iota
	pathClock
	pathEventType
	pathFrom
	pathTo
)

// Checker folds the events of many interleaved sessions into findings. Memory holds the open
// sessions and a bounded memory of terminated ids. A Checker is not safe for concurrent use.
type Checker struct {
	m          *model
	policy     Policy
	assumeOpen bool
	sessions   map[string]*session
	terminated idMemory
	events     int
}

// NewChecker returns a checker of this revision's behaviour.
func NewChecker(opts ...Option) *Checker {
	c := &Checker{
		m:          compile(),
		policy:     DefaultPolicy,
		sessions:   map[string]*session{},
		terminated: idMemory{limit: 200000, set: map[string]struct{}{}},
	}
	for _, opt := range opts {
		opt(c)
	}
	return c
}

// OpenSessions is the number of sessions seen and not terminated.
func (c *Checker) OpenSessions() int { return len(c.sessions) }

// StateOf returns the state of an open session ("" when unknown) and whether it is open.
func (c *Checker) StateOf(sessionID string) (State, bool) {
	s, ok := c.sessions[sessionID]
	if !ok {
		return "", false
	}
	return s.state, true
}

// Check folds the next event of the stream (a typed event of this revision, or any value that
// encodes to its JSON) and returns its findings; the event's line is its 1-based index. A typed
// event is checked as vrpevent.Encode writes it: its event type is its struct's, whatever its
// EventType field holds. An event that names no session (a zero SessionId) or no event type of
// this revision is an error: a program's own event must be attributable.
func (c *Checker) Check(event any) ([]Finding, error) {
	c.events++
	rec, err := c.typedRecord(event)
	if err != nil {
		return nil, err
	}
	return c.Step(rec, c.events), nil
}

// CheckJSON folds one JSON event found at `line` of the stream, read by the module's own strict
// parser (vrpevent.ReadEvent), so it folds exactly the lines `vrp-contract validate` folds: a
// line that fails the schema is folded from its usable fields (a ts_ms the schema refuses, or
// written twice, is absent; another repeated key reads as its last occurrence, and is reported
// first, as input.duplicate-key, as validate reports it). An event that names no usable session
// or event type is not folded (the schema check reports it). A line that holds no JSON object
// (not UTF-8, a lone surrogate, blank, not JSON, trailing data...) is counted and not folded: err
// is its *vrpevent.DecodeError, and LineFinding words it as validate does.
func (c *Checker) CheckJSON(raw []byte, line int) ([]Finding, error) {
	c.events++
	doc, repeated, err := vrpevent.ReadEvent(raw)
	if err != nil {
		return nil, err
	}
	rec, ok, err := c.recordOf(doc, repeated)
	if err != nil {
		return nil, err
	}
	var out []Finding
	for _, problem := range repeated {
		if finding, isInput := LineFinding(problem, line); isInput {
			finding.SessionID, _ = lookup(doc, c.m.paths[pathSessionKey]).(string)
			out = append(out, finding)
		}
	}
	if ok {
		out = append(out, c.Step(rec, line)...)
	}
	return out, nil
}

// LineFinding is the finding `vrp-contract validate` reports at `line` for a line that holds no
// event (the *vrpevent.DecodeError of CheckJSON or RecordOfJSON); ok is false for another error.
func LineFinding(err error, line int) (Finding, bool) {
	var de *vrpevent.DecodeError
	if !errors.As(err, &de) {
		return Finding{}, false
	}
	severity, ok := InputRules[de.Rule]
	if !ok {
		return Finding{}, false
	}
	message := de.Message
	if rest, found := strings.CutPrefix(message, "The value is a JSON "); found {
		message = "The line holds a JSON " + rest
	} else if rest, found := strings.CutPrefix(message, "The input "); found {
		message = "The line " + rest
	}
	return Finding{InvariantID(de.Rule), severity, message, de.Pointer, line, ""}, true
}

// WouldFind returns the findings `event` would cause, without folding it: a producer asks
// before it emits.
func (c *Checker) WouldFind(event any) ([]Finding, error) {
	rec, err := c.typedRecord(event)
	if err != nil {
		return nil, err
	}
	if c.m.audit[rec.EventType] {
		return nil, nil
	}
	_, open := c.sessions[rec.SessionID]
	out, _ := c.step(rec, c.events+1, true)
	if !open {
		delete(c.sessions, rec.SessionID) // a dry run opens nothing
	}
	return out, nil
}

func (c *Checker) typedRecord(event any) (Record, error) {
	raw, err := json.Marshal(event)
	if err != nil {
		return Record{}, fmt.Errorf("encoding the event: %w", err)
	}
	doc, _, err := vrpevent.ReadEvent(raw)
	if err != nil {
		return Record{}, err
	}
	if typed, isEvent := event.(vrpevent.Event); isEvent { // the type Encode writes, whatever
		setAt(doc, c.m.paths[pathEventType], typed.EventTypeName()) // the EventType field holds
	}
	rec, ok, err := c.RecordOf(doc)
	if err != nil {
		return Record{}, err
	}
	if !ok {
		return Record{}, fmt.Errorf("%T names no session (%s) or no event type of revision %s "+
			"(%s): it cannot be checked", event, spec.Pointers.SessionKey, Revision,
			spec.Pointers.EventType)
	}
	return rec, nil
}

// RecordOfJSON reads what the fold needs of one JSON event with the module's strict parser; ok
// is false when the event names no usable session or no event type of this revision; err is the
// *vrpevent.DecodeError of a line that holds no JSON object.
func (c *Checker) RecordOfJSON(raw []byte) (Record, bool, error) {
	doc, repeated, err := vrpevent.ReadEvent(raw)
	if err != nil {
		return Record{}, false, err
	}
	return c.recordOf(doc, repeated)
}

// recordOf is RecordOf of a line read with its repeated keys: a repeated clock is absent.
func (c *Checker) recordOf(doc map[string]any, repeated []*vrpevent.DecodeError) (Record, bool, error) {
	rec, ok, err := c.RecordOf(doc)
	for _, problem := range repeated {
		if problem.Pointer == spec.Pointers.Clock { // which value is the time is ambiguous
			rec.TS, rec.HasTS = 0, false
		}
	}
	return rec, ok, err
}

// RecordOf reads what the fold needs of one decoded JSON event (numbers as json.Number or
// float64).
func (c *Checker) RecordOf(doc any) (Record, bool, error) {
	m := c.m
	sid, ok := lookup(doc, m.paths[pathSessionKey]).(string)
	if !ok || sid == "" {
		return Record{}, false, nil
	}
	kind, ok := lookup(doc, m.paths[pathEventType]).(string)
	if !ok || !m.eventTypes[kind] {
		return Record{}, false, nil
	}
	rec := Record{SessionID: sid, EventType: kind}
	rec.TS, rec.HasTS = clock(lookup(doc, m.paths[pathClock]))
	if m.transition[kind] {
		from, okF := lookup(doc, m.paths[pathFrom]).(string)
		to, okT := lookup(doc, m.paths[pathTo]).(string)
		if okF && okT && m.states[State(from)] && m.states[State(to)] {
			rec.From, rec.To = State(from), State(to)
		}
	}
	return rec, true, nil
}

var clockMin, clockMax = big.NewInt(ClockMin), big.NewInt(ClockMax)

// clock is a clock value the schema accepts: an integer, or a whole number such as 2000.0 (read
// as a 64-bit float, as Python reads it), within ClockMin..ClockMax; anything else is absent.
func clock(v any) (int64, bool) {
	var n *big.Int
	switch t := v.(type) {
	case json.Number:
		if !strings.ContainsAny(string(t), ".eE") {
			var ok bool
			if n, ok = new(big.Int).SetString(string(t), 10); !ok {
				return 0, false
			}
			break
		}
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil {
			return 0, false
		}
		return clock(f)
	case float64:
		if math.IsInf(t, 0) || math.IsNaN(t) || t != math.Trunc(t) {
			return 0, false
		}
		n, _ = big.NewFloat(t).Int(nil)
	case int:
		n = big.NewInt(int64(t))
	case int64:
		n = big.NewInt(t)
	default:
		return 0, false
	}
	if n.Cmp(clockMin) < 0 || n.Cmp(clockMax) > 0 {
		return 0, false
	}
	return n.Int64(), true
}

func tokens(pointer string) []string {
	parts := strings.Split(pointer, "/")[1:]
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	return parts
}

func lookup(doc any, path []string) any {
	node := doc
	for _, token := range path {
		obj, ok := node.(map[string]any)
		if !ok {
			return nil
		}
		if node, ok = obj[token]; !ok {
			return nil
		}
	}
	return node
}

// setAt sets the value at a path of object keys, making the objects on the way.
func setAt(doc map[string]any, path []string, value any) {
	node := doc
	for _, token := range path[:len(path)-1] {
		next, ok := node[token].(map[string]any)
		if !ok {
			next = map[string]any{}
			node[token] = next
		}
		node = next
	}
	node[path[len(path)-1]] = value
}

func names(list []string) string {
	if len(list) <= 1 {
		return strings.Join(list, "")
	}
	return strings.Join(list[:len(list)-1], ", ") + " or " + list[len(list)-1]
}

// Step folds one record found at `line` and returns its findings in the order of the fold.
func (c *Checker) Step(rec Record, line int) []Finding {
	if c.m.audit[rec.EventType] { // an audit reports on a session: it is not part of it
		return nil
	}
	out, _ := c.step(rec, line, false)
	return out
}

type emitter struct {
	c   *Checker
	out []Finding
	rec *Record
	at  int
}

func (e *emitter) add(id InvariantID, pointer, message string) bool {
	rule, ok := e.c.m.rules[id]
	if ok {
		e.out = append(e.out, Finding{rule.ID, rule.Severity, message, pointer, e.at, e.rec.SessionID})
	}
	return ok
}

func (c *Checker) step(rec Record, line int, dryRun bool) ([]Finding, *session) {
	m := c.m
	p := spec.Pointers
	e := &emitter{c: c, rec: &rec, at: line}
	sess, open := c.sessions[rec.SessionID]
	if !open {
		if c.terminated.has(rec.SessionID) {
			e.add(RuleSessionTerminatedFinal, p.EventType, fmt.Sprintf(
				"%s follows the termination of session %s; nothing may follow %s.",
				rec.EventType, quoted(rec.SessionID), names(m.terminalNames)))
			return e.out, nil
		}
		created := m.create[rec.EventType]
		if !created && !c.assumeOpen {
			e.add(RuleSessionCreatedFirst, p.SessionKey, fmt.Sprintf(
				"%s belongs to a session that was never created in this input (its first event "+
					"must be %s); later events of the session are checked from an unknown state. "+
					"Use WithAssumeOpenSessions for streams cut from the middle.",
				rec.EventType, names(m.createNames)))
		}
		sess = &session{bound: -1}
		if created {
			sess.state, sess.bound = spec.Initial, 0
		}
		c.sessions[rec.SessionID] = sess
	} else if m.create[rec.EventType] {
		e.add(RuleSessionCreatedFirst, p.EventType, fmt.Sprintf(
			"%s arrives for a session that already has events; a session is created exactly "+
				"once, by its first event.", rec.EventType))
	}
	reported := c.rules(sess, &rec, e)
	if !dryRun {
		c.advance(sess, &rec, reported)
	}
	return e.out, sess
}

// rules is steps 2 and 3 of the fold: it reads the session and adds findings; it returns true
// when a recovery episode was reported.
func (c *Checker) rules(sess *session, rec *Record, e *emitter) bool {
	m := c.m
	p := spec.Pointers
	reported := false
	if rec.HasTS {
		if sess.hasLast && rec.TS < sess.lastTS {
			e.add(RuleSessionTsMonotonic, p.Clock, fmt.Sprintf(
				"ts_ms %d is earlier than the session's previous event at %d (%d ms back); "+
					"ts_ms must never decrease within a session.",
				rec.TS, sess.lastTS, sess.lastTS-rec.TS))
		}
		limit := c.policy.MaxRecoveryMs
		if sess.inRecovery && !sess.reported && rec.TS-sess.recoverySince > limit {
			reported = e.add(RuleRecoveryBoundedTime, p.Clock, fmt.Sprintf(
				"The session has been in %s (recovery) for %d ms since ts_ms %d, longer than "+
					"the policy's max_recovery_ms of %d.",
				sess.state, rec.TS-sess.recoverySince, sess.recoverySince, limit))
		}
	}
	if rec.From != "" && rec.To != "" {
		if sess.state != "" && rec.From != sess.state {
			e.add(RuleTransitionExplicit, p.TransitionFrom, fmt.Sprintf(
				"%s %s -> %s starts from %s, but the session is in %s: the transition %s -> %s "+
					"happened silently.",
				rec.EventType, rec.From, rec.To, rec.From, sess.state, sess.state, rec.From))
		}
		if !IsAllowed(rec.From, rec.To) {
			targets := m.allowed[rec.From]
			var why string
			switch {
			case rec.From == rec.To:
				why = "self-transitions are not allowed"
			case len(targets) == 0:
				why = "nothing leaves " + string(rec.From)
			default:
				sorted := make([]string, len(targets))
				for i, t := range targets {
					sorted[i] = string(t)
				}
				sort.Strings(sorted)
				why = fmt.Sprintf("from %s the state machine allows only %s", rec.From,
					strings.Join(sorted, ", "))
			}
			e.add(RuleTransitionAllowed, p.TransitionTo, fmt.Sprintf(
				"The transition %s -> %s is not in the transition table: %s.", rec.From, rec.To, why))
		}
		limit := c.policy.MaxRecoveryAttempts
		if m.counted[rec.To] && int64(sess.attempts+1) > limit {
			e.add(RuleRecoveryBoundedAttempts, p.TransitionTo, fmt.Sprintf(
				"This is recovery attempt %d since the session was last %s; the policy's "+
					"max_recovery_attempts is %d.", sess.attempts+1, names(m.resetNames), limit))
		}
	} else if m.bind[rec.EventType] {
		if sess.bound == 1 && sess.state != "" && !m.binding[sess.state] {
			e.add(RuleTransportSingleActive, p.EventType, fmt.Sprintf(
				"%s while the session is %s with an active binding: a second transport would be "+
					"active at once (dual-active binding). Binding is allowed only without an "+
					"active one, or in %s.", rec.EventType, sess.state, names(m.bindNames)))
		}
	}
	return reported
}

// advance is step 4 of the fold: the one place where a session changes.
func (c *Checker) advance(sess *session, rec *Record, reported bool) {
	m := c.m
	if reported {
		sess.reported = true // once per recovery episode
	}
	if rec.HasTS {
		sess.lastTS, sess.hasLast = rec.TS, true
	}
	if rec.From != "" && rec.To != "" {
		wasRecovering := sess.state != "" && m.recovery[sess.state]
		if m.recovery[rec.To] {
			if !wasRecovering {
				sess.recoverySince, sess.inRecovery, sess.reported = rec.TS, rec.HasTS, false
			}
		} else {
			sess.inRecovery = false
		}
		sess.state = rec.To
		if m.counted[rec.To] {
			sess.attempts++
		}
		if m.reset[rec.To] {
			sess.attempts = 0
		}
		if m.terminal[rec.To] {
			delete(c.sessions, rec.SessionID)
			c.terminated.add(rec.SessionID)
		}
	} else if m.bind[rec.EventType] {
		sess.bound = 1
	}
}

func quoted(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}
