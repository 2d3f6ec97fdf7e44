// @@HEADER@@
// The shared vectors (schema/v@@REV@@/examples) against this package: each valid vector validates with
// ajv and narrows on `event_type`; each invalid one is rejected, except those in known-gaps.json.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { eventTypes, schema } from "../index";
import type { VrpEvent } from "../index";

// Run from this package's folder (generated/typescript/@@REV_ID@@): the vectors live in the repository.
const examples = path.resolve(process.cwd(), "../../../schema/v@@REV@@/examples");
const gaps = JSON.parse(fs.readFileSync("known-gaps.json", "utf8")) as {
  invalid_accepted: Record<string, string>;
  valid_not_round_tripped: Record<string, string>;
};

interface Vector {
  description: string;
  event: unknown;
  raw: string;
}

// The source text without insignificant whitespace: what a lossless decode -> encode gives back.
function compact(text: string): string {
  let out = "";
  let inString = false;
  let escaped = false;
  for (const ch of text) {
    if (inString) {
      out += ch;
      if (escaped) escaped = false;
      else if (ch === "\\") escaped = true;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (!/\s/.test(ch)) {
      out += ch;
    }
  }
  return out;
}

function vectors(kind: "valid" | "invalid"): [string, Vector][] {
  const dir = path.join(examples, kind);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => {
      const raw = fs.readFileSync(path.join(dir, f), "utf8");
      return [f.replace(/\.json$/, ""), { ...(JSON.parse(raw) as Vector), raw }];
    });
}

// Narrowing on the discriminator: inside each case the compiler knows the exact event type.
function summary(event: VrpEvent): string {
  switch (event.event_type) {
    case "PATH_SELECTED":
      return `path ${event.details.path_id}`;
    case "STATE_CHANGE":
      return `${event.details.from_state} -> ${event.details.to_state} (${event.reason_code})`;
    case "AUDIT_EVENT":
      return `audit ${event.details.invariant}`;
    default:
      return event.event_type;
  }
}

const ajv = new Ajv2020({ allErrors: true, strict: true });
const validate = ajv.compile<VrpEvent>(schema);

for (const [name, vector] of vectors("valid")) {
  test(`valid/${name}`, () => {
    // decode: JSON.parse of the file, as a service would; encode: JSON.stringify
    const parsed = JSON.parse(vector.raw) as { description: string; event: unknown };
    const event = parsed.event;
    assert.ok(validate(event), JSON.stringify(validate.errors));
    assert.ok(eventTypes.includes(event.event_type));
    assert.ok(summary(event).length > 0);
    const again = JSON.stringify({ description: parsed.description, event });
    if (name in gaps.valid_not_round_tripped) {
      assert.notEqual(again, compact(vector.raw), `${name} round-trips now: drop it from known-gaps.json`);
    } else {
      assert.equal(again, compact(vector.raw));
    }
  });
}

for (const [name, vector] of vectors("invalid")) {
  test(`invalid/${name}`, () => {
    const accepted = validate(JSON.parse(JSON.stringify(vector.event)));
    if (name in gaps.invalid_accepted) {
      assert.ok(accepted, `${name} is rejected now: drop it from known-gaps.json`);
    } else {
      assert.ok(!accepted, `${name} was accepted`);
    }
  });
}

test("known gaps name real vectors", () => {
  const names = new Set([...vectors("valid"), ...vectors("invalid")].map(([n]) => n));
  for (const n of [...Object.keys(gaps.invalid_accepted), ...Object.keys(gaps.valid_not_round_tripped)]) {
    assert.ok(names.has(n), `known-gaps.json names ${n}, which is not a vector`);
  }
});
