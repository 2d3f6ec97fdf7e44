#!/usr/bin/env node
// @@HEADER@@
//
// vrp-session-check [--assume-open-sessions] [--policy FILE] [--remember-terminated N] [STREAM.jsonl]
// Folds a JSON Lines stream (a file, or stdin) with this package's session checker and prints
// each finding as one JSON line. Exit 0: no finding, 1: findings, 2: usage or input error.
"use strict";
const fs = require("fs");
const { SessionChecker, PolicyError } = require("../behaviour.js");
const { parse } = require("../strict.js");

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
      if (value === undefined) fail(`${arg} needs a value\n${USAGE}`);
      i += 1;
      if (arg === "--remember-terminated") {
        if (!/^[0-9]+$/.test(value)) fail(`--remember-terminated: ${value} is not a count`);
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
    } else if (arg.startsWith("-") && arg !== "-") fail(`unknown option ${arg}\n${USAGE}`);
    else if (path !== null) fail(`one stream at a time\n${USAGE}`);
    else path = arg;
  }
  return { options, path: path === null ? "-" : path };
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
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  let line = 0;
  let found = 0;
  const out = [];
  const flush = () => {
    if (out.length) process.stdout.write(out.splice(0).join("\n") + "\n");
  };
  const stop = (message) => {
    flush(); // the findings before the bad line are not lost
    fail(message);
  };
  const fold = (bytes) => {
    line += 1; // lines end at "\n" only, as in `vrp-contract validate`; blank lines count too
    let text;
    try {
      text = utf8.decode(bytes);
    } catch (err) {
      stop(`${name}:${line}: not UTF-8 text`);
    }
    if (text.trim() === "") return;
    let event;
    try {
      event = JSON.parse(text);
    } catch (err) {
      stop(`${name}:${line}: not a JSON value: ${err.message}`);
    }
    for (const finding of checker.check(event, line)) {
      found += 1;
      out.push(JSON.stringify(finding));
      if (out.length >= 1024) flush();
    }
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
  process.exitCode = found ? 1 : 0;
}

main().catch((err) => fail(err.message));
