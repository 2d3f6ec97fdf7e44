"""Java: the behaviour tables and the session checker inside each revision's Maven project.

Writes into `generated/java/v0_1/` (next to the jsonschema2pojo classes written by
`scripts/codegen/java.py`), package `dev.vrp.contract.v0_1`:

- `Behaviour.java`: generated from the revision's tables (`common.tables`): `Behaviour.State`
  (an enum with its roles: initial, terminal, binding, recovery, counted/reset on entry), the
  transition table with `Behaviour.isAllowed(from, to)`, `Behaviour.EventType` with its roles, the
  JSON Pointers the fold reads, `Severity`, the invariant catalog, `Rule` (the stream rules) and
  `Policy` with the default values;
- `SessionChecker.java`: the session checker, a hand-written engine copied from
  `templates/java/SessionChecker.java`; it names no state and no event type, only the tables;
- `VrpSessionCheck.java`: the checker command of tests/behaviour/README.md (JSON Lines in,
  findings as JSON Lines out);
- `src/main/resources/.../behaviour-suite.json`: the revision's behaviour suite, in the jar;
- `src/test/java/.../BehaviourTest.java`: runs that suite, the memory bound, typed events and
  `preview`.

No pom.xml change: the checker needs only Jackson, which the project already depends on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from scripts.codegen.behaviour.common import Tables, camel, suite_json, tables, upper_snake
from scripts.codegen.behaviour.facts import clock_bounds, input_rules, severities
from scripts.codegen.common import header_lines, module_suffix, write

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = ["behaviour_java", "generate"]

TEMPLATES = Path(__file__).parent / "templates" / "java"
BEGIN_REGION = "    // region state-model"
END_REGION = "        // endregion state-model"


def _str(text: str) -> str:
    """A Java string literal (JSON escapes are valid Java escapes; no raw non-ASCII)."""
    return json.dumps(text, ensure_ascii=True)


def _long(value: int) -> str:
    return f"{value}L" if value != -(2**63) else "Long.MIN_VALUE"


def _doc(text: str, indent: str) -> str:
    safe = text.replace("*/", "* /").replace("@", "{@literal @}")
    return f"{indent}/** {safe} */"


def _enum_of_values(name: str, values: list[tuple[str, str]], extra: list[str]) -> list[str]:
    """`values` are (constant, contract value); `extra` is the body after the constructor."""
    out = [f"    public enum {name} {{"]
    for i, (const, value) in enumerate(values):
        end = ";" if i == len(values) - 1 else ","
        out.append(f"        {const}({_str(value)}){end}")
    out += [
        "",
        "        private final String value;",
        "",
        f"        {name}(String value) {{",
        "            this.value = value;",
        "        }",
        "",
        "        /** The name in the contract's files and events. */",
        "        public String value() {",
        "            return value;",
        "        }",
        "",
        "        @Override",
        "        public String toString() {",
        "            return value;",
        "        }",
        "",
        "        /** The value with this contract name, if there is one. */",
        f"        public static Optional<{name}> fromValue(String value) {{",
        f"            for ({name} v : values()) {{",
        "                if (v.value.equals(value)) {",
        "                    return Optional.of(v);",
        "                }",
        "            }",
        "            return Optional.empty();",
        "        }",
        *extra,
        "    }",
        "",
    ]
    return out


def _flags(names: list[tuple[str, str]]) -> list[str]:
    """Getters for boolean fields: (method, doc)."""
    out: list[str] = []
    for method, doc in names:
        out += ["", f"        /** {doc} */", f"        public boolean {method}() {{"]
        out += [f"            return {method};", "        }"]
    return out


def behaviour_java(revision: Revision, t: Tables, package: str) -> str:
    """The text of `Behaviour.java` for one revision (without the header)."""
    lo, hi = clock_bounds(revision, t.pointers.clock)
    p = t.pointers
    out = [
        f"package {package};",
        "",
        "import java.util.ArrayList;",
        "import java.util.Arrays;",
        "import java.util.Collections;",
        "import java.util.EnumSet;",
        "import java.util.List;",
        "import java.util.Map;",
        "import java.util.Optional;",
        "import java.util.Set;",
        "",
        "/**",
        f" * The behavioural contract of revision {t.revision} as tables: the state machine with",
        " * the roles of its states, the event roles, the invariant catalog and the default",
        " * recovery policy (state-machine.json, behaviour.json, invariants.json and",
        " * policy.default.json).",
        " * {@link SessionChecker} folds events through them.",
        " */",
        "public final class Behaviour {",
        "    private Behaviour() {}",
        "",
        "    /** The contract revision these tables belong to. */",
        f"    public static final String REVISION = {_str(t.revision)};",
        "    /** JSON Pointer of the session id in an event. */",
        f"    public static final String SESSION_KEY = {_str(p.session_key)};",
        "    /** JSON Pointer of the event time (integer milliseconds) in an event. */",
        f"    public static final String CLOCK = {_str(p.clock)};",
        "    /** The smallest valid clock value (the event schema's {@code minimum} there). */",
        f"    public static final long CLOCK_MIN = {_long(lo)};",
        "    /** The largest valid clock value (the event schema's {@code maximum} there). */",
        f"    public static final long CLOCK_MAX = {_long(hi)};",
        "    /** JSON Pointer of the event type (the union's discriminator) in an event. */",
        f"    public static final String EVENT_TYPE = {_str(p.event_type)};",
        "    /** JSON Pointer of the state a transition leaves. */",
        f"    public static final String TRANSITION_FROM = {_str(p.transition_from)};",
        "    /** JSON Pointer of the state a transition enters. */",
        f"    public static final String TRANSITION_TO = {_str(p.transition_to)};",
        "",
        BEGIN_REGION,
        "    /** What a state does in the session fold. */",
        "    public enum Role {",
    ]
    roles = [
        ("INITIAL", "initial", "isInitial", "The state a created session starts in."),
        ("TERMINAL", "terminal", "isTerminal", "Entering it ends the session: nothing follows."),
        ("BINDING", "binding", "isBinding", "A transport may be bound while one is active."),
        ("RECOVERY", "recovery", "isRecovery", "Time here counts against max_recovery_ms."),
        ("COUNTS_ATTEMPT", "counted", "countsAttempt", "Entering it counts a recovery attempt."),
        ("RESETS_ATTEMPTS", "reset", "resetsAttempts", "Entering it resets the attempt count."),
    ]
    for i, (const, _, _, doc) in enumerate(roles):
        out += [f"        /** {doc} */", f"        {const}{',' if i < len(roles) - 1 else ''}"]
    out += [
        "    }",
        "",
        "    /** The transition table: every allowed pair, in file order. */",
        "    public static final List<Transition> TRANSITIONS = List.of(",
        ",\n".join(
            f"            new Transition(State.{upper_snake(f)}, State.{upper_snake(to)})"
            for f, to in t.transitions
        )
        + ");",
        "",
        "    /** Whether the state machine allows {@code from -> to} (transition.allowed). */",
        "    public static boolean isAllowed(State from, State to) {",
        "        return ALLOWED[from.ordinal()][to.ordinal()];",
        "    }",
        "",
        "    /** A session state of the state machine, with its roles in the session fold. */",
        "    public enum State {",
    ]
    for i, s in enumerate(t.states):
        end = ";" if i == len(t.states) - 1 else ","
        args = [_str(s.name), _str(s.description)]
        args += [f"Role.{const}" for const, attr, _, _ in roles if getattr(s, attr)]
        out.append(f"        {upper_snake(s.name)}({', '.join(args)}){end}")
    out += [
        END_REGION,
        "",
        "        private final String value;",
        "        private final String description;",
        "        private final Set<Role> roles;",
        "",
        "        State(String value, String description, Role... roles) {",
        "            this.value = value;",
        "            this.description = description;",
        "            EnumSet<Role> set = EnumSet.noneOf(Role.class);",
        "            set.addAll(Arrays.asList(roles));",
        "            this.roles = Collections.unmodifiableSet(set);",
        "        }",
        "",
        "        /** The name in the contract's files and events. */",
        "        public String value() {",
        "            return value;",
        "        }",
        "",
        "        /** The state's description in state-machine.json. */",
        "        public String description() {",
        "            return description;",
        "        }",
        "",
        "        /** Its roles in the session fold. */",
        "        public Set<Role> roles() {",
        "            return roles;",
        "        }",
    ]
    for const, _, method, doc in roles:
        out += [
            "",
            f"        /** {doc} */",
            f"        public boolean {method}() {{",
            f"            return roles.contains(Role.{const});",
            "        }",
        ]
    initial = upper_snake(t.initial)
    out += [
        "",
        "        /** The state a session created by a {@code create} event starts in. */",
        "        public static State initial() {",
        f"            return {initial};",
        "        }",
        "",
        "        /** Whether the state machine allows this state to move to {@code to}. */",
        "        public boolean canMoveTo(State to) {",
        "            return isAllowed(this, to);",
        "        }",
        "",
        "        /** The states this one may move to, in the order of the transition table. */",
        "        public List<State> allowedTargets() {",
        "            List<State> out = new ArrayList<>();",
        "            for (Transition t : TRANSITIONS) {",
        "                if (t.from() == this) {",
        "                    out.add(t.to());",
        "                }",
        "            }",
        "            return Collections.unmodifiableList(out);",
        "        }",
        "",
        "        @Override",
        "        public String toString() {",
        "            return value;",
        "        }",
        "",
        "        /** The state with this contract name, if there is one. */",
        "        public static Optional<State> fromValue(String value) {",
        "            for (State s : values()) {",
        "                if (s.value.equals(value)) {",
        "                    return Optional.of(s);",
        "                }",
        "            }",
        "            return Optional.empty();",
        "        }",
        "    }",
        "",
        "    /** One allowed {@code from -> to} pair of the transition table. */",
        "    public record Transition(State from, State to) {}",
        "",
        "",
    ]
    index = {s.name: i for i, s in enumerate(t.states)}
    matrix = [[False] * len(t.states) for _ in t.states]
    for f, to in t.transitions:
        matrix[index[f]][index[to]] = True
    out += [
        "    private static final boolean[][] ALLOWED = {",
        *("        {" + ", ".join("true" if v else "false" for v in row) + "}," for row in matrix),
        "    };",
        "",
        "    /** An event type of the revision, with the part of a session it changes. */",
        "    public enum EventType {",
    ]
    for i, e in enumerate(t.event_types):
        end = ";" if i == len(t.event_types) - 1 else ","
        flags = ", ".join(
            "true" if v else "false" for v in (e.create, e.transition, e.bind, e.audit)
        )
        out.append(f"        {upper_snake(e.name)}({_str(e.name)}, {flags}){end}")
    event_roles = [
        ("creates", "It opens a session (a session's first event)."),
        ("transitions", "It moves a session from one state to another."),
        ("binds", "It binds a transport to the session."),
        ("audits", "It reports invariant findings."),
    ]
    out += [
        "",
        "        private final String value;",
        *(f"        private final boolean {r};" for r, _ in event_roles),
        "",
        "        EventType(String value, "
        + ", ".join(f"boolean {r}" for r, _ in event_roles)
        + ") {",
        "            this.value = value;",
        *(f"            this.{r} = {r};" for r, _ in event_roles),
        "        }",
        "",
        "        /** The name in the contract's files and events. */",
        "        public String value() {",
        "            return value;",
        "        }",
        *_flags(event_roles),
        "",
        "        @Override",
        "        public String toString() {",
        "            return value;",
        "        }",
        "",
        "        /** The event type with this contract name, if there is one. */",
        "        public static Optional<EventType> fromValue(String value) {",
        "            for (EventType e : values()) {",
        "                if (e.value.equals(value)) {",
        "                    return Optional.of(e);",
        "                }",
        "            }",
        "            return Optional.empty();",
        "        }",
        "    }",
        "",
        "    /** Severity of an invariant's violation. */",
    ]
    out += _enum_of_values("Severity", [(upper_snake(s), s) for s in severities(revision, t)], [])
    out += [
        "    /** One entry of the invariant catalog (invariants.json). */",
        "    public record Invariant(",
        "            String id, Severity severity, String statement, String check) {}",
        "",
        "    /** The invariant catalog, in file order. */",
        "    public static final List<Invariant> INVARIANTS = List.of(",
        ",\n".join(
            f"            new Invariant({_str(i.id)}, Severity.{upper_snake(i.severity)},\n"
            f"                    {_str(i.statement)},\n"
            f"                    {_str(i.check)})"
            for i in t.invariants
        )
        + ");",
        "",
        "    /**",
        "     * The rules of a line that holds no event a checker can read (the package's",
        "     * rule catalog), with their severity: {@code vrp-session-check} reports them as",
        "     * validate does.",
        "     */",
        "    public static final Map<String, Severity> INPUT_RULES = Map.ofEntries(",
        ",\n".join(
            f"            Map.entry({_str(rule)}, Severity.{upper_snake(sev)})"
            for rule, sev in input_rules()
        )
        + ");",
        "",
        "    /** The catalog entry with this id, if there is one. */",
        "    public static Optional<Invariant> invariant(String id) {",
        "        return INVARIANTS.stream().filter(i -> i.id().equals(id)).findFirst();",
        "    }",
        "",
        "    /** A stream invariant: what the session checker reports. */",
        "    public enum Rule {",
    ]
    for i, r in enumerate(t.rules):
        end = ";" if i == len(t.rules) - 1 else ","
        out += [
            _doc(r.statement, "        "),
            f"        {upper_snake(r.id)}({_str(r.id)}, Severity.{upper_snake(r.severity)},",
            f"                {_str(r.statement)}){end}",
        ]
    out += [
        "",
        "        private final String id;",
        "        private final Severity severity;",
        "        private final String statement;",
        "",
        "        Rule(String id, Severity severity, String statement) {",
        "            this.id = id;",
        "            this.severity = severity;",
        "            this.statement = statement;",
        "        }",
        "",
        "        /** The invariant id. */",
        "        public String id() {",
        "            return id;",
        "        }",
        "",
        "        /** Severity of a violation (invariants.json). */",
        "        public Severity severity() {",
        "            return severity;",
        "        }",
        "",
        "        /** The invariant as one sentence. */",
        "        public String statement() {",
        "            return statement;",
        "        }",
        "",
        "        @Override",
        "        public String toString() {",
        "            return id;",
        "        }",
        "",
        "        /** The rule with this id, if there is one. */",
        "        public static Optional<Rule> fromId(String id) {",
        "            for (Rule r : values()) {",
        "                if (r.id.equals(id)) {",
        "                    return Optional.of(r);",
        "                }",
        "            }",
        "            return Optional.empty();",
        "        }",
        "    }",
        "",
    ]
    comps = [(camel(r.name), r) for r in t.policy]
    out += [
        "    /**",
        "     * The recovery policy (policy.default.json; a policy file overrides it key by key).",
        *(f"     * @param {c} {{@code {r.name}}}" for c, r in comps),
        "     */",
        "    public record Policy(" + ", ".join(f"long {c}" for c, _ in comps) + ") {",
        "        /** The revision's default policy. */",
        "        public static final Policy DEFAULT = new Policy("
        + ", ".join(_long(r.value) for _, r in comps)
        + ");",
        "",
        "        /** The value of the policy key {@code name}, if the policy has it. */",
        "        public Optional<Long> get(String name) {",
        "            return switch (name) {",
        *(f"                case {_str(r.name)} -> Optional.of({c});" for c, r in comps),
        "                default -> Optional.empty();",
        "            };",
        "        }",
        "",
        "        /** This policy with the key {@code name} set; empty for an unknown key. */",
        "        public Optional<Policy> with(String name, long value) {",
        "            return switch (name) {",
    ]
    for c, row in comps:
        values = ", ".join("value" if other == c else other for other, _ in comps)
        out.append(f"                case {_str(row.name)} -> Optional.of(new Policy({values}));")
    out += [
        "                default -> Optional.empty();",
        "            };",
        "        }",
        "    }",
        "",
        "    /** The policy keys, in file order. */",
        "    public static final List<String> POLICY_KEYS = List.of("
        + ", ".join(_str(r.name) for r in t.policy)
        + ");",
        "}",
    ]
    return "\n".join(out) + "\n"


def generate(revision: Revision, out: Path) -> None:
    """Write the behaviour tables, the checker, its command, suite and test into the project."""
    t = tables(revision)
    rev_id = module_suffix(revision)
    package = f"dev.vrp.contract.{rev_id}"
    folder = package.replace(".", "/")
    base = f"generated/java/{rev_id}"
    slash = "\n".join("// " + line for line in header_lines(revision))

    def fill(name: str) -> str:
        text = (TEMPLATES / name).read_text("utf-8")
        return text.replace("// @@HEADER@@", slash).replace("@@PACKAGE@@", package)

    src = f"{base}/src/main/java/{folder}"
    write(out, f"{src}/Behaviour.java", f"{slash}\n{behaviour_java(revision, t, package)}")
    write(out, f"{src}/SessionChecker.java", fill("SessionChecker.java"))
    write(out, f"{src}/VrpSessionCheck.java", fill("VrpSessionCheck.java"))
    write(out, f"{base}/src/main/resources/{folder}/behaviour-suite.json", suite_json(revision))
    write(out, f"{base}/src/test/java/{folder}/BehaviourTest.java", fill("BehaviourTest.java"))
