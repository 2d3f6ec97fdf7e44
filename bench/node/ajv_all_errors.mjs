// Peer for bench/run.py: ajv with allErrors, printing every error of every line as one JSON line
// (what a validator that explains must do). Usage: node ajv_all_errors.mjs SCHEMA.json EVENTS.jsonl
// Reads 16 MiB blocks like ajv_validate.mjs; writes through one buffered stream.
import fs from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
const [schemaPath, eventsPath] = process.argv.slice(2);
const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
let out = [], outSize = 0, lines = 0, invalid = 0;
const emit = (obj) => {
  const text = JSON.stringify(obj);
  out.push(text);
  outSize += text.length + 1;
  if (outSize > 1 << 20) flush();
};
const flush = () => { if (out.length) fs.writeSync(1, out.join("\n") + "\n"); out = []; outSize = 0; };
const check = (text) => {
  lines++;
  let event;
  try { event = JSON.parse(text); } catch (e) {
    invalid++;
    emit({ line: lines, rule: "input.not-json", message: e.message });
    return;
  }
  if (validate(event)) return;
  invalid++;
  for (const err of validate.errors) {
    emit({ line: lines, rule: err.keyword, pointer: err.instancePath, message: err.message, params: err.params });
  }
};
const fd = fs.openSync(eventsPath, "r");
let buf = Buffer.alloc(1 << 24), have = 0;
for (;;) {
  if (have === buf.length) { const bigger = Buffer.alloc(buf.length * 2); buf.copy(bigger, 0, 0, have); buf = bigger; }
  const n = fs.readSync(fd, buf, have, buf.length - have, null);
  if (n === 0) break;
  const end = have + n;
  let start = 0, nl;
  while ((nl = buf.indexOf(10, start)) !== -1 && nl < end) {
    check(buf.toString("utf8", start, nl));
    start = nl + 1;
  }
  buf.copy(buf, 0, start, end);
  have = end - start;
}
if (have > 0) check(buf.toString("utf8", 0, have));
flush();
process.stderr.write(`${lines} ${lines - invalid} ${invalid}\n`);
