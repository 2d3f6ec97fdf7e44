"""Go: the behaviour of a revision as package `behaviour` of its module (`generated/go/v0_1/`).

Written beside the module's types (scripts/codegen/go.py), in `behaviour/`:
- `tables.go` (generated from the tables): `State` and its constants with `States` (roles),
  `Transitions`, `IsAllowed(from, to)`, `AllowedFrom(state)`, `InvariantID` constants and
  `Invariants` (id, severity, statement), `StreamRules`, `EventTypes`, `EventRoles`, `Pointers`,
  `Policy` and `DefaultPolicy`;
- `checker.go`: the engine (a template: it names no state or event type), `NewChecker`;
- `cmd/vrp-session-check/main.go`: folds a JSON Lines stream, prints findings as JSON Lines;
- `behaviour-suite.json` and `suite_test.go`: the revision's behaviour suite under `go test`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scripts.codegen.behaviour.common import ENGINE_RULES, Tables, pascal, suite_json, tables
from scripts.codegen.behaviour.facts import I64, clock_bounds, input_rules, policy_schema
from scripts.codegen.common import GeneratorError, header_lines, module_suffix, write
from scripts.codegen.go import module_path

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = ["FILES", "generate", "tables_go"]

TEMPLATES = Path(__file__).parent / "templates" / "go"
FILES = (
    "tables.go",
    "checker.go",
    "suite_test.go",
    "cmd/vrp-session-check/main.go",
    "behaviour-suite.json",
)
"""The files this module writes under `behaviour/` of the revision's Go module."""


def _q(text: str) -> str:
    """A Go string literal (JSON string syntax is valid Go for these texts)."""
    return json.dumps(text, ensure_ascii=False)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _names(names: list[str]) -> str:
    return "[]string{" + ", ".join(_q(n) for n in names) + "}"


def _policy_checks(tab: Tables, policy: dict[str, Any]) -> list[str]:
    """The bound checks of `Policy.Validate`, from the policy schema (`facts.policy_schema`)."""
    out: list[str] = []
    fields = policy["properties"]
    for row in tab.policy:
        bounds = fields.get(row.name, {})
        go = f"p.{pascal(row.name)}"
        for key, op, words in (("minimum", "<", "less than"), ("maximum", ">", "greater than")):
            if key in bounds and int(bounds[key]) < I64[1]:  # int64 stops at 2^63-1 anyway
                out.append(
                    f'\tif {go} {op} {bounds[key]} {{\n\t\treturn fmt.Errorf("field {row.name}: '
                    f'%d is {words} the {key} of {bounds[key]}", {go})\n\t}}'
                )
    return out


def tables_go(
    tab: Tables, slash: str, clock: tuple[int, int], policy: dict[str, Any] | None = None
) -> str:
    """The generated `tables.go` of one revision (before gofmt).

    `clock`: the clock's bounds; `policy`: the policy schema as `facts.policy_schema` reads it.
    """
    policy = policy or {"properties": {}}
    state = {s.name: "State" + pascal(s.name) for s in tab.states}
    inv = {i.id: "Invariant" + pascal(i.id) for i in tab.invariants}
    lines = [
        slash,
        "",
        (
            "// Package behaviour is the behavioural contract of VRP event revision "
            f"{tab.revision}: the session"
        ),
        "// state machine, the invariant catalog, the default policy and a session checker.",
        "package behaviour",
        "",
        'import "fmt"',
        "",
        "// Revision is the contract revision of these tables.",
        f"const Revision = {_q(tab.revision)}",
        "",
        "// region state-model (shown on the state model reference page)",
        "",
        "// State is a state of the session state machine.",
        "type State string",
        "",
        "// The states of the session state machine.",
        "const (",
        *(f"\t{state[s.name]} State = {_q(s.name)} // {s.description}" for s in tab.states),
        ")",
        "",
        "// StateInfo is a state and its roles in the session fold.",
        "type StateInfo struct {",
        "\tName        State",
        "\tDescription string",
        "\tInitial     bool // a created session starts here",
        "\tTerminal    bool // entering it ends the session; nothing may follow",
        "\tBinding     bool // a transport may be bound here while one is active (re-attach)",
        "\tRecovery    bool // time spent here counts against the policy's recovery time",
        "\tCounted     bool // entering it counts one recovery attempt",
        "\tReset       bool // entering it resets the recovery attempts",
        "}",
        "",
        "// States lists every state with its roles, in the order of the state machine.",
        "var States = []StateInfo{",
        *(
            f"\t{{{state[s.name]}, {_q(s.description)}, {_bool(s.initial)}, "
            f"{_bool(s.terminal)}, {_bool(s.binding)}, {_bool(s.recovery)}, "
            f"{_bool(s.counted)}, {_bool(s.reset)}}},"
            for s in tab.states
        ),
        "}",
        "",
        "// InitialState is the state a created session starts in.",
        f"const InitialState = {state[tab.initial]}",
        "",
        "// Transitions is the transition table: every allowed {from, to} pair.",
        "var Transitions = [][2]State{",
        *(f"\t{{{state[f]}, {state[t]}}}," for f, t in tab.transitions),
        "}",
        "",
        "var allowed = func() map[State]map[State]bool {",
        "\tout := map[State]map[State]bool{}",
        "\tfor _, t := range Transitions {",
        "\t\tif out[t[0]] == nil {",
        "\t\t\tout[t[0]] = map[State]bool{}",
        "\t\t}",
        "\t\tout[t[0]][t[1]] = true",
        "\t}",
        "\treturn out",
        "}()",
        "",
        "// IsAllowed reports whether from -> to is in the transition table.",
        "func IsAllowed(from, to State) bool { return allowed[from][to] }",
        "",
        "// AllowedFrom lists the states `from` may move to, in table order.",
        "func AllowedFrom(from State) []State {",
        "\tvar out []State",
        "\tfor _, t := range Transitions {",
        "\t\tif t[0] == from {",
        "\t\t\tout = append(out, t[1])",
        "\t\t}",
        "\t}",
        "\treturn out",
        "}",
        "",
        "// endregion state-model",
        "",
        "// InvariantID is the id of an invariant of the catalog (a finding's rule).",
        "type InvariantID string",
        "",
        "// Severity is how bad a finding is; only `error` fails a check.",
        "type Severity string",
        "",
        "// The invariant ids of the catalog.",
        "const (",
        *(f"\t{inv[i.id]} InvariantID = {_q(i.id)}" for i in tab.invariants),
        ")",
        "",
        "// The rules the session checker implements (those of this revision are in StreamRules).",
        "const (",
        *(f"\tRule{pascal(r)} InvariantID = {_q(r)}" for r in ENGINE_RULES),
        ")",
        "",
        "// Invariant is one entry of the invariant catalog.",
        "type Invariant struct {",
        "\tID        InvariantID",
        "\tSeverity  Severity",
        "\tStatement string",
        "\tCheck     string // schema, stream (the session checker) or structural",
        "}",
        "",
        "// Invariants is the invariant catalog of this revision.",
        "var Invariants = []Invariant{",
        *(
            f"\t{{{inv[i.id]}, {_q(i.severity)}, {_q(i.statement)}, {_q(i.check)}}},"
            for i in tab.invariants
        ),
        "}",
        "",
        "// StreamRules lists the invariant ids the session checker reports.",
        "var StreamRules = []InvariantID{" + ", ".join(inv[r.id] for r in tab.rules) + "}",
        "",
        "// EventTypes lists every event type of this revision, in the order of the union.",
        "var EventTypes = " + _names([e.name for e in tab.event_types]),
        "",
        (
            "// EventRoles says which event types open a session, move it, bind a transport, report"
            " findings."
        ),
        "var EventRoles = struct{ Create, Transition, Bind, Audit []string }{",
        *(
            f"\t{role.title()}: {_names([e.name for e in tab.event_types if getattr(e, role)])},"
            for role in ("create", "transition", "bind", "audit")
        ),
        "}",
        "",
        (
            "// Pointers are JSON Pointers into an event: where the checker reads, where findings"
            " point."
        ),
        (
            "var Pointers = struct{ SessionKey, Clock, EventType, TransitionFrom, "
            "TransitionTo string }{"
        ),
        *(f"\t{pascal(k)}: {_q(v)}," for k, v in vars(tab.pointers).items()),
        "}",
        "",
        "// The range the event schema allows at the clock pointer: a clock value outside it (or",
        "// not an integer) is a schema finding and takes no part in the session checks.",
        "const (",
        f"\tClockMin int64 = {clock[0]}",
        f"\tClockMax int64 = {clock[1]}",
        ")",
        "",
        "// InputRules are the rules of a line that holds no event a checker can read (from the",
        "// package's rule catalog), with their severity; `LineFinding` reports them.",
        "var InputRules = map[string]Severity{",
        *(f"\t{_q(rule)}: {_q(sev)}," for rule, sev in input_rules()),
        "}",
        "",
        "// Policy bounds recovery (recovery.bounded-time and recovery.bounded-attempts).",
        "type Policy struct {",
        *(f'\t{pascal(p.name)} int64 `json:"{p.name}"`' for p in tab.policy),
        "}",
        "",
        "// Validate reports the first field outside the bounds of the revision's policy schema",
        "// (policy.schema.json), in the words of `vrp-contract validate --policy`.",
        "func (p Policy) Validate() error {",
        *_policy_checks(tab, policy),
        "\treturn nil",
        "}",
        "",
        "// DefaultPolicy is this revision's default policy.",
        "var DefaultPolicy = Policy{"
        + ", ".join(f"{pascal(p.name)}: {p.value}" for p in tab.policy)
        + "}",
        "",
        "// Rule is a stream rule of this revision: an invariant the session checker reports.",
        "type Rule struct {",
        "\tID        InvariantID",
        "\tSeverity  Severity",
        "\tStatement string",
        "}",
        "",
        "// spec is what the checker reads: nothing else tells it about states or event types.",
        "var spec = struct {",
        "\tStates      []StateInfo",
        "\tInitial     State",
        "\tTransitions [][2]State",
        "\tEventTypes  []string",
        "\tEventRoles  struct{ Create, Transition, Bind, Audit []string }",
        "\tPointers    struct{ SessionKey, Clock, EventType, TransitionFrom, TransitionTo string }",
        "\tRules       []Rule",
        "}{States, InitialState, Transitions, EventTypes, EventRoles, Pointers, []Rule{",
        *(f"\t{{{inv[r.id]}, {_q(r.severity)}, {_q(r.statement)}}}," for r in tab.rules),
        "}}",
        "",
    ]
    return "\n".join(lines)


def _gofmt(files: dict[str, str]) -> dict[str, str]:
    exe = shutil.which("gofmt")
    if exe is None:
        msg = "gofmt not found: run `make setup-codegen`"
        raise GeneratorError(msg)
    with tempfile.TemporaryDirectory(prefix="vrp-codegen-go-behaviour-") as tmp:
        out: dict[str, str] = {}
        for name, text in files.items():
            path = Path(tmp) / name.replace("/", "_")
            path.write_text(text, "utf-8")
            proc = subprocess.run(
                [exe, "-w", str(path)], capture_output=True, text=True, check=False
            )
            if proc.returncode != 0:
                msg = f"gofmt failed on behaviour/{name}:\n{proc.stderr}"
                raise GeneratorError(msg)
            out[name] = path.read_text("utf-8")
        return out


def generate(revision: Revision, out: Path) -> None:
    """Write package `behaviour` of one revision into its Go module under `out`."""
    rev_id = module_suffix(revision)
    base = f"generated/go/{rev_id}/behaviour"
    module = module_path(revision)
    slash = "\n".join("// " + line for line in header_lines(revision))
    tab = tables(revision)
    clock = clock_bounds(revision, tab.pointers.clock)
    files = {"tables.go": tables_go(tab, slash, clock, policy_schema(revision))}
    for name in FILES:
        if (TEMPLATES / name).is_file():
            text = (TEMPLATES / name).read_text("utf-8")
            files[name] = text.replace("// @@HEADER@@", slash).replace("@@MODULE@@", module)
    for name, text in _gofmt(files).items():
        write(out, f"{base}/{name}", text)
    write(out, f"{base}/behaviour-suite.json", suite_json(revision))
