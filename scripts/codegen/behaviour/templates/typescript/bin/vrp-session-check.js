#!/usr/bin/env node
// @@HEADER@@
//
// vrp-session-check [--assume-open-sessions] [--policy FILE] [--remember-terminated N] [STREAM.jsonl]
// Folds a JSON Lines stream (a file, or stdin) with this package's session checker and prints
// each finding as one JSON line. A line that is no usable event (not UTF-8, not JSON, not an
// object, a repeated key, blank) is reported at its line with its input.* rule, as
// `vrp-contract validate` does, and the stream goes on. Exit 0: no error finding, 1: error
// findings, 2: usage or I/O error.
"use strict";
const fs = require("fs");
const { SessionChecker, PolicyError, tables } = require("../behaviour.js");
const { parse, DecodeError } = require("../strict.js");

const USAGE =
  "usage: vrp-session-check [--assume-open-sessions] [--policy FILE] " +
  "[--remember-terminated N] [STREAM.jsonl]";

function fail(message) {
  process.stderr.write(`vrp-session-check: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = { assumeOpenSessions: false };
  let path = null;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--assume-open-sessions") options.assumeOpenSessions = true;
    else if (arg === "--policy" || arg === "--remember-terminated") {
      const value = argv[i + 1];
      if (value === undefined) fail(`${arg} needs a value (${USAGE})`);
      i += 1;
      if (arg === "--remember-terminated") {
        if (!/^[0-9]+$/.test(value)) fail(`--remember-terminated: ${value} is not a count`);
        // as `vrp-contract validate`: a memory of no id would forget each at once
        if (Number(value) < 1) fail(`--remember-terminated: expected at least 1, got ${value}`);
        options.rememberTerminated = Number(value);
      } else {
        let text;
        try {
          text = fs.readFileSync(value, "utf8");
        } catch (err) {
          fail(`${value}: cannot read the policy file: ${err.message}`);
        }
        let policy;
        try {
          policy = parse(text); // exact integers; a repeated key is refused
        } catch (err) {
          if (err.rule === "input.duplicate-key") {
            const key = err.pointer.slice(err.pointer.lastIndexOf("/") + 1).replace(/~1/g, "/").replace(/~0/g, "~");
            fail(`${value}: the key '${key}' appears more than once in one object; give it once`);
          }
          fail(`${value}: the policy file is not valid JSON: ${err.detail || err.message}`);
        }
        if (policy !== null && typeof policy === "object" && !Array.isArray(policy)) {
          delete policy.$schema;
        }
        options.policy = policy;
        options.policyPath = value;
      }
    } else if (arg === "-h" || arg === "--help") {
      process.stdout.write(USAGE + "\n");
      process.exit(0);
    } else if (arg.startsWith("-") && arg !== "-") fail(`unknown option ${arg} (${USAGE})`);
    else if (path !== null) fail(`one stream at a time (${USAGE})`);
    else path = arg;
  }
  return { options, path: path === null ? "-" : path };
}

/** Take the value at JSON Pointer `pointer` out of `event`. */
function forget(event, pointer) {
  const tokens = pointer.slice(1).split("/").map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node = event;
  for (const token of tokens.slice(0, -1)) node = node !== null && typeof node === "object" ? node[token] : undefined;
  if (node !== null && typeof node === "object") delete node[tokens[tokens.length - 1]];
}

async function main() {
  const { options, path } = parseArgs(process.argv.slice(2));
  let checker;
  try {
    checker = new SessionChecker(options);
  } catch (err) {
    const why = err instanceof PolicyError ? err.detail : err.message;
    fail(options.policyPath ? `${options.policyPath}: ${why}` : why);
  }
  const input = path === "-" ? process.stdin : fs.createReadStream(path);
  const name = path === "-" ? "<stdin>" : path;
  let line = 0;
  let errors = 0;
  const out = [];
  const flush = () => {
    if (out.length) process.stdout.write(out.splice(0).join("\n") + "\n");
  };
  const stop = (message) => {
    flush(); // the findings before the fault are not lost
    fail(message);
  };
  const report = (finding) => {
    if (finding.severity === "error") errors += 1;
    out.push(JSON.stringify(finding));
    if (out.length >= 1024) flush();
  };
  const bad = (rule, pointer, message, event) => {
    const finding = { rule, severity: tables.inputRules[rule] || "error", message, pointer, line };
    const sid = event && event[pointerKey];
    if (typeof sid === "string") finding.session_id = sid;
    report(finding);
  };
  const pointerKey = tables.pointers.sessionKey.slice(1);
  const fold = (bytes) => {
    line += 1; // lines end at "\n" only, as in `vrp-contract validate`; blank lines count too
    const repeated = [];
    let event;
    try {
      event = parse(bytes, repeated);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      bad(err.rule, err.pointer, err.detail.replace(/^The input /, "The line "));
      return;
    }
    if (event === null || typeof event !== "object" || Array.isArray(event)) {
      const what = event === null ? "null" : Array.isArray(event) ? "array" : typeof event === "bigint" ? "number" : typeof event;
      bad("input.not-object", "", `The line holds a JSON ${what}, not an event object.`);
      return;
    }
    for (const err of repeated) bad(err.rule, err.pointer, err.detail, event);
    // a repeated clock takes no part in the session checks, as in `vrp-contract validate`
    if (repeated.some((err) => err.pointer === tables.pointers.clock)) forget(event, tables.pointers.clock);
    for (const finding of checker.check(event, line)) report(finding);
  };
  input.on("error", (err) => stop(`${name}: cannot read: ${err.message}`));
  let rest = Buffer.alloc(0);
  for await (const chunk of input) {
    const data = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let end = data.indexOf(10); end !== -1; end = data.indexOf(10, start)) {
      fold(data.subarray(start, end));
      start = end + 1;
    }
    rest = Buffer.from(data.subarray(start));
  }
  if (rest.length) fold(rest);
  flush();
  process.exitCode = errors ? 1 : 0;
}

main().catch((err) => fail(err.message));
