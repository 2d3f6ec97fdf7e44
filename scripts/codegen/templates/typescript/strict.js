// @@HEADER@@
// The strict decoder and encoder: a small interpreter of the revision's check plan (plan.json,
// generated from the schema by scripts/codegen/plan.py). The Python, Go, Rust and Java bindings
// interpret the same plan in the same order, so all five report the same rule id, JSON Pointer
// and message for the same input. No schema compiler runs at run time.
"use strict";

const UNKNOWN_EVENT_TYPE = "schema.unknown-event-type";

/** The input is not a valid event: `rule` (a catalog rule id), `pointer` and `message`. */
class DecodeError extends Error {
  constructor(rule, pointer, message) {
    super(`${rule} at ${pointer || "/"}: ${message}`);
    this.name = "DecodeError";
    this.rule = rule;
    this.pointer = pointer;
    this.detail = message;
  }
}

/** The event names an `event_type` this revision does not define (a tolerant reader skips it). */
class UnknownEventTypeError extends DecodeError {
  constructor(rule, pointer, message) {
    super(rule, pointer, message);
    this.name = "UnknownEventTypeError";
  }
}

/** `encode` was given an event that `decode` would refuse; same rule, pointer and message. */
class EncodeError extends DecodeError {
  constructor(rule, pointer, message) {
    super(rule, pointer, message);
    this.name = "EncodeError";
  }
}

// ---- JSON text -> value: exact int64 (bigint above 2^53), duplicate keys refused ----------------

const MAX_DEPTH = 1000;
const NUMBER = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const JSON_BLANK = /^[ \t\r\n]*$/; // JSON whitespace only (String.prototype.trim takes more)

class Parser {
  constructor(text, duplicates) {
    this.text = text;
    this.at = 0;
    this.depth = 0;
    this.duplicates = duplicates; // an array: collect repeated keys (the last value wins), else throw
  }

  fail(what) {
    const near = JSON.stringify(this.text.slice(this.at, this.at + 20));
    throw new DecodeError("input.not-json", "", `The input is not valid JSON: ${what} at character ${this.at} (near ${near}).`);
  }

  ws() {
    const t = this.text;
    while (this.at < t.length) {
      const c = t.charCodeAt(this.at);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.at++;
      else break;
    }
  }

  document() {
    this.ws();
    const value = this.value("");
    this.ws();
    if (this.at !== this.text.length) this.fail("unexpected text after the value");
    return value;
  }

  value(ptr) {
    this.ws();
    const c = this.text[this.at];
    if (c === "{") return this.object(ptr);
    if (c === "[") return this.array(ptr);
    if (c === '"') return this.string();
    if (c === "-" || (c >= "0" && c <= "9")) return this.number();
    for (const [word, val] of [["true", true], ["false", false], ["null", null]]) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return val;
      }
    }
    return this.fail(c === undefined ? "unexpected end of input" : "unexpected character");
  }

  nest() {
    if (++this.depth > MAX_DEPTH) {
      throw new DecodeError("input.not-json", "", "The input nests JSON too deeply to be parsed.");
    }
  }

  object(ptr) {
    this.nest();
    this.at++;
    const out = {};
    const counts = new Map();
    this.ws();
    if (this.text[this.at] === "}") {
      this.at++;
      this.depth--;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.text[this.at] !== '"') this.fail("expected a string key");
      const key = this.string();
      this.ws();
      if (this.text[this.at] !== ":") this.fail("expected ':'");
      this.at++;
      const item = this.value(`${ptr}/${escape(key)}`);
      counts.set(key, (counts.get(key) || 0) + 1);
      Object.defineProperty(out, key, { value: item, writable: true, enumerable: true, configurable: true });
      this.ws();
      const c = this.text[this.at++];
      if (c === "}") break;
      if (c !== ",") {
        this.at--;
        this.fail("expected ',' or '}'");
      }
    }
    for (const [key, n] of counts) {
      if (n > 1) {
        const err = new DecodeError(
          "input.duplicate-key",
          `${ptr}/${escape(key)}`,
          `The key '${key}' appears ${n} times in one object; JSON parsers disagree on which value wins, so the event is ambiguous.`,
        );
        if (!this.duplicates) throw err;
        this.duplicates.push(err);
      }
    }
    this.depth--;
    return out;
  }

  array(ptr) {
    this.nest();
    this.at++;
    const out = [];
    this.ws();
    if (this.text[this.at] === "]") {
      this.at++;
      this.depth--;
      return out;
    }
    for (;;) {
      out.push(this.value(`${ptr}/${out.length}`));
      this.ws();
      const c = this.text[this.at++];
      if (c === "]") break;
      if (c !== ",") {
        this.at--;
        this.fail("expected ',' or ']'");
      }
    }
    this.depth--;
    return out;
  }

  string() {
    const t = this.text;
    let end = ++this.at;
    let out = "";
    for (;;) {
      if (end >= t.length) {
        this.at = end;
        this.fail("unterminated string");
      }
      const c = t.charCodeAt(end);
      if (c === 0x22) break;
      if (c < 0x20) {
        this.at = end;
        this.fail("control character in a string");
      }
      if (c === 0x5c) {
        out += t.slice(this.at, end);
        const e = t[end + 1];
        const simple = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e in simple) {
          out += simple[e];
          end += 2;
        } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(t.slice(end + 2, end + 6))) {
          out += String.fromCharCode(parseInt(t.slice(end + 2, end + 6), 16));
          end += 6;
        } else {
          this.at = end;
          this.fail("bad escape in a string");
        }
        this.at = end;
        continue;
      }
      end++;
    }
    out += t.slice(this.at, end);
    this.at = end + 1;
    if (!out.isWellFormed()) {
      const code = loneSurrogate(out).toString(16).padStart(4, "0");
      throw new DecodeError(
        "input.not-utf8",
        "",
        `The input is not valid Unicode: the escape \\u${code} is a lone surrogate, which no UTF-8 text can hold.`,
      );
    }
    return out;
  }

  number() {
    NUMBER.lastIndex = this.at; // sticky: matches at this.at, a number of any length
    const m = NUMBER.exec(this.text);
    if (m === null) this.fail("bad number");
    this.at += m[0].length;
    if (m[2] === undefined && m[3] === undefined) {
      const n = Number(m[0]);
      return Number.isSafeInteger(n) ? n : BigInt(m[0]);
    }
    return Number(m[0]); // past the range of a double: Infinity, as in the Python reference
  }
}

function escape(token) {
  return String(token).replace(/~/g, "~0").replace(/\//g, "~1");
}

/** The code unit of the first lone surrogate of `text` (which is not well formed). */
function loneSurrogate(text) {
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i += 1;
      else return c;
    } else if (c >= 0xdc00 && c <= 0xdfff) return c;
  }
  return 0xfffd;
}

/**
 * The offset of the first byte of `bytes` that starts no well-formed UTF-8 sequence (Unicode's
 * table 3-7), as Python's `UnicodeDecodeError.start` and Rust's `valid_up_to` give it.
 */
function validUpTo(bytes) {
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i];
    if (c < 0x80) {
      i += 1;
      continue;
    }
    let need;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c === 0xe0) [need, lo] = [2, 0xa0];
    else if (c === 0xed) [need, hi] = [2, 0x9f];
    else if (c >= 0xe1 && c <= 0xef) need = 2;
    else if (c === 0xf0) [need, lo] = [3, 0x90];
    else if (c === 0xf4) [need, hi] = [3, 0x8f];
    else if (c >= 0xf1 && c <= 0xf3) need = 3;
    else return i;
    for (let k = 1; k <= need; k += 1) {
      const d = bytes[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}

/**
 * Parse JSON text (a string or UTF-8 bytes) into a value; integers beyond 2^53 become bigint.
 * A repeated key throws, unless `duplicates` is an array: then its DecodeError is pushed there
 * and the last value wins (a stream checker reports it and goes on, as `vrp-contract validate`).
 */
function parse(input, duplicates) {
  let text = input;
  if (typeof input !== "string") {
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(input);
    } catch {
      const at = validUpTo(input);
      const byte = input[at].toString(16).padStart(2, "0");
      throw new DecodeError(
        "input.not-utf8",
        "",
        `The input is not valid UTF-8: byte 0x${byte} at byte offset ${at} cannot be decoded.`,
      );
    }
  }
  text = text.replace(/[\r\n]+$/, "");
  if (JSON_BLANK.test(text)) {
    throw new DecodeError("input.blank-line", "", "The input is blank; JSON Lines holds one event per line.");
  }
  return new Parser(text, duplicates).document();
}

// ---- value -> JSON text: refuse what JSON cannot hold, never drop or rewrite it -----------------

function where(ptr) {
  return ptr ? `The field ${ptr}` : "The event";
}

function describe(value) {
  const proto = Object.getPrototypeOf(value);
  const made = proto && Object.prototype.hasOwnProperty.call(proto, "constructor") ? proto.constructor : null;
  const name = typeof made === "function" && made.prototype === proto ? made.name : "";
  return name ? `${"AEIOU".includes(name[0]) ? "an" : "a"} ${name}` : "an object with a custom prototype";
}

function lone(text) {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) return `U+${c.toString(16).toUpperCase()}`;
  }
  return null;
}

/**
 * The first part of `value` that JSON text cannot hold exactly, as [rule, pointer, message] (the
 * rule decode would give the text it would make), or null. Refused: non-finite numbers, objects
 * that are not plain (Date, Map, class instances), functions, symbols, undefined values, sparse
 * arrays, cycles, strings or keys with a lone surrogate and nesting past decode's limit.
 */
function unrepresentable(value) {
  const ancestors = [];
  const paths = [];
  function visit(v, ptr) {
    switch (typeof v) {
      case "string": {
        const bad = v.isWellFormed() ? null : lone(v);
        return bad && ["input.not-utf8", ptr, `${where(ptr)} holds a lone surrogate (${bad}), which no UTF-8 text can hold.`];
      }
      case "boolean":
      case "bigint":
        return null;
      case "number":
        return Number.isFinite(v) ? null : ["input.not-json", ptr, `${where(ptr)} is ${v}, which JSON cannot hold (only finite numbers).`];
      case "undefined":
        return ["input.not-json", ptr, `${where(ptr)} is undefined, which JSON cannot hold; leave the property out.`];
      case "function":
      case "symbol":
        return ["input.not-json", ptr, `${where(ptr)} is a ${typeof v}, which JSON cannot hold.`];
      default:
        break;
    }
    if (v === null) return null;
    const seen = ancestors.indexOf(v);
    if (seen !== -1) {
      return ["input.not-json", ptr, `${where(ptr)} refers back to ${paths[seen] || "the event"} (a cycle), which JSON cannot hold.`];
    }
    const isArray = Array.isArray(v);
    if (!isArray) {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        return ["input.not-json", ptr, `${where(ptr)} is ${describe(v)}, not a plain object or array, so JSON cannot hold it exactly.`];
      }
    }
    if (ancestors.length >= MAX_DEPTH) {
      return ["input.not-json", ptr, `${where(ptr)} nests JSON more than ${MAX_DEPTH} levels deep, too deeply to be decoded.`];
    }
    ancestors.push(v);
    paths.push(ptr);
    let problem = null;
    if (isArray) {
      for (let i = 0; i < v.length && !problem; i++) {
        problem = i in v ? visit(v[i], `${ptr}/${i}`) : ["input.not-json", `${ptr}/${i}`, `${where(`${ptr}/${i}`)} is a hole in a sparse array, which JSON cannot hold.`];
      }
    } else {
      if (Object.getOwnPropertySymbols(v).some((k) => Object.prototype.propertyIsEnumerable.call(v, k))) {
        problem = ["input.not-json", ptr, `${where(ptr)} has a symbol key, which JSON cannot hold.`];
      }
      for (const key of problem ? [] : Object.keys(v)) {
        const bad = key.isWellFormed() ? null : lone(key);
        problem = bad ? ["input.not-utf8", `${ptr}/${escape(key)}`, `A key of ${ptr ? `the field ${ptr}` : "the event"} holds a lone surrogate (${bad}), which no UTF-8 text can hold.`] : visit(v[key], `${ptr}/${escape(key)}`);
        if (problem) break;
      }
    }
    ancestors.pop();
    paths.pop();
    return problem;
  }
  return visit(value, "");
}

/**
 * Write a value as compact JSON text, exactly: bigint digits, and the exact value of an integer
 * number past 2^53 (`2 ** 60` is 1152921504606846976, not JSON.stringify's 1152921504606847000).
 * Only for a value `unrepresentable` accepts.
 */
function stringify(value) {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value)) return BigInt(value).toString();
  if (Array.isArray(value)) return `[${value.map(stringify).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value).map((key) => `${JSON.stringify(key)}:${stringify(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

// ---- the plan interpreter ------------------------------------------------------------------

function kind(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "bigint") return "integer";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  if (typeof v === "object") return "object";
  return typeof v; // string, boolean (anything else is no JSON value)
}

function isType(v, name) {
  const k = kind(v);
  if (name === "number") return k === "integer" || k === "number";
  return k === name;
}

// Python's json.dumps (the reference messages): ", " and ": " separators, non-ASCII kept.
function dumps(v) {
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return `[${v.map(dumps).join(", ")}]`;
  if (v !== null && typeof v === "object") {
    return `{${Object.keys(v).map((k) => `${JSON.stringify(k)}: ${dumps(v[k])}`).join(", ")}}`;
  }
  if (typeof v === "number" && !Number.isFinite(v)) return v > 0 ? "Infinity" : v < 0 ? "-Infinity" : "NaN";
  if (typeof v === "number" && Number.isInteger(v) && !Number.isSafeInteger(v)) return BigInt(v).toString();
  const text = JSON.stringify(v);
  return text === undefined ? String(v) : text;
}

function show(v) {
  const chars = Array.from(dumps(v));
  return chars.length <= 60 ? chars.join("") : `${chars.slice(0, 57).join("")}...`;
}

const KINDS = { object: "an object", array: "an array", string: "a string", boolean: "a boolean", integer: "an integer", number: "a number" };

function got(v) {
  return v === null ? "got null" : `got ${KINDS[kind(v)] || kind(v)} ${show(v)}`;
}

function field(ptr) {
  return ptr ? `field ${ptr}` : "the event";
}

function quote(s) {
  return `'${s}'`;
}

function jsonEqual(a, b) {
  const ka = kind(a);
  const kb = kind(b);
  if ((ka === "integer" || ka === "number") && (kb === "integer" || kb === "number")) return compare(a, String(b)) === 0;
  if (ka !== kb) return false;
  if (ka === "array") return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (ka === "object") {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return a === b;
}

// Compare a number (number or bigint) with a decimal bound, exactly when both are integers.
function compare(v, bound) {
  if (/^-?[0-9]+$/.test(bound) && (typeof v === "bigint" || Number.isInteger(v))) {
    const a = BigInt(v);
    const b = BigInt(bound);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const a = Number(v);
  const b = Number(bound);
  return a < b ? -1 : a > b ? 1 : 0;
}

const BOUNDS = {
  minimum: ["at least", (c) => c >= 0],
  maximum: ["at most", (c) => c <= 0],
  exclusiveMinimum: ["greater than", (c) => c > 0],
  exclusiveMaximum: ["less than", (c) => c < 0],
};

function present(obj, key) {
  return Object.prototype.hasOwnProperty.call(obj, key) && obj[key] !== undefined;
}

class Checker {
  constructor(plan) {
    this.plan = plan;
    this.known = plan.event_types.join(", ");
  }

  /** The first problem of a parsed value as [rule, pointer, message], or null when it is valid. */
  check(value) {
    if (kind(value) !== "object") {
      return ["input.not-object", "", `The value is a JSON ${kind(value) === "integer" ? "number" : kind(value)}, not an event object.`];
    }
    const et = value.event_type;
    const known = typeof et === "string" && Object.prototype.hasOwnProperty.call(this.plan.variants, et);
    this.subject = known ? `the ${et} event` : "the event";
    return this.walk(known ? this.plan.variants[et] : this.plan.envelope, value, "");
  }

  walk(node, inst, ptr) {
    for (const [kw, arg] of node) {
      if (kw === "type" && !(Array.isArray(arg) ? arg.some((t) => isType(inst, t)) : isType(inst, arg))) {
        const expected = Array.isArray(arg) ? arg.join(" or ") : arg;
        const article = "aeiou".includes(expected[0]) ? "an" : "a";
        return ["schema.type", ptr, `The ${field(ptr)} must be ${article} ${expected}, ${got(inst)}.`];
      }
    }
    const k = kind(inst);
    for (const [kw, arg] of node) {
      let problem = null;
      if (kw === "properties" && k === "object") {
        for (const [name, sub] of arg) {
          if (present(inst, name)) {
            problem = this.walk(sub, inst[name], `${ptr}/${escape(name)}`);
            if (problem) break;
          }
        }
      } else if (kw === "required" && k === "object") {
        const name = arg.find((n) => !present(inst, n));
        if (name !== undefined) {
          const scope = ptr ? `${ptr} of ${this.subject}` : this.subject;
          problem = ["schema.required", `${ptr}/${escape(name)}`, `Required property ${quote(name)} is missing from ${scope}.`];
        }
      } else if (kw === "additionalProperties" && k === "object") {
        const props = node.find(([p]) => p === "properties");
        const allowed = props ? props[1].map(([n]) => n) : [];
        for (const key of Object.keys(inst)) {
          if (inst[key] === undefined || allowed.includes(key)) continue;
          if (arg === false) {
            const where = ptr ? `in ${ptr}` : "at the top level of the event";
            const hint = ptr ? "" : "; extensions belong in details";
            problem = ["schema.additionalProperties", `${ptr}/${escape(key)}`, `Property ${quote(key)} is not allowed ${where} (allowed: ${allowed.join(", ")})${hint}.`];
          } else {
            problem = this.walk(arg, inst[key], `${ptr}/${escape(key)}`);
          }
          if (problem) break;
        }
      } else if (kw === "enum" && !arg.some((v) => jsonEqual(inst, v))) {
        problem =
          ptr === "/event_type"
            ? [UNKNOWN_EVENT_TYPE, ptr, `Unknown event_type ${show(inst)}: revision ${this.plan.revision} defines ${this.known}.`]
            : ["schema.enum", ptr, `The ${field(ptr)} must be one of ${arg.map((v) => (typeof v === "string" ? v : dumps(v))).join(", ")}; ${got(inst)}.`];
      } else if (kw === "const" && !jsonEqual(inst, arg)) {
        problem = ["schema.const", ptr, `The ${field(ptr)} must be ${typeof arg === "string" ? quote(arg) : dumps(arg)}; ${got(inst)}.`];
      } else if ((kw === "minLength" || kw === "maxLength") && k === "string") {
        const n = Array.from(inst).length;
        if (kw === "minLength" ? n < arg : n > arg) {
          problem =
            kw === "minLength" && arg === 1
              ? [`schema.${kw}`, ptr, `The ${field(ptr)} must be a non-empty string.`]
              : [`schema.${kw}`, ptr, `The ${field(ptr)} must be ${kw === "minLength" ? "at least" : "at most"} ${arg} characters long, ${got(inst)}.`];
        }
      } else if (kw in BOUNDS && (k === "integer" || k === "number")) {
        const [words, ok] = BOUNDS[kw];
        if (!ok(compare(inst, arg))) problem = [`schema.${kw}`, ptr, `The ${field(ptr)} must be ${words} ${arg}, ${got(inst)}.`];
      } else if (kw === "items" && k === "array") {
        for (let i = 0; i < inst.length && !problem; i++) problem = this.walk(arg, inst[i], `${ptr}/${i}`);
      } else if ((kw === "minItems" && k === "array" && inst.length < arg) || (kw === "maxItems" && k === "array" && inst.length > arg)) {
        problem = [`schema.${kw}`, ptr, `The ${field(ptr)} is invalid (${kw}): ${kw} ${arg}; ${got(inst)}.`];
      }
      if (problem) return problem;
    }
    return null;
  }
}

function fail(cls, problem) {
  const [rule, pointer, message] = problem;
  if (cls === DecodeError && rule === UNKNOWN_EVENT_TYPE) throw new UnknownEventTypeError(rule, pointer, message);
  throw new cls(rule, pointer, message);
}

/** Bind the strict functions to one revision's plan. */
function contract(plan) {
  const checker = new Checker(plan);
  function decode(input) {
    let value;
    try {
      value = parse(input);
    } catch (err) {
      if (err instanceof DecodeError) throw err;
      throw new DecodeError("input.not-json", "", `The input is not valid JSON: ${err && err.message}.`);
    }
    const problem = checker.check(value);
    if (problem) fail(DecodeError, problem);
    return value;
  }
  // A value is checked as the JSON text it would be: first what JSON cannot hold, then the plan.
  function problemOf(value) {
    return unrepresentable(value) || checker.check(value);
  }
  function encode(event) {
    let problem = unrepresentable(event);
    if (problem) fail(EncodeError, problem);
    const text = stringify(event);
    problem = checker.check(parse(text));
    if (problem) fail(EncodeError, problem);
    return text;
  }
  function check(value) {
    const problem = problemOf(value);
    return problem === null ? null : { rule: problem[0], pointer: problem[1], message: problem[2] };
  }
  function isVrpEvent(value) {
    return problemOf(value) === null;
  }
  return { decode, encode, check, isVrpEvent };
}

module.exports = { DecodeError, UnknownEventTypeError, EncodeError, contract, parse, stringify };
