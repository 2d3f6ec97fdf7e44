"""TypeScript: the behaviour of a revision inside its npm package (`generated/typescript/v0_1/`).

Written beside the package's types (scripts/codegen/typescript.py):
- `behaviour.js` / `behaviour.d.ts` (generated from the tables): `State` (name -> state) and
  `states` with their roles, `transitions`, `isAllowed(from, to)`, `allowedFrom(state)`,
  `Invariant` (name -> id) and `invariants` (id, severity, statement), `streamRules`,
  `eventRoles`, `pointers`, `defaultPolicy`, `tables`, and `SessionChecker` (the engine bound to
  this revision's tables);
- `session-checker.js` / `.d.ts`: the engine (a template: it names no state or event type);
- `bin/vrp-session-check.js`: folds a JSON Lines stream, prints findings as JSON Lines;
- `behaviour-suite.json`: the revision's behaviour suite, run by `test/behaviour.test.js`.

The package manifest gains these files, a `./behaviour` export and the `vrp-session-check` bin.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scripts.codegen.behaviour.common import Tables, camel, pascal, suite_json, tables
from scripts.codegen.behaviour.facts import clock_bounds, policy_schema
from scripts.codegen.common import dump_json, header_lines, module_suffix, write
from vrp_contract import catalog

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = ["FILES", "generate"]

TEMPLATES = Path(__file__).parent / "templates" / "typescript"
FILES = (
    "behaviour.js",
    "behaviour.d.ts",
    "session-checker.js",
    "session-checker.d.ts",
    "bin/vrp-session-check.js",
    "behaviour-suite.json",
    "test/behaviour.test.js",
)
"""The files this module adds to the package (all listed in its manifest)."""


def _js(value: Any) -> str:  # noqa: ANN401 - any JSON value
    return json.dumps(value, ensure_ascii=False)


def _union(names: list[str]) -> str:
    return " | ".join(_js(n) for n in names) if names else "never"


def tables_json(revision: Revision, tab: Tables) -> dict[str, Any]:
    """The tables as the TypeScript package exports them (`tables`).

    `clockRange` holds the schema's integer range at the clock pointer as decimal strings (int64
    is past the exact range of a JavaScript number): a clock outside it counts as absent.
    `policySchema` is policy.schema.json as the checker reads it (`facts.policy_schema`);
    `inputRules` the severity of each `input.*` rule of the catalog (the tool reports bad lines).
    """
    p = tab.pointers
    lo, hi = clock_bounds(revision, p.clock)
    return {
        "revision": tab.revision,
        "states": [
            {
                "name": s.name,
                "description": s.description,
                "initial": s.initial,
                "terminal": s.terminal,
                "binding": s.binding,
                "recovery": s.recovery,
                "counted": s.counted,
                "reset": s.reset,
            }
            for s in tab.states
        ],
        "initial": tab.initial,
        "transitions": [[f, t] for f, t in tab.transitions],
        "eventTypes": [
            {
                "name": e.name,
                "create": e.create,
                "transition": e.transition,
                "bind": e.bind,
                "audit": e.audit,
            }
            for e in tab.event_types
        ],
        "pointers": {
            "sessionKey": p.session_key,
            "clock": p.clock,
            "eventType": p.event_type,
            "transitionFrom": p.transition_from,
            "transitionTo": p.transition_to,
        },
        "clockRange": [str(lo), str(hi)],
        "defaultPolicy": {row.name: row.value for row in tab.policy},
        "policySchema": policy_schema(revision),
        "inputRules": {
            r.id: str(r.severity) for r in catalog.rules(revision) if r.category == "input"
        },
        "invariants": [
            {"id": i.id, "severity": i.severity, "statement": i.statement, "check": i.check}
            for i in tab.invariants
        ],
        "rules": [
            {"id": r.id, "severity": r.severity, "statement": r.statement, "pointers": r.pointers}
            for r in tab.rules
        ],
    }


def _behaviour_js(revision: Revision, tab: Tables, slash: str) -> str:
    data = tables_json(revision, tab)
    state_enum = {pascal(s.name): s.name for s in tab.states}
    invariant_enum = {pascal(i.id): i.id for i in tab.invariants}
    roles = {
        role: [e.name for e in tab.event_types if getattr(e, role)]
        for role in ("create", "transition", "bind", "audit")
    }
    return f"""{slash}
"use strict";
const engine = require("./session-checker.js");

function deepFreeze(value) {{
  if (value !== null && typeof value === "object") {{
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }}
  return value;
}}

/** The behaviour tables of revision {tab.revision} (see session-checker.d.ts BehaviourTables). */
const tables = deepFreeze({dump_json(data).strip()});

const allowed = new Map();
for (const [from, to] of tables.transitions) {{
  if (!allowed.has(from)) allowed.set(from, []);
  allowed.get(from).push(to);
}}

exports.revision = tables.revision;
exports.tables = tables;
exports.State = deepFreeze({_js(state_enum)});
exports.states = tables.states;
exports.initialState = tables.initial;
exports.terminalStates = deepFreeze(tables.states.filter((s) => s.terminal).map((s) => s.name));
exports.transitions = tables.transitions;
exports.isAllowed = (from, to) => allowed.has(from) && allowed.get(from).includes(to);
exports.allowedFrom = (state) => Object.freeze([...(allowed.get(state) || [])]);
exports.Invariant = deepFreeze({_js(invariant_enum)});
exports.invariants = tables.invariants;
exports.streamRules = deepFreeze(tables.rules.map((r) => r.id));
exports.eventRoles = deepFreeze({_js(roles)});
exports.pointers = tables.pointers;
exports.defaultPolicy = tables.defaultPolicy;

/** The session checker of revision {tab.revision}: the engine bound to these tables. */
class SessionChecker extends engine.SessionEngine {{
  constructor(options) {{
    super(tables, options);
  }}
}}
exports.SessionChecker = SessionChecker;
exports.PolicyError = engine.PolicyError;
"""


def _behaviour_dts(tab: Tables, slash: str) -> str:
    states = [s.name for s in tab.states]
    stream = [r.id for r in tab.rules]
    inv = [i.id for i in tab.invariants]
    state_members = "\n".join(f"  readonly {pascal(s)}: {_js(s)};" for s in states)
    inv_members = "\n".join(f"  readonly {pascal(i)}: {_js(i)};" for i in inv)
    policy_members = "\n".join(f"  readonly {row.name}: number;" for row in tab.policy)
    policy_values = ", ".join(f"{row.name}: {row.value}" for row in tab.policy)
    role_members = "\n".join(
        f"  readonly {role}: readonly EventType[];"
        for role in ("create", "transition", "bind", "audit")
    )
    pointer_members = "\n".join(
        f"  readonly {camel(k)}: {_js(v)};" for k, v in vars(tab.pointers).items()
    )
    return f"""{slash}

import type {{ EventType }} from "./index";
import type {{
  BehaviourTables,
  CheckerOptions,
  Finding as EngineFinding,
  SessionEngine,
  SessionRecord as EngineRecord,
}} from "./session-checker";

export type {{ BehaviourTables, CheckerOptions }} from "./session-checker";
export {{ PolicyError }} from "./session-checker";

/** Revision of these tables. */
export declare const revision: {_js(tab.revision)};
/** The behaviour tables (what the session checker reads). */
export declare const tables: BehaviourTables;

// region state-model (shown on the state model reference page)
/** A state of the session state machine. */
export type State = {_union(states)};
/** The states by name (`State.{pascal(tab.initial)}` is `{tab.initial}`). */
export declare const State: {{
{state_members}
}};
/** A state and its roles in the session fold. */
export interface StateInfo {{
  readonly name: State;
  readonly description: string;
  /** A created session starts here. */
  readonly initial: boolean;
  /** Entering it ends the session; nothing may follow. */
  readonly terminal: boolean;
  /** A transport may be bound here while one is active (re-attach). */
  readonly binding: boolean;
  /** Time spent here counts against the policy's recovery time. */
  readonly recovery: boolean;
  /** Entering it counts one recovery attempt. */
  readonly counted: boolean;
  /** Entering it resets the recovery attempts. */
  readonly reset: boolean;
}}
/** Every state with its roles, in the order of the state machine. */
export declare const states: readonly StateInfo[];
export declare const initialState: {_js(tab.initial)};
export declare const terminalStates: readonly State[];
/** The transition table: every allowed `[from, to]` pair. */
export declare const transitions: readonly (readonly [State, State])[];
/** True when `from -> to` is in the transition table. */
export declare function isAllowed(from: string, to: string): boolean;
/** The states `state` may move to. */
export declare function allowedFrom(state: string): readonly State[];
// endregion state-model

/** An invariant id of the catalog. */
export type InvariantId = {_union(inv)};
/** The invariant ids by name. */
export declare const Invariant: {{
{inv_members}
}};
export interface InvariantInfo {{
  readonly id: InvariantId;
  readonly severity: "error" | "warning" | "info";
  readonly statement: string;
  /** How it is checked: `schema`, `stream` (the session checker) or `structural`. */
  readonly check: string;
}}
/** The invariant catalog of this revision. */
export declare const invariants: readonly InvariantInfo[];
/** The invariant ids the session checker reports. */
export type RuleId = {_union(stream)};
export declare const streamRules: readonly RuleId[];

/** Which event types open a session, move it, bind a transport, report findings. */
export declare const eventRoles: {{
{role_members}
}};
/** JSON Pointers into an event: where the checker reads and where findings point. */
export declare const pointers: {{
{pointer_members}
}};

/** The recovery policy. */
export interface Policy {{
{policy_members}
}}
/** The revision's default policy: `{{ {policy_values} }}`. */
export declare const defaultPolicy: Readonly<Policy>;

export type Finding = EngineFinding<RuleId>;
export type SessionRecord = EngineRecord<State, EventType>;

/**
 * The session checker of this revision: feed it events in order, many sessions interleaved.
 * The constructor throws `PolicyError` for a policy the revision's policy schema refuses.
 */
export declare class SessionChecker extends SessionEngine<State, EventType, RuleId, Policy> {{
  constructor(options?: CheckerOptions<Policy>);
}}
"""


def _template(name: str, slash: str) -> str:
    return (TEMPLATES / name).read_text("utf-8").replace("// @@HEADER@@", slash)


def _manifest(out: Path, base: str) -> None:
    """Add the behaviour files, the `./behaviour` export and the bin to package.json."""
    path = out / base / "package.json"
    package = json.loads(path.read_text("utf-8"))
    files = package.setdefault("files", [])
    files.extend(f for f in FILES if f not in files)
    exports = package.setdefault("exports", {})
    exports["./behaviour"] = {"types": "./behaviour.d.ts", "default": "./behaviour.js"}
    package["bin"] = {"vrp-session-check": "bin/vrp-session-check.js"}
    write(out, f"{base}/package.json", dump_json(package))


def generate(revision: Revision, out: Path) -> None:
    """Write the behaviour files of one revision into its npm package under `out`."""
    base = f"generated/typescript/{module_suffix(revision)}"
    slash = "\n".join("// " + line for line in header_lines(revision))
    tab = tables(revision)
    write(out, f"{base}/behaviour.js", _behaviour_js(revision, tab, slash))
    write(out, f"{base}/behaviour.d.ts", _behaviour_dts(tab, slash))
    for name in FILES:
        if (TEMPLATES / name).is_file():
            write(out, f"{base}/{name}", _template(name, slash))
    write(out, f"{base}/behaviour-suite.json", suite_json(revision))
    _manifest(out, base)
