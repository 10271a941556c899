import test from "ava";
import { join } from "node:path";
import { ManifestError, readManifests } from "../../tools/sim/manifest.ts";
import { ROOT } from "../../tools/sim/build.ts";
import { MODULES, lines, run } from "./helpers.ts";

const FIXTURE = join(ROOT, "tests/fixtures/modules");

test("the platform's own section of a manifest is used", async (t) => {
  const result = await run(`import where from "where"; trace(where, "\\n");`, [MODULES]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["sim"]);
  const esp32 = readManifests([MODULES], "esp32");
  t.is(esp32.modules.get("where"), join(FIXTURE, "esp32/where.js"));
});

test("the \"...\" section's error stops a platform that has no section of its own", (t) => {
  const error = t.throws(() => readManifests([MODULES], "esp"), { instanceOf: ManifestError });
  t.regex(error?.message ?? "", /this fixture supports only sim and esp32/);
  t.throws(() => readManifests([join(FIXTURE, "other/manifest.json")], "sim"), { message: /runs only on esp32/ });
});

test("\"*\" with a folder wildcard names modules after their files, .js and .ts alike", async (t) => {
  const result = await run(`import square from "square"; import circle from "circle";
    trace(square(3), " ", circle(1).toFixed(5), "\\n");`, [MODULES]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["9 3.14159"]);
});

test("included manifests contribute their modules, and relative imports resolve by module name", async (t) => {
  const result = await run(`import { greet } from "greeting"; trace(greet("node"), "\\n");`, [MODULES]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["[hello node]"]);
});

test("defines of the platform section become MODDEF_ names", (t) => {
  const resolved = readManifests([MODULES], "sim");
  t.is(resolved.defines.get("MODDEF_PROBE_SIZE"), "42");
});

test("a module no manifest lists fails the import with an error naming it and its importer", async (t) => {
  const result = await run(`import "espnow-nowhere";`, [MODULES]);
  t.is(result.code, 1);
  t.regex(result.stderr, /module "espnow-nowhere" not found \(imported by "main"\)/);
});

test("a manifest module whose source is missing is reported with the manifest's path", (t) => {
  const error = t.throws(() => readManifests([join(ROOT, "tests/fixtures/binding/manifest.json"), join(FIXTURE, "missing-source.json")], "sim"));
  t.regex(error?.message ?? "", /missing-source\.json.*"ghost"/);
});

test("errors in TypeScript modules name the .ts file and line", async (t) => {
  const result = await run(`import { greet } from "greeting"; greet("");`, [MODULES]);
  t.is(result.code, 1);
  t.regex(result.stderr, /RangeError: greet: name must not be empty/);
  t.regex(result.stderr, /tests\/fixtures\/modules\/greeting\.ts:6\)/);
});

test("a syntax error is reported with its file and line, and the app fails", async (t) => {
  const result = await run(`trace("before\\n");\nlet x = ;\n`);
  t.is(result.code, 1);
  t.regex(result.stderr, /main\.js:2: error: /);
  t.is(result.stdout, "");
});
