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
