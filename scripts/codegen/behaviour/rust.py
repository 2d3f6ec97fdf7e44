"""Rust: the behaviour tables and the session checker inside each revision's crate.

Writes into `generated/rust/v0_1/` (next to the typify types written by `scripts/codegen/rust.py`):

- `src/behaviour.rs`: generated from the revision's tables (`common.tables`): `State` (an enum
  with its roles: initial, terminal, binding, recovery, counted/reset on entry), the transition
  table with `is_allowed(from, to)`, `EventType` with its roles, the JSON Pointers the fold reads,
  `Severity`, the invariant catalog, `Rule` (the stream rules), `Policy` with the default values;
- `src/session.rs`: the session checker (`SessionChecker`), a hand-written engine copied from
  `templates/rust/session.rs`; it names no state and no event type, only the generated tables;
- `tests/behaviour-suite.json`: the revision's behaviour suite (`common.suite_json`), in the crate;
- `tests/behaviour.rs`: runs that suite through the checker, and tests its memory bound, the typed
  entry point and `preview`;
- `src/bin/vrp-session-check.rs`: the checker command of tests/behaviour/README.md (JSON Lines in,
  findings as JSON Lines out), which the differential test compares with `vrp-contract validate`;
- two `pub mod` lines appended to `src/lib.rs`.

No Cargo.toml change: the checker needs only serde_json, which the crate already depends on.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

from scripts.codegen.behaviour.common import (
    Tables,
    pascal,
    suite_json,
    tables,
    words,
)
from scripts.codegen.behaviour.facts import clock_bounds, severities
from scripts.codegen.common import GeneratorError, header_lines, module_suffix, write
from vrp_contract import catalog

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = ["behaviour_rs", "generate", "library_name"]

TEMPLATES = Path(__file__).parent / "templates" / "rust"
MODULES = (
    "\n// The behavioural contract (scripts/codegen/behaviour/rust.py).\n"
    "pub mod behaviour;\npub mod session;\n"
)


def _str(text: str) -> str:
    """A Rust string literal (JSON escapes are valid Rust escapes for these texts)."""
    return json.dumps(text, ensure_ascii=False)


def _doc(text: str, indent: str = "") -> str:
    return "\n".join(f"{indent}/// {line}".rstrip() for line in text.splitlines())


DERIVE = "Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord"
BEGIN_REGION = "// region state-model"
END_REGION = "// endregion state-model"


def _enum_decl(name: str, doc: str, variants: list[tuple[str, str, str]]) -> list[str]:
    """`pub enum name { ... }`; variants are (ident, contract name, doc)."""
    out = [_doc(doc), f"#[derive({DERIVE})]", f"pub enum {name} {{"]
    for ident, _, vdoc in variants:
        out += [_doc(vdoc, "    "), f"    {ident},"]
    return [*out, "}", ""]


def _enum_impl(name: str, variants: list[tuple[str, str, str]]) -> list[str]:
    """`ALL`, `name()`, `from_name()` and Display of an enum."""
    return [
        f"impl {name} {{",
        "    /// Every value, in the order of the revision's files.",
        f"    pub const ALL: [{name}; {len(variants)}] = [",
        *(f"        {name}::{ident}," for ident, _, _ in variants),
        "    ];",
        "",
        "    /// The name in the contract's files and events.",
        "    pub const fn name(self) -> &'static str {",
        "        match self {",
        *(f"            {name}::{ident} => {_str(n)}," for ident, n, _ in variants),
        "        }",
        "    }",
        "",
        "    /// The value with this contract name, if there is one.",
        "    pub fn from_name(name: &str) -> Option<Self> {",
        "        match name {",
        *(f"            {_str(n)} => Some({name}::{ident})," for ident, n, _ in variants),
        "            _ => None,",
        "        }",
        "    }",
        "}",
        "",
        f"impl std::fmt::Display for {name} {{",
        "    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {",
        "        f.write_str(self.name())",
        "    }",
        "}",
        "",
    ]


def _enum_block(name: str, doc: str, variants: list[tuple[str, str, str]]) -> list[str]:
    """An enum with `ALL`, `name()`, `from_name()` and Display."""
    return _enum_decl(name, doc, variants) + _enum_impl(name, variants)


def _flag_fn(name: str, doc: str, kind: str, variants: list[tuple[str, bool]]) -> list[str]:
    """`pub const fn name(self) -> bool` as a match over the variants that have the flag."""
    on = [ident for ident, flag in variants if flag]
    body = " | ".join(f"{kind}::{ident}" for ident in on) if on else None
    out = [_doc(doc, "    "), f"    pub const fn {name}(self) -> bool {{"]
    out.append(f"        matches!(self, {body})" if body else "        false")
    out += ["    }", ""]
    return out


def _input_severity(revision: Revision, names: list[str]) -> list[str]:
    """`input_severity(rule)`: the catalog's severity of each `input.*` rule.

    An `input.*` rule is a line that holds no usable event; with it `vrp-session-check` reports
    such a line as `vrp-contract validate` does.
    """
    arms = []
    for info in catalog.rules(revision):
        if info.category != "input":
            continue
        if str(info.severity) not in names:
            msg = f"rust: {info.id} has severity {info.severity}, which Severity lacks"
            raise GeneratorError(msg)
        arms.append(f"        {_str(info.id)} => Some(Severity::{pascal(str(info.severity))}),")
    return [
        "/// Severity of a finding on a line that is no usable event (an `input.*` rule of",
        "/// `vrp-contract validate`: not UTF-8, not JSON, not an object, blank...); None for any",
        "/// other rule id.",
        "pub fn input_severity(rule: &str) -> Option<Severity> {",
        "    match rule {",
        *arms,
        "        _ => None,",
        "    }",
        "}",
        "",
    ]


def behaviour_rs(revision: Revision, t: Tables) -> str:
    """The text of `src/behaviour.rs` for one revision (without the header)."""
    states = [(pascal(s.name), s) for s in t.states]
    events = [(pascal(e.name), e) for e in t.event_types]
    n = len(states)
    index = {s.name: i for i, (_, s) in enumerate(states)}
    out = [
        f"//! The behavioural contract of revision {t.revision} as tables: the state machine with",
        "//! the roles of its states, the event roles, the invariant catalog and the default",
        "//! recovery policy (from state-machine.json, behaviour.json, invariants.json and",
        "//! policy.default.json). `crate::session::SessionChecker` folds events through them.",
        "",
        "/// The contract revision these tables belong to.",
        f"pub const REVISION: &str = {_str(t.revision)};",
        "",
    ]
    variants = [(ident, s.name, f"`{_str(s.name)}`: {s.description}") for ident, s in states]
    roles = [
        ("is_initial", "The state a created session starts in.", "initial"),
        ("is_terminal", "Entering it ends the session: nothing may follow.", "terminal"),
        ("is_binding", "A transport may be bound while one is active (re-attach).", "binding"),
        ("is_recovery", "Time spent here counts against `max_recovery_ms`.", "recovery"),
        ("counts_attempt", "Entering it counts one recovery attempt.", "counted"),
        ("resets_attempts", "Entering it resets the recovery attempt count.", "reset"),
    ]
    out += [BEGIN_REGION, *_enum_decl("State", "A session state of the state machine.", variants)]
    out += [
        "impl State {",
        "    /// The state a session created by a `create` event starts in.",
        f"    pub const INITIAL: State = State::{pascal(t.initial)};",
        "",
    ]
    for fn, doc, attr in roles:
        out += _flag_fn(fn, doc, "State", [(i, bool(getattr(s, attr))) for i, s in states])
    out[-1:] = ["}", ""]
    out += [
        "/// The transition table: every allowed `(from, to)` pair, in file order.",
        f"pub const TRANSITIONS: [(State, State); {len(t.transitions)}] = [",
        *(f"    (State::{pascal(f)}, State::{pascal(to)})," for f, to in t.transitions),
        "];",
        "",
        "/// Whether the state machine allows `from -> to` (the `transition.allowed` invariant).",
        "pub const fn is_allowed(from: State, to: State) -> bool {",
        "    ALLOWED[from as usize][to as usize]",
        "}",
        END_REGION,
        "",
    ]
    out += _enum_impl("State", variants)
    out += [
        "impl State {",
        "    /// Position in `State::ALL` (and in the rows of the transition table).",
        "    pub const fn index(self) -> usize {",
        "        self as usize",
        "    }",
        "",
        "    /// The state's description in state-machine.json.",
        "    pub const fn description(self) -> &'static str {",
        "        match self {",
        *(f"            State::{i} => {_str(s.description)}," for i, s in states),
        "        }",
        "    }",
        "",
        "    /// The states this one may move to, in the order of the transition table.",
        "    pub fn allowed_targets(self) -> impl Iterator<Item = State> {",
        "        TRANSITIONS",
        "            .iter()",
        "            .filter(move |(f, _)| *f == self)",
        "            .map(|(_, t)| *t)",
        "    }",
        "}",
        "",
    ]
    matrix = [[False] * n for _ in range(n)]
    for f, to in t.transitions:
        matrix[index[f]][index[to]] = True
    rows = ["    [" + ", ".join("true" if v else "false" for v in row) + "]," for row in matrix]
    out += [f"const ALLOWED: [[bool; {n}]; {n}] = [", *rows, "];", ""]
    out += _enum_block(
        "EventType",
        "An event type of the revision, with the part of a session it changes (its roles).",
        [(ident, e.name, f"`{e.name}`.") for ident, e in events],
    )
    event_roles = [
        ("creates", "It opens a session (a session's first event).", "create"),
        ("transitions", "It moves a session from one state to another.", "transition"),
        ("binds", "It binds a transport to the session.", "bind"),
        ("audits", "It reports invariant findings.", "audit"),
    ]
    out += ["impl EventType {"]
    for fn, doc, attr in event_roles:
        out += _flag_fn(fn, doc, "EventType", [(i, bool(getattr(e, attr))) for i, e in events])
    out[-1:] = ["}", ""]
    p = t.pointers
    lo, hi = clock_bounds(revision, p.clock)
    out += [
        "/// JSON Pointer of the session id in an event.",
        f"pub const SESSION_KEY: &str = {_str(p.session_key)};",
        "/// JSON Pointer of the event time (integer milliseconds) in an event.",
        f"pub const CLOCK: &str = {_str(p.clock)};",
        "/// The smallest valid clock value (the event schema's `minimum` there).",
        f"pub const CLOCK_MIN: i64 = {lo};",
        "/// The largest valid clock value (the event schema's `maximum` there).",
        f"pub const CLOCK_MAX: i64 = {hi};",
        "/// JSON Pointer of the event type (the union's discriminator) in an event.",
        f"pub const EVENT_TYPE: &str = {_str(p.event_type)};",
        "/// JSON Pointer of the state a transition leaves.",
        f"pub const TRANSITION_FROM: &str = {_str(p.transition_from)};",
        "/// JSON Pointer of the state a transition enters.",
        f"pub const TRANSITION_TO: &str = {_str(p.transition_to)};",
        "",
    ]
    names = severities(revision, t)
    out += _enum_block(
        "Severity",
        "Severity of an invariant's violation.",
        [(pascal(s), s, f"`{s}`.") for s in names],
    )
    out += [
        "/// One entry of the invariant catalog (invariants.json).",
        "#[derive(Debug, Clone, Copy, PartialEq, Eq)]",
        "pub struct Invariant {",
        "    /// Stable id, never reused for another meaning.",
        "    pub id: &'static str,",
        "    /// Severity of a violation.",
        "    pub severity: Severity,",
        "    /// The invariant as one sentence.",
        "    pub statement: &'static str,",
        "    /// How it is checked: `schema`, `stream` or `structural`.",
        "    pub check: &'static str,",
        "}",
        "",
        "/// The invariant catalog, in file order.",
        f"pub const INVARIANTS: [Invariant; {len(t.invariants)}] = [",
    ]
    for inv in t.invariants:
        out += [
            "    Invariant {",
            f"        id: {_str(inv.id)},",
            f"        severity: Severity::{pascal(inv.severity)},",
            f"        statement: {_str(inv.statement)},",
            f"        check: {_str(inv.check)},",
            "    },",
        ]
    out += [
        "];",
        "",
        "/// The catalog entry with this id, if there is one.",
        "pub fn invariant(id: &str) -> Option<&'static Invariant> {",
        "    INVARIANTS.iter().find(|i| i.id == id)",
        "}",
        "",
    ]
    out += _enum_block(
        "Rule",
        "A stream invariant: what the session checker reports.",
        [(pascal(r.id), r.id, r.statement) for r in t.rules],
    )
    out += [
        "impl Rule {",
        "    /// The invariant id (same as `name()`).",
        "    pub const fn id(self) -> &'static str {",
        "        self.name()",
        "    }",
        "",
        "    /// Severity of a violation (invariants.json).",
        "    pub const fn severity(self) -> Severity {",
        "        match self {",
        *(f"            Rule::{pascal(r.id)} => Severity::{pascal(r.severity)}," for r in t.rules),
        "        }",
        "    }",
        "",
        "    /// The invariant as one sentence.",
        "    pub const fn statement(self) -> &'static str {",
        "        match self {",
        *(f"            Rule::{pascal(r.id)} => {_str(r.statement)}," for r in t.rules),
        "        }",
        "    }",
        "}",
        "",
        *_input_severity(revision, names),
        "/// The recovery policy (policy.default.json; a policy file overrides it key by key).",
        "#[derive(Debug, Clone, Copy, PartialEq, Eq)]",
        "pub struct Policy {",
    ]
    for row in t.policy:
        out += [f"    /// `{row.name}`.", f"    pub {'_'.join(words(row.name))}: i64,"]
    out += [
        "}",
        "",
        "impl Policy {",
        "    /// The revision's default policy.",
        "    pub const DEFAULT: Policy = Policy {",
        *(f"        {'_'.join(words(r.name))}: {r.value}," for r in t.policy),
        "    };",
        "",
        "    /// The value of the policy key `name`, if the policy has it.",
        "    pub fn get(&self, name: &str) -> Option<i64> {",
        "        match name {",
        *(f"            {_str(r.name)} => Some(self.{'_'.join(words(r.name))})," for r in t.policy),
        "            _ => None,",
        "        }",
        "    }",
        "",
        "    /// Sets the policy key `name`; false when the policy has no such key.",
        "    pub fn set(&mut self, name: &str, value: i64) -> bool {",
        "        match name {",
        *(
            f"            {_str(r.name)} => self.{'_'.join(words(r.name))} = value,"
            for r in t.policy
        ),
        "            _ => return false,",
        "        }",
        "        true",
        "    }",
        "}",
        "",
        "impl Default for Policy {",
        "    fn default() -> Self {",
        "        Policy::DEFAULT",
        "    }",
        "}",
        "",
        "/// The policy keys, in file order.",
        f"pub const POLICY_KEYS: [&str; {len(t.policy)}] = ["
        + ", ".join(_str(r.name) for r in t.policy)
        + "];",
    ]
    return "\n".join(out) + "\n"


def library_name(manifest: Path) -> str:
    """The `[lib] name` of the crate's Cargo.toml (the name `use` statements take)."""
    try:
        data = tomllib.loads(manifest.read_text("utf-8"))
        name = data["lib"]["name"]
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        msg = f"{manifest}: no [lib] name to generate the behaviour against ({exc})"
        raise GeneratorError(msg) from None
    if not isinstance(name, str):
        msg = f"{manifest}: [lib] name is not a string"
        raise GeneratorError(msg)
    return name


def generate(revision: Revision, out: Path) -> None:
    """Write the behaviour tables, the checker, its tests and runner into the revision's crate."""
    t = tables(revision)
    base = f"generated/rust/{module_suffix(revision)}"
    slash = "\n".join("// " + line for line in header_lines(revision))
    lib_rs, manifest = out / base / "src" / "lib.rs", out / base / "Cargo.toml"
    if not lib_rs.is_file() or not manifest.is_file():
        msg = f"{base} is not generated yet: the rust target runs before its behaviour"
        raise GeneratorError(msg)
    lib = library_name(manifest)
    types = lib_rs.read_text("utf-8").removesuffix(MODULES)  # rerun on a generated crate: once
    write(out, f"{base}/src/lib.rs", types + MODULES)
    write(out, f"{base}/src/behaviour.rs", f"{slash}\n{behaviour_rs(revision, t)}")

    def fill(name: str) -> str:
        text = (TEMPLATES / name).read_text("utf-8")
        return text.replace("// @@HEADER@@", slash).replace("@@LIB@@", lib)

    write(out, f"{base}/src/session.rs", fill("session.rs"))
    write(out, f"{base}/tests/behaviour.rs", fill("behaviour_test.rs"))
    write(out, f"{base}/src/bin/vrp-session-check.rs", fill("vrp-session-check.rs"))
    write(out, f"{base}/tests/behaviour-suite.json", suite_json(revision))
