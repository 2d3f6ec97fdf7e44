// Peer for bench/run.py: validate a JSON Lines file against a schema with ajv (schema only).
// Usage: node ajv_validate.mjs SCHEMA.json EVENTS.jsonl ; prints "lines valid invalid".
import fs from "node:fs";
import readline from "node:readline";
import Ajv2020 from "ajv/dist/2020.js";

const [schemaPath, eventsPath] = process.argv.slice(2);
const ajv = new Ajv2020({ allErrors: false, strict: false });
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
const rl = readline.createInterface({ input: fs.createReadStream(eventsPath), crlfDelay: Infinity });
let lines = 0, valid = 0;
for await (const line of rl) {
  lines++;
  let event;
  try { event = JSON.parse(line); } catch { continue; }
  if (validate(event)) valid++;
}
console.log(`${lines} ${valid} ${lines - valid}`);
