// @@HEADER@@
//! The session checker: feed it events in order (many sessions interleaved) and it reports the
//! stream invariants' findings with the same rule ids, JSON Pointers, event index (line) and
//! session id as `vrp-contract validate`.
//!
//! It runs the session fold of docs/guides/session-fold.md. This engine names no state and no
//! event type: every decision reads a table of `crate::behaviour`, generated from the revision's
//! files, so a new revision regenerates it without a hand edit. Memory holds the open sessions
//! (a few words each) and a bounded memory of terminated ids (O(1) per event).

use crate::behaviour::{self, EventType, Policy, Rule, Severity, State};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

/// How many terminated session ids are remembered by default (as `--remember-terminated`).
pub const DEFAULT_REMEMBER_TERMINATED: usize = 200_000;

/// What the fold sees of one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    /// The session the event belongs to (never empty).
    pub session_id: &'a str,
    /// Its event type.
    pub event_type: EventType,
    /// The event time, when present and a valid timestamp.
    pub ts_ms: Option<i64>,
    /// `(from, to)` of a transition event whose two state fields are both states.
    pub transition: Option<(State, State)>,
}

impl<'a> Record<'a> {
    /// The record of a JSON event, or None when the fold does not see the event: its session id
    /// is not a non-empty string, its event type is not one of the revision's, or it is an audit
    /// event (it reports on a session and is not part of its behaviour).
    pub fn from_json(event: &'a Value) -> Option<Record<'a>> {
        let session_id = event.pointer(behaviour::SESSION_KEY)?.as_str()?;
        if session_id.is_empty() {
            return None;
        }
        let event_type = EventType::from_name(event.pointer(behaviour::EVENT_TYPE)?.as_str()?)?;
        if event_type.audits() {
            return None;
        }
        let ts_ms = event.pointer(behaviour::CLOCK).and_then(clock);
        let mut transition = None;
        if event_type.transitions() {
            let state = |p: &str| event.pointer(p)?.as_str().and_then(State::from_name);
            if let (Some(from), Some(to)) = (
                state(behaviour::TRANSITION_FROM),
                state(behaviour::TRANSITION_TO),
            ) {
                transition = Some((from, to));
            }
        }
        Some(Record {
            session_id,
            event_type,
            ts_ms,
            transition,
        })
    }
}

/// A clock value the schema accepts (an integer, or a whole number such as `2000.0`, within the
/// timestamp's bounds); anything else takes no part in the session checks.
fn clock(value: &Value) -> Option<i64> {
    let Value::Number(n) = value else {
        return None;
    };
    let wide = if let Some(i) = n.as_i64() {
        i128::from(i)
    } else if let Some(u) = n.as_u64() {
        i128::from(u)
    } else {
        let f = n.as_f64()?;
        let i = f as i128;
        if i as f64 != f {
            return None;
        }
        i
    };
    let (min, max) = (
        i128::from(behaviour::CLOCK_MIN),
        i128::from(behaviour::CLOCK_MAX),
    );
    if wide < min || wide > max {
        return None;
    }
    i64::try_from(wide).ok()
}

/// What the checker remembers of one open session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    /// The current state; None for a session first seen mid-stream, until its first transition.
    pub state: Option<State>,
    /// Whether a transport is bound; None when unknown (a session first seen mid-stream).
    pub bound: Option<bool>,
    /// The time of the session's previous event that had one.
    pub last_ts: Option<i64>,
    /// When the current recovery episode began (None outside recovery).
    pub recovery_since: Option<i64>,
    /// Whether the current recovery episode was already reported as too long.
    pub recovery_reported: bool,
    /// Recovery attempts since the count was last reset.
    pub attempts: i64,
}

/// One violation of a stream invariant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// 1-based index of the event in the order it was fed (the line of a JSON Lines stream).
    pub line: u64,
    /// The invariant violated.
    pub rule: Rule,
    /// JSON Pointer into the event.
    pub pointer: &'static str,
    /// The session of the event.
    pub session_id: String,
    /// What is wrong, as one or two sentences.
    pub message: String,
}

impl Finding {
    /// The rule's severity.
    pub fn severity(&self) -> Severity {
        self.rule.severity()
    }

    /// The finding as JSON, with the keys of `vrp-contract validate --format jsonl`.
    pub fn to_json(&self) -> Value {
        json!({
            "rule": self.rule.id(),
            "severity": self.severity().name(),
            "message": self.message,
            "pointer": self.pointer,
            "line": self.line,
            "session_id": self.session_id,
        })
    }
}

/// How the checker checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The recovery bounds.
    pub policy: Policy,
    /// The stream starts mid-session: sessions first seen mid-stream are not a violation.
    pub assume_open_sessions: bool,
    /// How many terminated ids to remember; past it the oldest is forgotten.
    pub remember_terminated: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            policy: Policy::DEFAULT,
            assume_open_sessions: false,
            remember_terminated: DEFAULT_REMEMBER_TERMINATED,
        }
    }
}

/// Where the event's session stands before the event.
enum Before {
    New,
    Open(Session),
    Terminated,
}

/// What the event does to the checker's memory.
enum After {
    Unchanged,
    Open(Session),
    Closed,
}

/// Folds events into per-session state and reports findings (see the module docs).
#[derive(Debug, Clone)]
pub struct SessionChecker {
    options: Options,
    open: HashMap<String, Session>,
    terminated: HashSet<Arc<str>>,
    terminated_order: VecDeque<Arc<str>>, // the same ids, oldest first (one allocation each)
    line: u64,
    seen: u64,
}

impl Default for SessionChecker {
    fn default() -> Self {
        SessionChecker::new(Options::default())
    }
}

impl SessionChecker {
    /// A checker with no session yet.
    pub fn new(options: Options) -> Self {
        SessionChecker {
            options,
            open: HashMap::new(),
            terminated: HashSet::new(),
            terminated_order: VecDeque::new(),
            line: 0,
            seen: 0,
        }
    }

    /// The options it checks with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Checks the next event, a typed event of this crate.
    pub fn check_event(&mut self, event: &crate::VrpEvent) -> Vec<Finding> {
        match serde_json::to_value(event) {
            Ok(value) => self.check_json(&value),
            Err(_) => self.skip(),
        }
    }

    /// Checks the next event, given as JSON; an event the fold does not see still takes a line.
    pub fn check_json(&mut self, event: &Value) -> Vec<Finding> {
        match Record::from_json(event) {
            Some(record) => self.check(&record),
            None => self.skip(),
        }
    }

    /// Checks the next event's record and remembers what it changes.
    pub fn check(&mut self, record: &Record<'_>) -> Vec<Finding> {
        self.line += 1;
        let before = self.before(record.session_id);
        if matches!(before, Before::New) {
            self.seen += 1;
        }
        let (after, findings) = self.fold(self.line, record, before);
        match after {
            After::Unchanged => {}
            After::Open(session) => match self.open.get_mut(record.session_id) {
                Some(slot) => *slot = session,
                None => {
                    self.open.insert(record.session_id.to_owned(), session);
                }
            },
            After::Closed => {
                self.open.remove(record.session_id);
                self.remember_terminated(record.session_id);
            }
        }
        findings
    }

    /// Counts one input line that is not an event the fold sees (for the line numbers).
    pub fn skip(&mut self) -> Vec<Finding> {
        self.line += 1;
        Vec::new()
    }

    /// The findings the typed event would get as the next event, without changing anything:
    /// a service asks this before it emits the event.
    pub fn preview_event(&self, event: &crate::VrpEvent) -> Vec<Finding> {
        match serde_json::to_value(event) {
            Ok(value) => self.preview_json(&value),
            Err(_) => Vec::new(),
        }
    }

    /// `preview_event` for an event given as JSON.
    pub fn preview_json(&self, event: &Value) -> Vec<Finding> {
        Record::from_json(event).map_or_else(Vec::new, |record| self.preview(&record))
    }

    /// `preview_event` for an event's record.
    pub fn preview(&self, record: &Record<'_>) -> Vec<Finding> {
        self.fold(self.line + 1, record, self.before(record.session_id))
            .1
    }

    /// The open session `session_id`, if there is one.
    pub fn session(&self, session_id: &str) -> Option<&Session> {
        self.open.get(session_id)
    }

    /// Sessions seen and not terminated.
    pub fn open_sessions(&self) -> usize {
        self.open.len()
    }

    /// Terminated session ids currently remembered (at most `remember_terminated`).
    pub fn remembered_terminated(&self) -> usize {
        self.terminated.len()
    }

    /// Sessions opened so far (created, or first seen mid-stream).
    pub fn sessions_seen(&self) -> u64 {
        self.seen
    }

    /// Events (lines) fed so far.
    pub fn events(&self) -> u64 {
        self.line
    }

    fn before(&self, session_id: &str) -> Before {
        match self.open.get(session_id) {
            Some(session) => Before::Open(*session),
            None if self.terminated.contains(session_id) => Before::Terminated,
            None => Before::New,
        }
    }

    fn remember_terminated(&mut self, session_id: &str) {
        let id: Arc<str> = Arc::from(session_id);
        self.terminated.insert(Arc::clone(&id));
        self.terminated_order.push_back(id);
        while self.terminated_order.len() > self.options.remember_terminated {
            if let Some(oldest) = self.terminated_order.pop_front() {
                self.terminated.remove(&oldest);
            }
        }
    }

    /// One step of the fold: the rules look at the session before the event, then it advances.
    fn fold(&self, line: u64, record: &Record<'_>, before: Before) -> (After, Vec<Finding>) {
        let mut out = Vec::new();
        let sid = record.session_id;
        let kind = record.event_type;
        let mut push = |rule: Rule, pointer: &'static str, message: String| {
            out.push(Finding {
                line,
                rule,
                pointer,
                session_id: sid.to_owned(),
                message,
            });
        };
        let policy = &self.options.policy;
        let mut s =
            match before {
                Before::Terminated => {
                    push(
                        Rule::SessionTerminatedFinal,
                        behaviour::EVENT_TYPE,
                        format!(
                        "{kind} follows the termination of session {sid:?}; nothing may follow {}.",
                        names(State::ALL.iter().filter(|s| s.is_terminal()).map(|s| s.name())),
                    ),
                    );
                    return (After::Unchanged, out);
                }
                Before::New => {
                    let created = kind.creates();
                    if !created && !self.options.assume_open_sessions {
                        push(
                            Rule::SessionCreatedFirst,
                            behaviour::SESSION_KEY,
                            format!(
                                "{kind} belongs to a session that was never created in this input \
                             (its first event must be {}); later events of the session are \
                             checked from an unknown state. Declare streams cut from the middle \
                             as starting mid-session (assume_open_sessions).",
                                creators(),
                            ),
                        );
                    }
                    Session {
                        state: created.then_some(State::INITIAL),
                        bound: created.then_some(false),
                        last_ts: None,
                        recovery_since: None,
                        recovery_reported: false,
                        attempts: 0,
                    }
                }
                Before::Open(session) => {
                    if kind.creates() {
                        push(
                            Rule::SessionCreatedFirst,
                            behaviour::EVENT_TYPE,
                            format!(
                                "{kind} arrives for a session that already has events; a session \
                             is created exactly once, by its first event."
                            ),
                        );
                    }
                    session
                }
            };
        if let Some(ts) = record.ts_ms {
            if let Some(last) = s.last_ts {
                if ts < last {
                    push(
                        Rule::SessionTsMonotonic,
                        behaviour::CLOCK,
                        format!(
                            "ts_ms {ts} is earlier than the session's previous event at {last} \
                             ({} ms back); ts_ms must never decrease within a session.",
                            i128::from(last) - i128::from(ts),
                        ),
                    );
                }
            }
            if let Some(since) = s.recovery_since {
                let spent = i128::from(ts) - i128::from(since);
                if !s.recovery_reported && spent > i128::from(policy.max_recovery_ms) {
                    push(
                        Rule::RecoveryBoundedTime,
                        behaviour::CLOCK,
                        format!(
                            "The session has been in {} (recovery) for {spent} ms since ts_ms \
                             {since}, longer than the policy's max_recovery_ms of {}.",
                            state_name(s.state),
                            policy.max_recovery_ms,
                        ),
                    );
                    s.recovery_reported = true; // once per recovery episode
                }
            }
        }
        if let Some((from, to)) = record.transition {
            if let Some(state) = s.state {
                if state != from {
                    push(
                        Rule::TransitionExplicit,
                        behaviour::TRANSITION_FROM,
                        format!(
                            "{kind} {from} -> {to} starts from {from}, but the session is in \
                             {state}: the transition {state} -> {from} happened silently."
                        ),
                    );
                }
            }
            if !behaviour::is_allowed(from, to) {
                let mut allowed: Vec<&str> = from.allowed_targets().map(State::name).collect();
                allowed.sort_unstable();
                let why = if from == to {
                    "self-transitions are not allowed".to_owned()
                } else if allowed.is_empty() {
                    format!("nothing leaves {from}")
                } else {
                    format!(
                        "from {from} the state machine allows only {}",
                        allowed.join(", ")
                    )
                };
                push(
                    Rule::TransitionAllowed,
                    behaviour::TRANSITION_TO,
                    format!("The transition {from} -> {to} is not in the transition table: {why}."),
                );
            }
            if to.counts_attempt() && s.attempts.saturating_add(1) > policy.max_recovery_attempts {
                push(
                    Rule::RecoveryBoundedAttempts,
                    behaviour::TRANSITION_TO,
                    format!(
                        "This is recovery attempt {} since the session was last {}; the \
                         policy's max_recovery_attempts is {}.",
                        s.attempts.saturating_add(1),
                        names(
                            State::ALL
                                .iter()
                                .filter(|s| s.resets_attempts())
                                .map(|s| s.name())
                        ),
                        policy.max_recovery_attempts,
                    ),
                );
            }
        } else if kind.binds() && s.bound == Some(true) {
            if let Some(state) = s.state.filter(|state| !state.is_binding()) {
                push(
                    Rule::TransportSingleActive,
                    behaviour::EVENT_TYPE,
                    format!(
                        "{kind} while the session is {state} with an active binding: a second \
                         transport would be active at once (dual-active binding). A transport \
                         is bound again only in {}.",
                        names(
                            State::ALL
                                .iter()
                                .filter(|s| s.is_binding())
                                .map(|s| s.name())
                        ),
                    ),
                );
            }
        }
        // Advance: the one place where the session changes.
        if record.ts_ms.is_some() {
            s.last_ts = record.ts_ms;
        }
        if let Some((_, to)) = record.transition {
            let was_recovering = s.state.is_some_and(State::is_recovery);
            if to.is_recovery() {
                if !was_recovering {
                    s.recovery_since = record.ts_ms;
                    s.recovery_reported = false;
                }
            } else {
                s.recovery_since = None;
            }
            s.state = Some(to);
            if to.counts_attempt() {
                s.attempts = s.attempts.saturating_add(1);
            }
            if to.resets_attempts() {
                s.attempts = 0;
            }
            if to.is_terminal() {
                return (After::Closed, out);
            }
        } else if kind.binds() {
            s.bound = Some(true);
        }
        (After::Open(s), out)
    }
}

fn names<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(" or ")
}

fn creators() -> String {
    names(
        EventType::ALL
            .iter()
            .filter(|e| e.creates())
            .map(|e| e.name()),
    )
}

fn state_name(state: Option<State>) -> &'static str {
    state.map_or("an unknown state", State::name)
}
