// @@HEADER@@
// This package's own test, runnable wherever it is vendored (`node --test test/`): every vector in
// vectors.json (the revision's examples) through the strict decoder and encoder.
"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vrp = require("..");

const vectors = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "vectors.json"), "utf8"));

for (const vector of vectors.valid) {
  test(`valid/${vector.name}`, () => {
    const event = vrp.decode(vector.text);
    assert.ok(vrp.eventTypes.includes(event.event_type));
    assert.ok(vrp.isVrpEvent(event));
    const again = vrp.encode(event);
    assert.deepEqual(vrp.decode(again), event);
    assert.equal(vrp.encode(vrp.decode(Buffer.from(again, "utf8"))), again);
  });
}

for (const vector of vectors.invalid) {
  test(`invalid/${vector.name}`, () => {
    assert.throws(
      () => vrp.decode(vector.text),
      (err) => {
        assert.ok(err instanceof vrp.DecodeError);
        assert.equal(err.rule, vector.rule);
        assert.equal(err.pointer, vector.pointer);
        assert.equal(err instanceof vrp.UnknownEventTypeError, vector.rule === "schema.unknown-event-type");
        return true;
      },
    );
  });
}

test("ts_ms beyond 2^53 stays exact", () => {
  const event = vrp.decode('{"ts_ms":9223372036854775807,"event_type":"MUTATION_TICK","session_id":"s"}');
  assert.equal(event.ts_ms, 9223372036854775807n);
  assert.match(vrp.encode(event), /"ts_ms":9223372036854775807,/);
});

test("encode refuses what decode refuses", () => {
  const bad = { ts_ms: 1, event_type: "PATH_SELECTED", session_id: "s", details: { path_id: "" } };
  assert.throws(() => vrp.encode(bad), (err) => err instanceof vrp.EncodeError && err.pointer === "/details/path_id");
  assert.equal(vrp.isVrpEvent(bad), false);
});

test("numbers of any length parse", () => {
  const tick = '{"ts_ms":1,"event_type":"MUTATION_TICK","session_id":"s","details":{"n":';
  assert.equal(vrp.decode(`${tick}${"9".repeat(401)}}}`).details.n, BigInt("9".repeat(401)));
  assert.equal(vrp.decode(`${tick}0.${"1".repeat(401)}}}`).details.n, 0.1111111111111111);
  assert.throws(
    () => vrp.decode(`{"ts_ms":${"9".repeat(401)},"event_type":"MUTATION_TICK","session_id":"s"}`),
    (err) => err.rule === "schema.maximum" && err.pointer === "/ts_ms",
  );
});

test("only JSON whitespace makes a blank line", () => {
  for (const text of ["", " \t\r", "\r\n"]) {
    assert.throws(() => vrp.decode(text), (err) => err.rule === "input.blank-line");
  }
  for (const text of ["\u00a0", "\ufeff", "\u2028", "\u3000", "\u00a0\u00a0 ", "\v", "\f"]) {
    assert.throws(() => vrp.decode(text), (err) => err.rule === "input.not-json", JSON.stringify(text));
  }
});

test("encode refuses, naming the pointer, what JSON cannot hold; check and isVrpEvent agree", () => {
  const base = () => ({ ts_ms: 1, event_type: "MUTATION_TICK", session_id: "s" });
  const withDetails = (details) => ({ ...base(), details });
  const cyclic = withDetails({ a: {} });
  cyclic.details.a.self = cyclic.details;
  let deep = [];
  for (let i = 0; i < 1000; i++) deep = [deep];
  const cases = [
    [withDetails({ x: Infinity }), "input.not-json", "/details/x", /Infinity/],
    [withDetails({ x: -Infinity }), "input.not-json", "/details/x", /-Infinity/],
    [withDetails({ x: NaN }), "input.not-json", "/details/x", /NaN/],
    [{ ...base(), ts_ms: NaN }, "input.not-json", "/ts_ms", /NaN/],
    [withDetails({ when: new Date(0) }), "input.not-json", "/details/when", /a Date, not a plain object/],
    [withDetails({ m: new Map([["k", 1]]) }), "input.not-json", "/details/m", /a Map/],
    [withDetails({ f: () => 1 }), "input.not-json", "/details/f", /a function/],
    [withDetails({ s: Symbol("s") }), "input.not-json", "/details/s", /a symbol/],
    [withDetails({ [Symbol("k")]: 1 }), "input.not-json", "/details", /a symbol key/],
    [Object.create(base()), "input.not-json", "", /The event is an object with a custom prototype/],
    [withDetails({ n: new Number(1) }), "input.not-json", "/details/n", /a Number, not a plain/], // eslint-disable-line no-new-wrappers
    [withDetails({ u: undefined }), "input.not-json", "/details/u", /undefined/],
    [{ ...base(), node_id: undefined }, "input.not-json", "/node_id", /undefined/],
    [withDetails({ a: [1, , 3] }), "input.not-json", "/details/a/1", /hole in a sparse array/], // eslint-disable-line no-sparse-arrays
    [cyclic, "input.not-json", "/details/a/self", /refers back to \/details/],
    [{ ...base(), session_id: "\ud800" }, "input.not-utf8", "/session_id", /U\+D800/],
    [withDetails({ ["k\udc00"]: 1 }), "input.not-utf8", "/details/k\udc00", /U\+DC00/],
    [withDetails({ d: deep }), "input.not-json", "/details/d" + "/0".repeat(998), /1000 levels/],
  ];
  for (const [event, rule, pointer, message] of cases) {
    let thrown;
    assert.throws(
      () => vrp.encode(event),
      (err) => {
        thrown = err;
        return err instanceof vrp.EncodeError;
      },
      `${rule} ${pointer}`,
    );
    assert.equal(thrown.rule, rule);
    assert.equal(thrown.pointer, pointer);
    assert.match(thrown.detail, message);
    // the sentence names the pointer (a key with a lone surrogate: its object's, printable)
    const named = pointer.isWellFormed() ? pointer : pointer.slice(0, pointer.lastIndexOf("/"));
    assert.ok(thrown.detail.includes(named || "The event") || pointer.startsWith("/details/d/"), thrown.detail);
    assert.deepEqual(vrp.check(event), { rule, pointer, message: thrown.detail });
    assert.equal(vrp.isVrpEvent(event), false);
  }
  let ok = [];
  for (let i = 0; i < 997; i++) ok = [ok];
  assert.equal(vrp.isVrpEvent(withDetails({ d: ok })), true);
  assert.equal(vrp.decode(vrp.encode(withDetails({ d: ok }))).details.d.length, 1);
});

test("an integer number past 2^53 is encoded with its exact digits", () => {
  const event = { ts_ms: 2 ** 60, event_type: "MUTATION_TICK", session_id: "s", details: { n: -(2 ** 70) } };
  const text = vrp.encode(event);
  assert.match(text, /"ts_ms":1152921504606846976,/);
  assert.match(text, /"n":-1180591620717411303424}/);
  assert.equal(vrp.decode(text).ts_ms, 2n ** 60n);
  assert.equal(vrp.isVrpEvent(event), true);
  assert.throws(() => vrp.encode({ ...event, ts_ms: 2 ** 63 }), (err) => err.rule === "schema.maximum" && err.pointer === "/ts_ms");
});
