// The first error ajv (allErrors: false) reports for each invalid vector under a bundled schema.
// Run by tests/generated/test_jsonschema_bundle.py with TOOLS = scripts/codegen/node/node_modules.
"use strict";
const Ajv2020 = require(process.env.TOOLS + "/ajv/dist/2020").default;
const fs = require("fs");
const schema = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const vectors = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const ajv = new Ajv2020({ allErrors: false, strict: false });
const validate = ajv.compile(schema);
for (const v of vectors.invalid) {
  const ok = validate(JSON.parse(v.text));
  const e = ok ? null : validate.errors[0];
  console.log(JSON.stringify({ name: v.name, ok, path: e && e.instancePath, keyword: e && e.keyword, params: e && e.params }));
}
