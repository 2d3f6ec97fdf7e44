// A consumer of the installed npm package: strict decode of every case, then encode.
import * as fs from "node:fs";
import { decode, encode, DecodeError, EncodeError, UnknownEventTypeError } from "@@PACKAGE@@";
import type { VrpEvent, MutationTick, PathSelected } from "@@PACKAGE@@";

function summary(event: VrpEvent): string {
  switch (event.event_type) {
    case "PATH_SELECTED":
      return event.details.path_id; // narrowed: details.path_id is a string
    case "STATE_CHANGE":
      return event.details.to_state;
    default:
      return event.event_type;
  }
}

const text = fs.readFileSync(process.argv[2]);
let start = 0;
for (let i = 0; i <= text.length; i++) {
  if (i < text.length && text[i] !== 0x0a) continue;
  const line = text.subarray(start, i);
  start = i + 1;
  if (line.length === 0) continue;
  try {
    const event = decode(line);
    if (summary(event).length === 0) throw new Error("empty summary");
    console.log(JSON.stringify({ ok: true, encoded: encode(event) }));
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    console.log(JSON.stringify({ ok: false, rule: e.rule, pointer: e.pointer, message: e.detail, unknown: e instanceof UnknownEventTypeError }));
  }
}

const pathIdEmpty: PathSelected = { ts_ms: 1, event_type: "PATH_SELECTED", session_id: "s", details: { path_id: "" } };
const sessionIdEmpty: MutationTick = { ts_ms: 1, event_type: "MUTATION_TICK", session_id: "" };
const tsMsNegative: MutationTick = { ts_ms: -1, event_type: "MUTATION_TICK", session_id: "s" };
const bad: [string, VrpEvent][] = [["path_id-empty", pathIdEmpty], ["session_id-empty", sessionIdEmpty], ["ts_ms-negative", tsMsNegative]];
for (const [name, event] of bad) {
  try {
    encode(event);
    console.log(JSON.stringify({ encode: name, ok: true }));
  } catch (e) {
    if (!(e instanceof EncodeError)) throw e;
    console.log(JSON.stringify({ encode: name, ok: false, rule: e.rule, pointer: e.pointer }));
  }
}
