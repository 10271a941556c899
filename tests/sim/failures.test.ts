import test from "ava";
import { run } from "./helpers.ts";

test("an uncaught exception in the main module fails the app with its file and line", async (t) => {
  const result = await run(`trace("start\\n");\nfunction check(x) {\n  throw new TypeError("bad " + x);\n}\ncheck(1);\n`);
  t.is(result.code, 1);
  t.is(result.stdout, "start\n");
  t.regex(result.stderr, /^Uncaught exception: TypeError: bad 1$/m);
  t.regex(result.stderr, /at check \(.*main\.js:3\)/);
});

test("an uncaught exception in a timer callback fails the app with its file and line", async (t) => {
  const result = await run(`import Timer from "timer";\nTimer.set(() => {\n  null.x;\n}, 1);\nTimer.set(() => trace("never\\n"), 50);\n`);
  t.is(result.code, 1);
  t.notRegex(result.stdout, /never/);
  t.regex(result.stderr, /Uncaught exception: TypeError/);
  t.regex(result.stderr, /main\.js:3/);
});

test("an unhandled rejection fails the app with its file and line", async (t) => {
  const result = await run(`async function job() {\n  await null;\n  throw new Error("lost");\n}\njob();\n`);
  t.is(result.code, 1);
  t.regex(result.stderr, /^Unhandled rejection: Error: lost$/m);
  t.regex(result.stderr, /main\.js:3/);
});

test("a rejection handled in the same turn is not reported", async (t) => {
  const result = await run(`const p = Promise.reject(new Error("handled"));\np.catch((e) => trace("caught ", e.message, "\\n"));\n`);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "caught handled\n");
});

test("a runaway recursion is reported as a stack overflow with where it happened", async (t) => {
  const result = await run(`function down(n) {\n  return down(n + 1) + 1;\n}\ndown(0);\n`);
  t.is(result.code, 1);
  t.regex(result.stderr, /stack overflow/);
  t.regex(result.stderr, /at down \(.*main\.js:2\)/);
});

test("a thrown value that is not an Error is reported as it is", async (t) => {
  const result = await run(`throw "plain string";\n`);
  t.is(result.code, 1);
  t.regex(result.stderr, /Uncaught exception: plain string/);
});
