// @@HEADER@@
//
// The behaviour suite of this revision through this package's session checker (`node --test`).
// The suite ships in this package (behaviour-suite.json); VRP_BEHAVIOUR_SUITE=<folder> runs a
// suite folder in the repository format instead (streams/<case>/case.json, pass.jsonl, ...).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("fs");
const path = require("path");
const behaviour = require("../behaviour.js");

function loadSuite() {
  const folder = process.env.VRP_BEHAVIOUR_SUITE;
  if (!folder) {
    return require("../behaviour-suite.json").cases;
  }
  const read = (name, file) => fs.readFileSync(path.join(folder, name, file), "utf8");
  return fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const spec = JSON.parse(read(name, "case.json"));
      return {
        name,
        assume_open_sessions: Boolean(spec.assume_open_sessions),
        policy: spec.policy || null,
        remember_terminated: spec.remember_terminated,
        pass: read(name, "pass.jsonl"),
        fail: read(name, "fail.jsonl"),
        expected: read(name, "fail.expected.jsonl")
          .split("\n")
          .filter((l) => l.trim() !== "")
          .map((l) => JSON.parse(l)),
      };
    });
}

function run(c, text) {
  const checker = new behaviour.SessionChecker({
    assumeOpenSessions: c.assume_open_sessions,
    policy: c.policy || undefined,
    rememberTerminated: c.remember_terminated,
  });
  const out = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() !== "") out.push(...checker.check(JSON.parse(line), i + 1));
  });
  return out;
}

const suite = loadSuite();

test("the suite has a case for every stream rule", () => {
  assert.ok(suite.length > 0, "empty behaviour suite");
  if (!process.env.VRP_BEHAVIOUR_SUITE) {
    const names = new Set(suite.map((c) => c.name));
    for (const rule of behaviour.streamRules) assert.ok(names.has(rule), `no case for ${rule}`);
  }
});

for (const c of suite) {
  test(`${c.name}: pass stream has no finding`, () => {
    assert.deepEqual(run(c, c.pass), []);
  });
  test(`${c.name}: fail stream has exactly the expected findings`, () => {
    const keys = ["line", "rule", "pointer", "session_id"];
    const got = run(c, c.fail).map((f) => Object.fromEntries(keys.map((k) => [k, f[k]])));
    const want = c.expected.map((f) => Object.fromEntries(keys.map((k) => [k, f[k]])));
    assert.deepEqual(got, want);
  });
}

test("isAllowed agrees with the transition table and nothing else", () => {
  const pairs = new Set(behaviour.transitions.map(([f, t]) => `${f} ${t}`));
  for (const from of behaviour.states) {
    for (const to of behaviour.states) {
      assert.equal(behaviour.isAllowed(from.name, to.name), pairs.has(`${from.name} ${to.name}`));
    }
  }
  assert.equal(behaviour.isAllowed("no such state", behaviour.initialState), false);
});

test("every stream rule has a severity and a statement from the invariant catalog", () => {
  for (const id of behaviour.streamRules) {
    const inv = behaviour.invariants.find((i) => i.id === id);
    assert.ok(inv && inv.check === "stream" && inv.statement.length > 0, id);
  }
});

test("memory holds open sessions and a bounded number of terminated ids", () => {
  const c = suite.find((s) => s.name === "session.terminated-final") || suite[0];
  const checker = new behaviour.SessionChecker({ rememberTerminated: 0 });
  c.fail.split("\n").forEach((line, i) => {
    if (line.trim() !== "") checker.check(JSON.parse(line), i + 1);
  });
  assert.equal(checker.terminated.size, 0);
});

test("bigint timestamps are compared exactly (int64, beyond 2^53)", () => {
  const checker = new behaviour.SessionChecker();
  const create = behaviour.eventRoles.create[0];
  const other = behaviour.eventRoles.bind[0];
  const big = 2n ** 53n + 1n;
  assert.deepEqual(checker.check({ ts_ms: big, event_type: create, session_id: "s" }), []);
  const found = checker.check({ ts_ms: big - 1n, event_type: other, session_id: "s" });
  assert.deepEqual(
    found.map((f) => [f.rule, f.pointer]),
    [[behaviour.Invariant.SessionTsMonotonic, behaviour.pointers.clock]],
  );
});

test("a clock outside the schema's range is absent to the session checks (as a Python finding)", () => {
  const [lo, hi] = behaviour.tables.clockRange.map(BigInt);
  const create = behaviour.eventRoles.create[0];
  const plain = behaviour.tables.eventTypes.find((e) => !e.create && !e.transition && !e.bind && !e.audit);
  const tick = (plain || behaviour.tables.eventTypes.find((e) => e.bind)).name;
  const checker = new behaviour.SessionChecker();
  const found = [];
  const clocks = [lo + 1000n, hi + 1n, lo + 2000n, lo - 1n, Number(hi) * 16, 1e20, lo + 3000n];
  clocks.forEach((ts, i) => {
    const event = { ts_ms: ts, event_type: i === 0 ? create : tick, session_id: "s" };
    found.push(...checker.check(event, i + 1).filter((f) => f.pointer === behaviour.pointers.clock));
  });
  assert.deepEqual(found, []);
  const back = checker.check({ ts_ms: lo + 2999n, event_type: tick, session_id: "s" }, 8);
  assert.deepEqual(back.map((f) => [f.rule, f.line]), [[behaviour.Invariant.SessionTsMonotonic, 8]]);
});

test("a policy the revision's policy schema refuses is a PolicyError", () => {
  const schema = behaviour.tables.policySchema;
  const [name, field] = Object.entries(schema.properties).find(([, f]) => f.minimum !== undefined);
  const refused = [
    [{ [`${name}_typo`]: 10 }, new RegExp(`unknown key '${name}_typo'; a policy holds `)],
    [{ [name]: Number(BigInt(field.minimum) - 1n) }, new RegExp(`field ${name}: -?[0-9]+ is less than the minimum of ${field.minimum}`)],
    [{ [name]: "3" }, new RegExp(`field ${name}: '3' is not of type 'integer'`)],
    [{ [name]: 1.5 }, /is not of type 'integer'/],
    [[1], /field \(top level\): \[1\] is not of type 'object'/],
  ];
  for (const [policy, message] of refused) {
    assert.throws(
      () => new behaviour.SessionChecker({ policy }),
      (err) => err instanceof behaviour.PolicyError && message.test(err.detail) && err.message.includes(err.detail),
      JSON.stringify(policy),
    );
  }
  const ok = new behaviour.SessionChecker({ policy: { [name]: Number(field.minimum) } });
  assert.equal(ok.policy[name], Number(field.minimum));
});
