// @@HEADER@@
//
// The session fold of docs/guides/session-fold.md, driven only by a revision's behaviour tables
// (./behaviour.js): no state or event type name appears in this file.
"use strict";

/** Split a JSON Pointer into its reference tokens. */
function tokens(pointer) {
  return pointer
    .split("/")
    .slice(1)
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** The value at `path` (pre-split tokens) in `doc`, or undefined. */
function lookup(doc, path) {
  let node = doc;
  for (const token of path) {
    if (node === null || typeof node !== "object" || Array.isArray(node)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(node, token)) return undefined;
    node = node[token];
  }
  return node;
}

/** `a - b` for timestamps that are numbers or bigints (a bigint keeps int64 exact). */
function minus(a, b) {
  return typeof a === "number" && typeof b === "number" ? a - b : BigInt(a) - BigInt(b);
}

function quoted(text) {
  return "'" + text.replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'";
}

function names(list) {
  if (list.length <= 1) return list.join("");
  return list.slice(0, -1).join(", ") + " or " + list[list.length - 1];
}

/** A policy the revision's policy schema refuses; `detail` is the sentence alone. */
class PolicyError extends Error {
  constructor(detail) {
    super(`invalid policy: ${detail}`);
    this.name = "PolicyError";
    this.detail = detail;
  }
}

function shown(value) {
  if (typeof value === "string") return quoted(value);
  if (typeof value === "bigint" || typeof value === "number") return String(value);
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The first problem of `policy` under the revision's policy schema (`tables.policySchema`), as a
 * sentence in the words of `vrp-contract validate --policy`, or null when it is valid.
 */
function policyProblem(schema, policy) {
  if (policy === null || typeof policy !== "object" || Array.isArray(policy)) {
    return `field (top level): ${shown(policy)} is not of type 'object'`;
  }
  const known = Object.keys(schema.properties);
  if (schema.additionalProperties === false) {
    const unknown = Object.keys(policy).filter((k) => !known.includes(k)).sort();
    if (unknown.length) {
      return `unknown key ${unknown.map(quoted).join(", ")}; a policy holds ${known.slice().sort().join(", ")}`;
    }
  }
  for (const name of known) {
    if (!Object.prototype.hasOwnProperty.call(policy, name)) continue;
    const value = policy[name];
    const rule = schema.properties[name];
    if (typeof value !== "bigint" && !Number.isInteger(value)) {
      return `field ${name}: ${shown(value)} is not of type '${rule.type}'`;
    }
    if (rule.minimum !== undefined && value < BigInt(rule.minimum)) {
      return `field ${name}: ${value} is less than the minimum of ${rule.minimum}`;
    }
    if (rule.maximum !== undefined && value > BigInt(rule.maximum)) {
      return `field ${name}: ${value} is greater than the maximum of ${rule.maximum}`;
    }
  }
  return null;
}

/** Compile the tables into the lookups the fold needs. */
function compile(tables) {
  const byRole = (role) => new Set(tables.states.filter((s) => s[role]).map((s) => s.name));
  const eventsWith = (role) => tables.eventTypes.filter((e) => e[role]).map((e) => e.name);
  const allowed = new Map();
  for (const [from, to] of tables.transitions) {
    if (!allowed.has(from)) allowed.set(from, new Set());
    allowed.get(from).add(to);
  }
  const rules = new Map(tables.rules.map((r) => [r.id, r]));
  return {
    states: new Set(tables.states.map((s) => s.name)),
    initial: tables.initial,
    terminal: byRole("terminal"),
    binding: byRole("binding"),
    recovery: byRole("recovery"),
    counted: byRole("counted"),
    reset: byRole("reset"),
    allowed,
    eventTypes: new Set(tables.eventTypes.map((e) => e.name)),
    create: new Set(eventsWith("create")),
    transition: new Set(eventsWith("transition")),
    bind: new Set(eventsWith("bind")),
    audit: new Set(eventsWith("audit")),
    createNames: eventsWith("create"),
    terminalNames: tables.states.filter((s) => s.terminal).map((s) => s.name),
    countedNames: tables.states.filter((s) => s.counted).map((s) => s.name),
    resetNames: tables.states.filter((s) => s.reset).map((s) => s.name),
    bindingNames: tables.states.filter((s) => s.binding).map((s) => s.name),
    rules,
    pointers: tables.pointers,
    clockMin: BigInt(tables.clockRange[0]),
    clockMax: BigInt(tables.clockRange[1]),
    paths: {
      sessionKey: tokens(tables.pointers.sessionKey),
      clock: tokens(tables.pointers.clock),
      eventType: tokens(tables.pointers.eventType),
      transitionFrom: tokens(tables.pointers.transitionFrom),
      transitionTo: tokens(tables.pointers.transitionTo),
    },
  };
}

/**
 * Folds events of many interleaved sessions, one at a time, into findings.
 *
 * Memory: the open sessions, plus at most `rememberTerminated` terminated session ids (the oldest
 * is forgotten first); both cost O(1) per event.
 */
class SessionEngine {
  constructor(tables, options) {
    const opts = options || {};
    this.tables = tables;
    this.model = compile(tables);
    const override = opts.policy === undefined || opts.policy === null ? {} : opts.policy;
    const problem = policyProblem(tables.policySchema, override);
    if (problem !== null) throw new PolicyError(problem);
    this.policy = Object.freeze({ ...tables.defaultPolicy, ...override });
    this.assumeOpenSessions = Boolean(opts.assumeOpenSessions);
    const remember = opts.rememberTerminated === undefined ? 200000 : opts.rememberTerminated;
    if (!Number.isInteger(remember) || remember < 0) {
      throw new RangeError(`rememberTerminated must be a non-negative integer, not ${remember}`);
    }
    this.rememberTerminated = remember;
    this.sessions = new Map();
    this.terminated = new Set();
    this.events = 0;
  }

  /** Sessions seen and not terminated. */
  get openSessions() {
    return this.sessions.size;
  }

  /** The state of open session `sessionId` (null: unknown, undefined: not open). */
  stateOf(sessionId) {
    const sess = this.sessions.get(sessionId);
    return sess === undefined ? undefined : sess.state;
  }

  /** What the fold reads of one event, or null when the event has no usable session. */
  recordOf(event) {
    const m = this.model;
    const sid = lookup(event, m.paths.sessionKey);
    const type = lookup(event, m.paths.eventType);
    if (typeof sid !== "string" || sid === "" || typeof type !== "string") return null;
    if (!m.eventTypes.has(type) || m.audit.has(type)) return null; // audits are not folded
    // A clock the schema refuses (not an integer, or outside its range) takes no part in the
    // session checks: one mistake, one finding (a number and a bigint compare exactly in JS).
    let ts = lookup(event, m.paths.clock);
    if (typeof ts !== "bigint" && (typeof ts !== "number" || !Number.isInteger(ts))) ts = null;
    else if (ts < m.clockMin || ts > m.clockMax) ts = null;
    let from = null;
    let to = null;
    if (m.transition.has(type)) {
      const f = lookup(event, m.paths.transitionFrom);
      const t = lookup(event, m.paths.transitionTo);
      if (typeof f === "string" && typeof t === "string" && m.states.has(f) && m.states.has(t)) {
        from = f;
        to = t;
      }
    }
    return { sessionId: sid, eventType: type, ts, from, to };
  }

  /** Check one event (the next in the stream; `line` defaults to its 1-based index). */
  check(event, line) {
    this.events += 1;
    const at = line === undefined ? this.events : line;
    const record = this.recordOf(event);
    return record === null ? [] : this.step(record, at);
  }

  /** The findings `event` would cause, without folding it (a producer asks before it emits). */
  wouldFind(event) {
    const record = this.recordOf(event);
    if (record === null) return [];
    const open = this.sessions.has(record.sessionId);
    const findings = this.step(record, this.events + 1, true);
    if (!open) this.sessions.delete(record.sessionId); // a dry run opens nothing
    return findings;
  }

  /** Advance session `record.sessionId` by one event; return its findings in step order. */
  step(record, line, dryRun) {
    const m = this.model;
    const { sessionId: sid, eventType: type, ts, from, to } = record;
    const out = [];
    const add = (id, pointer, message) => {
      const rule = m.rules.get(id);
      if (rule !== undefined) {
        out.push({ rule: id, severity: rule.severity, message, pointer, line, session_id: sid });
      }
    };
    let sess = this.sessions.get(sid);
    if (sess === undefined) {
      if (this.terminated.has(sid)) {
        add(
          "session.terminated-final",
          m.pointers.eventType,
          `${type} follows the termination of session ${quoted(sid)}; nothing may follow ` +
            `${names(m.terminalNames)}.`,
        );
        return out;
      }
      const created = m.create.has(type);
      if (!created && !this.assumeOpenSessions) {
        add(
          "session.created-first",
          m.pointers.sessionKey,
          `${type} belongs to a session that was never created in this input (its first event ` +
            `must be ${names(m.createNames)}); later events of the session are checked from an ` +
            "unknown state. Use assumeOpenSessions for streams cut from the middle.",
        );
      }
      sess = {
        state: created ? m.initial : null,
        bound: created ? false : null,
        lastTs: null,
        recoverySince: null,
        recoveryReported: false,
        attempts: 0,
      };
      this.sessions.set(sid, sess);
    } else if (m.create.has(type)) {
      add(
        "session.created-first",
        m.pointers.eventType,
        `${type} arrives for a session that already has events; a session is created exactly ` +
          "once, by its first event.",
      );
    }
    const reported = this.rules(sess, record, add);
    if (!dryRun) this.advance(sess, sid, record, reported);
    return out;
  }

  /** Steps 2 and 3 of the fold: read the session, add findings; true when a recovery was reported. */
  rules(sess, record, add) {
    const m = this.model;
    let reported = false;
    const { eventType: type, ts, from, to } = record;
    const limitMs = this.policy.max_recovery_ms;
    if (ts !== null) {
      if (sess.lastTs !== null && ts < sess.lastTs) {
        add(
          "session.ts-monotonic",
          m.pointers.clock,
          `ts_ms ${ts} is earlier than the session's previous event at ${sess.lastTs} ` +
            `(${minus(sess.lastTs, ts)} ms back); ts_ms must never decrease within a session.`,
        );
      }
      const since = sess.recoverySince;
      if (since !== null && !sess.recoveryReported && minus(ts, since) > limitMs) {
        add(
          "recovery.bounded-time",
          m.pointers.clock,
          `The session has been in ${sess.state} (recovery) for ${minus(ts, since)} ms ` +
            `since ts_ms ${since}, longer than the policy's max_recovery_ms of ${limitMs}.`,
        );
        reported = m.rules.has("recovery.bounded-time");
      }
    }
    if (from !== null && to !== null) {
      if (sess.state !== null && from !== sess.state) {
        add(
          "transition.explicit",
          m.pointers.transitionFrom,
          `${type} ${from} -> ${to} starts from ${from}, but the session is in ${sess.state}: ` +
            `the transition ${sess.state} -> ${from} happened silently.`,
        );
      }
      const targets = m.allowed.get(from);
      if (targets === undefined || !targets.has(to)) {
        let why;
        if (from === to) why = "self-transitions are not allowed";
        else if (targets === undefined) why = `nothing leaves ${from}`;
        else why = `from ${from} the state machine allows only ${[...targets].sort().join(", ")}`;
        add(
          "transition.allowed",
          m.pointers.transitionTo,
          `The transition ${from} -> ${to} is not in the transition table: ${why}.`,
        );
      }
      const limit = this.policy.max_recovery_attempts;
      if (m.counted.has(to) && sess.attempts + 1 > limit) {
        add(
          "recovery.bounded-attempts",
          m.pointers.transitionTo,
          `This is recovery attempt ${sess.attempts + 1} since the session was last ` +
            `${names(m.resetNames)}; the policy's max_recovery_attempts is ${limit}.`,
        );
      }
    } else if (m.bind.has(type)) {
      if (sess.bound === true && sess.state !== null && !m.binding.has(sess.state)) {
        add(
          "transport.single-active",
          m.pointers.eventType,
          `${type} while the session is ${sess.state} with an active binding: a second ` +
            "transport would be active at once (dual-active binding). Binding is allowed only " +
            `without an active one, or in ${names(m.bindingNames)}.`,
        );
      }
    }
    return reported;
  }

  /** The one place where a session changes (step 4 of the fold). */
  advance(sess, sid, record, reported) {
    const m = this.model;
    const { eventType: type, ts, from, to } = record;
    if (reported) sess.recoveryReported = true; // once per recovery episode
    if (ts !== null) sess.lastTs = ts;
    if (from !== null && to !== null) {
      const wasRecovering = sess.state !== null && m.recovery.has(sess.state);
      if (m.recovery.has(to)) {
        if (!wasRecovering) {
          sess.recoverySince = ts;
          sess.recoveryReported = false;
        }
      } else {
        sess.recoverySince = null;
      }
      sess.state = to;
      if (m.counted.has(to)) sess.attempts += 1;
      if (m.reset.has(to)) sess.attempts = 0;
      if (m.terminal.has(to)) {
        this.sessions.delete(sid);
        this.terminated.add(sid);
        if (this.terminated.size > this.rememberTerminated) {
          this.terminated.delete(this.terminated.values().next().value);
        }
      }
    } else if (m.bind.has(type)) {
      sess.bound = true;
    }
  }
}

exports.SessionEngine = SessionEngine;
exports.PolicyError = PolicyError;
exports.policyProblem = policyProblem;
exports.lookup = lookup;
exports.tokens = tokens;
