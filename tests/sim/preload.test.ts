import test from "ava";
import { join } from "node:path";
import { buildApp, ROOT, runApp } from "../../tools/sim/build.ts";
import { ManifestError } from "../../tools/sim/manifest.ts";
import { lines, run } from "./helpers.ts";

const FIXTURES = join(ROOT, "tests/fixtures/preload");
const fixture = (name: string) => join(FIXTURES, name, "manifest.json");

/* Tries each mutation of the preloaded module "shared" and traces "what: ok" or "what: the error". */
const PROBE = `import { table, bytes, plain, list, Thing, helper, setHandler, bump, frozenCounter, later } from "shared";
function attempt(what, change) {
  try { change(); trace(what, ": ok\\n"); } catch (error) { trace(what, ": ", String(error), "\\n"); }
}
attempt("table.set", () => table.set(3, "three"));
attempt("bytes[0]", () => { bytes[0] = 1; });
attempt("plain.count", () => { plain.count++; });
attempt("list.push", () => { list.push(2); });
attempt("Thing.made", () => new Thing());
attempt("Thing.prototype.x", () => { Thing.prototype.x = 1; });
attempt("helper.x", () => { helper.x = 1; });
attempt("setHandler", () => setHandler(() => {}));
attempt("bump", () => bump());
attempt("frozenCounter", () => frozenCounter.increment());
later(() => trace("later ran\\n"));
`;

function outcome(output: string[], what: string): string {
  return output.find((line) => line.startsWith(`${what}: `))?.slice(what.length + 2) ?? "(not traced)";
}

test("a preloaded module that calls a host function at its top level fails the build, as xsl does", async (t) => {
  const result = await run(`trace("main ran\\n");`, [fixture("calls-host")]);
  t.is(result.code, 1);
  t.regex(result.stderr, /Preloading failed \(module "early"/);
  t.regex(result.stderr, /TypeError: .*link: unavailable function xs_timer_set \(module "timer"\): preloaded modules run at build time/);
  t.regex(result.stderr, /early\.js:3/);
  t.deepEqual(lines(result), [], "main never runs");
});

test("a preloaded module's host functions work once the app runs", async (t) => {
  const result = await run(PROBE, [fixture("objects")]);
  t.is(result.code, 0, result.stderr);
  t.true(lines(result).includes("later ran"));
});

test("a preloaded module cannot await at its top level", async (t) => {
  const result = await run(`trace("main ran\\n");`, [fixture("awaits")]);
  t.is(result.code, 1);
  t.regex(result.stderr, /Preloading failed \(module "slow".*TypeError: .*async module/);
  t.regex(result.stderr, /cannot use top-level await/);
});

test("after preloading, the primordials are frozen: strict code gets a TypeError", async (t) => {
  const result = await run(`
    function attempt(what, change) {
      try { change(); trace(what, ": ok\\n"); } catch (error) { trace(what, ": ", error.constructor.name, "\\n"); }
    }
    attempt("Object.prototype.x", () => { Object.prototype.x = 1; });
    attempt("Array.prototype.push", () => { Array.prototype.push = function () {}; });
    attempt("Error.prototype.name", () => { Error.prototype.name = "Mine"; });
    attempt("TypeError.prototype.message", () => { TypeError.prototype.message = "m"; });
    attempt("Map.prototype.get", () => { Map.prototype.get = function () {}; });
    attempt("Uint8Array.prototype.x", () => { Uint8Array.prototype.x = 1; });
    attempt("Math.x", () => { Math.x = 1; });
    attempt("JSON.parse", () => { JSON.parse = function () {}; });
    class MyError extends Error { constructor() { super("m"); this.name = "MyError"; } }
    attempt("this.name in an Error subclass", () => new MyError());
    class FieldError extends Error { name = "FieldError"; }
    attempt("a name field", () => new FieldError());
    attempt("globalThis.mine", () => { globalThis.mine = 1; });
  `);
  t.is(result.code, 0, result.stderr);
  const output = lines(result);
  for (const what of ["Object.prototype.x", "Array.prototype.push", "Error.prototype.name", "TypeError.prototype.message",
    "Map.prototype.get", "Uint8Array.prototype.x", "Math.x", "JSON.parse", "this.name in an Error subclass"]) {
    t.is(outcome(output, what), "TypeError", what);
  }
  t.is(outcome(output, "a name field"), "ok", "a field defines its own property");
  t.is(outcome(output, "globalThis.mine"), "ok", "the global object is not frozen");
});

test("sloppy code's writes to frozen primordials are ignored, silently", async (t) => {
  const result = await run(`
    const sloppy = Function("Object.prototype.x = 1; Array.prototype.push = 5; return [typeof Object.prototype.x, typeof Array.prototype.push].join(' ')");
    trace(sloppy(), "\\n");
  `);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["undefined function"]);
});

test("built-in functions are frozen too: the linker freezes every function it puts in flash", async (t) => {
  const result = await run(`
    for (const [what, change] of [["Array.from", () => { Array.from = null; }], ["Object.mine", () => { Object.mine = 1; }], ["trace.x", () => { trace.x = 1; }]]) {
      try { change(); trace(what, ": ok\\n"); } catch (error) { trace(what, ": ", error.constructor.name, "\\n"); }
    }
  `);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["Array.from: TypeError", "Object.mine: TypeError", "trace.x: TypeError"]);
});

test("what a preloaded module made at build time is in flash: functions, classes, Maps, buffers, const function variables", async (t) => {
  const result = await run(PROBE, [fixture("objects")]);
  t.is(result.code, 0, result.stderr);
  const output = lines(result);
  t.regex(outcome(output, "table.set"), /TypeError: .*read-only/);
  t.regex(outcome(output, "bytes[0]"), /TypeError: .*read-only buffer/);
  t.regex(outcome(output, "Thing.made"), /TypeError: .*set made: not writable/);
  t.regex(outcome(output, "Thing.prototype.x"), /TypeError: .*not extensible/);
  t.regex(outcome(output, "helper.x"), /TypeError: .*not extensible/);
  t.regex(outcome(output, "setHandler"), /TypeError: .*set handler: const/);
  t.regex(outcome(output, "frozenCounter"), /TypeError/, "an object frozen through has read-only private fields");
  /* the device copies these into RAM when they are first written */
  t.is(outcome(output, "plain.count"), "ok");
  t.is(outcome(output, "list.push"), "ok");
  t.is(outcome(output, "bump"), "ok");
});

test("the same module, not preloaded, makes objects the app can change", async (t) => {
  const result = await run(PROBE, [fixture("objects-late")]);
  t.is(result.code, 0, result.stderr);
  const output = lines(result);
  for (const what of ["table.set", "bytes[0]", "plain.count", "list.push", "Thing.made", "Thing.prototype.x", "helper.x", "setHandler", "bump", "frozenCounter"]) {
    t.is(outcome(output, what), "ok", what);
  }
});

test("an app module creates and changes its own objects and classes", async (t) => {
  const result = await run(`
    class Mine { static count = 0; }
    Mine.count++;
    Mine.prototype.extra = 1;
    const table = new Map(); table.set(1, 2);
    const bytes = new Uint8Array(2); bytes[0] = 7;
    const object = { a: 1 }; object.b = 2; delete object.a;
    trace(Mine.count, " ", new Mine().extra, " ", table.get(1), " ", bytes[0], " ", JSON.stringify(object), "\\n");
  `);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ['1 1 2 7 {"b":2}']);
});

test("top-level await in main fails without the manifest's async define, with the device's error", async (t) => {
  const result = await run(`await Promise.resolve(); trace("main ran\\n");`);
  t.is(result.code, 1);
  t.regex(result.stderr, /Uncaught exception: TypeError: .*async module/);
  t.regex(result.stderr, /"defines": \{"main": \{"async": 1\}\}/);
  t.deepEqual(lines(result), []);
});

test("top-level await in main runs with \"defines\": {\"main\": {\"async\": 1}}", async (t) => {
  const result = await run(`await Promise.resolve(); trace("main ran\\n");`, [fixture("async-main")]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["main ran"]);
});

test("main's default export, if a function, is called once main has run", async (t) => {
  const source = `trace("body\\n"); export default function () { trace("default called with ", arguments.length, " arguments\\n"); }`;
  const sync = await run(source);
  t.is(sync.code, 0, sync.stderr);
  t.deepEqual(lines(sync), ["body", "default called with 0 arguments"]);
  const async = await run(`await 0; ${source}`, [fixture("async-main")]);
  t.is(async.code, 0, async.stderr);
  t.deepEqual(lines(async), ["body", "default called with 0 arguments"]);
  const notFunction = await run(`trace("body\\n"); export default 42;`);
  t.is(notFunction.code, 0, notFunction.stderr);
  t.deepEqual(lines(notFunction), ["body"]);
});

test("a preload no manifest provides stops the build, as xsl does", (t) => {
  t.throws(() => buildApp([join(FIXTURES, "calls-host/missing-preload.json")], { main: join(FIXTURES, "mod/main.js") }), { instanceOf: ManifestError, message: /'absent': module not found/ });
});

test("a mod's module cannot declare host functions: mcrun compiles mods without them", async (t) => {
  const app = buildApp([fixture("mod")], { main: join(FIXTURES, "mod/main.js"), mod: ["native-mod", "main"] });
  const result = await runApp(app);
  t.is(result.code, 1);
  t.regex(result.stderr, /native-mod\.js:1: error: invalid character @[^]*module "native-mod" is a mod's: mcrun compiles it without host functions/);
  const host = await runApp(buildApp([fixture("mod")], { main: join(FIXTURES, "mod/main.js") }));
  t.is(host.code, 0, host.stderr);
  t.deepEqual(lines(host), ["function"]);
});
