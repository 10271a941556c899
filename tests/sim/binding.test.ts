import test from "ava";
import { join } from "node:path";
import { ROOT } from "../../tools/sim/build.ts";
import { BINDING, lines, run } from "./helpers.ts";

const UNKNOWN = join(ROOT, "tests/fixtures/unknown-host/manifest.json");

test("a host constructor stores its record and methods read it", async (t) => {
  const result = await run(`import Probe from "probe";
    const probe = new Probe(5);
    trace(probe.add(3), "\\n", probe instanceof Probe, "\\n");`, [BINDING]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["8", "true"]);
});

test("host getters and setters are bound as accessors", async (t) => {
  const result = await run(`import Probe from "probe";
    const probe = new Probe(1);
    probe.value = 41;
    trace(probe.value + 1, "\\n", typeof Object.getOwnPropertyDescriptor(Probe.prototype, "value").get, "\\n");`, [BINDING]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["42", "function"]);
});

test("static host functions are bound on the class", async (t) => {
  const result = await run(`import Probe from "probe";
    trace(typeof Probe.live, " ", Probe.live.name, " ", Probe.live(), "\\n");`, [BINDING]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["function live 0"]);
});

test("the destructor runs when the garbage collector frees an instance", async (t) => {
  const result = await run(`import Probe from "probe"; import { collect } from "instrument";
    let probes = [new Probe(1), new Probe(2), new Probe(3)];
    trace(Probe.live(), "\\n");
    probes = null;
    collect();
    trace(Probe.live(), "\\n");`, [BINDING]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["3", "0"]);
});

test("a host method called on an object that is not its own throws instead of reading it", async (t) => {
  const result = await run(`import Probe from "probe";
    for (const target of [{}, new Uint8Array(4)]) {
      try { Probe.prototype.add.call(target, 1); trace("called\\n"); }
      catch (e) { trace(e.name, "|", e.message, "\\n"); }
    }`, [BINDING]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), [
    "SyntaxError|Probe.prototype.add: C: xsGetHostData: no host object",
    "SyntaxError|Probe.prototype.add: C: xsGetHostData: no host object",
  ]);
});

test("a buffer passed in is written by C and seen by JavaScript", async (t) => {
  const result = await run(`import Probe from "probe";
    const probe = new Probe(0);
    const bytes = new Uint8Array(16);
    trace(probe.fill(bytes, 7), " ", bytes.every((b) => b === 7), " ", probe.sum(bytes), "\\n");
    const view = new Uint8Array(bytes.buffer, 4, 4);
    probe.fill(view, 1);
    trace(Array.from(bytes.subarray(2, 10)).join(","), "\\n");`, [BINDING]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["16 true 112", "7,7,1,1,1,1,7,7"]);
});

test("a buffer made in C comes out as an ArrayBuffer", async (t) => {
  const result = await run(`import Probe from "probe";
    const buffer = new Probe(0).copy(6);
    trace(buffer instanceof ArrayBuffer, " ", new Uint8Array(buffer).join(","), "\\n");`, [BINDING]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["true 0,1,2,3,4,5"]);
});

test("an error thrown in C reaches JavaScript with its type and message", async (t) => {
  const result = await run(`import Probe from "probe";
    try { Probe.fail("the antenna fell off"); }
    catch (e) { trace(e instanceof TypeError, "|", e.message, "\\n"); }
    try { new Probe(0).fill(new Uint8Array(1), 300); }
    catch (e) { trace(e instanceof RangeError, "|", e.message, "\\n"); }`, [BINDING]);
  t.is(result.code, 0, result.stderr);
  const [first, second] = lines(result);
  t.is(first, "true|Probe.fail: the antenna fell off");
  t.is(second, "true|Probe.prototype.fill: byte must be 0..255, got 300");
});

test("an unknown host function fails the import with an error naming it", async (t) => {
  const result = await run(`import("gadget").then(
      () => trace("imported\\n"),
      (e) => trace(e.name, "|", e.message, "\\n"));`, [UNKNOWN]);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /^ReferenceError\|.*"xs_gadget_zap_not_defined"/m);
  t.notRegex(result.stdout, /imported/);
});
