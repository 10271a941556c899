import test from "ava";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { instanceCount, runMultitests, unifiedDiff, type MultitestOptions, type MultitestSummary } from "../../tools/sim/multitest.ts";
import { app, folder, lines, run } from "./helpers.ts";

const FIXTURES = "tests/fixtures/multitest";
const fixture = (name: string): string => `${FIXTURES}/${name}`;

async function multitest(files: string[], options: Partial<MultitestOptions> = {}): Promise<{ summary: MultitestSummary; report: string[] }> {
  let report = "";
  const summary = await runMultitests(files, { timeoutMs: 20000, out: (text) => (report += text), ...options });
  return { summary, report: lines(report) };
}

test("a 2-instance test passes: the later instance gets the globals, broadcasts go both ways", async (t) => {
  const { summary, report } = await multitest([fixture("two.ts")]);
  t.deepEqual(report, [`${FIXTURES}/two.ts on 2 instances: pass`, "1 passed, 0 failed"]);
  t.deepEqual(summary.passed, [fixture("two.ts")]);
});

test("a 3-instance test passes: instances start in order, globals accumulate, async instances are awaited", async (t) => {
  const { report } = await multitest([fixture("three.ts")]);
  t.deepEqual(report, [`${FIXTURES}/three.ts on 3 instances: pass`, "1 passed, 0 failed"]);
});

test("instances are ESP-NOW nodes on the test's air: a MAC passed as a global, a ping and a pong", async (t) => {
  const { report } = await multitest([fixture("espnow-ping.ts")]);
  t.deepEqual(report, [`${FIXTURES}/espnow-ping.ts on 2 instances: pass`, "1 passed, 0 failed"]);
});

test("a broadcast sent before an instance starts still reaches it", async (t) => {
  const { report } = await multitest([fixture("early.ts")]);
  t.is(report[0], `${FIXTURES}/early.ts on 2 instances: pass`);
});

test("globals refuses what it cannot carry, with the reason, and carries nested bytes", async (t) => {
  const { report } = await multitest([fixture("bad-globals.ts")]);
  t.is(report[0], `${FIXTURES}/bad-globals.ts on 2 instances: pass`);
});

test("output that differs from the .exp file fails the test, with a unified diff", async (t) => {
  const { summary, report } = await multitest([fixture("wrong.ts")]);
  t.deepEqual(summary.failed, [fixture("wrong.ts")]);
  t.deepEqual(report.slice(0, 9), [
    `${FIXTURES}/wrong.ts on 2 instances: FAIL`,
    `--- ${FIXTURES}/wrong.ts.exp`,
    `+++ ${FIXTURES}/wrong.ts (output)`,
    "@@ -1,5 +1,5 @@",
    " --- instance0 ---",
    " alpha",
    "-delta",
    "+gamma",
    " --- instance1 ---",
  ]);
  t.is(report[report.length - 1], "0 passed, 1 failed");
});

test("an instance that calls skip() makes the test skipped", async (t) => {
  const { summary, report } = await multitest([fixture("skip.ts")]);
  t.deepEqual(summary.skipped, [fixture("skip.ts")]);
  t.deepEqual(report, [`${FIXTURES}/skip.ts on 2 instances: skip`, `1 skipped: ${FIXTURES}/skip.ts`, "0 passed, 0 failed"]);
});

test("skip() ends the program at once, with status 0", async (t) => {
  const skipper = app(folder(t), "skipper", `import multitest from "multitest";\ntrace("before\\n");\nmultitest.skip();\ntrace("after\\n");\n`);
  const result = await run(t, { inputs: [skipper] }).finished;
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "before\n\x01multitest skip\n");
});

test("wait() outside a multitest run throws once its input ends", async (t) => {
  const waiter = app(folder(t), "waiter", `import multitest from "multitest";\nmultitest.wait("go");\n`);
  const result = await run(t, { inputs: [waiter] }).finished;
  t.is(result.code, 1);
  t.regex(result.stderr, /Error: multitest\.wait: the runner closed the input before anyone broadcast "go"/);
});

test("a test that runs out of time fails, and the waiting instance's output ends with TIMEOUT", async (t) => {
  const { summary, report } = await multitest([fixture("timeout.ts")], { timeoutMs: 1000 });
  t.deepEqual(summary.failed, [fixture("timeout.ts")]);
  t.is(report[1], "  instance0 timed out (the test may take 1 s)");
  t.true(report.includes("+TIMEOUT"));
});

test("an instance that throws fails the test at once, its error in its output", async (t) => {
  const { summary, report } = await multitest([fixture("crash.ts")], { timeoutMs: 15000 });
  t.deepEqual(summary.failed, [fixture("crash.ts")]);
  t.is(report[1], "  instance1 failed (exit status 1)");
  t.true(report.includes("+Uncaught exception: Error: instance1 broke"));
  t.false(report.some((line) => line.includes("timed out")));
});

test("a test without a .exp file fails, saying so; --update writes it, and then it passes", async (t) => {
  const test = join(folder(t), "copy.ts");
  copyFileSync(fixture("two.ts"), test);
  const missing = await multitest([test]);
  t.deepEqual(missing.summary.failed, [test]);
  t.is(missing.report[1], `  no ${test}.exp to compare with (--update writes it from this output):`);
  t.is(missing.report[2], "--- instance0 ---");
  const updated = await multitest([test], { update: true });
  t.is(updated.report[0], `${test} on 2 instances: pass (wrote ${test}.exp)`);
  t.is(readFileSync(`${test}.exp`, "utf8"), readFileSync(fixture("two.ts.exp"), "utf8"));
  t.deepEqual((await multitest([test])).summary.passed, [test]);
});

test("--update does not write the .exp file of a test whose instance failed", async (t) => {
  const test = join(folder(t), "crash.ts");
  copyFileSync(fixture("crash.ts"), test);
  const { summary } = await multitest([test], { update: true });
  t.deepEqual(summary.failed, [test]);
  t.false(existsSync(`${test}.exp`));
});

test("the report ends with the skipped and failed tests, then the line N passed, N failed", async (t) => {
  const { summary, report } = await multitest([fixture("two.ts"), fixture("wrong.ts"), fixture("skip.ts")]);
  t.deepEqual(summary, { passed: [fixture("two.ts")], failed: [fixture("wrong.ts")], skipped: [fixture("skip.ts")] });
  t.deepEqual(report.slice(-3), [`1 skipped: ${FIXTURES}/skip.ts`, `1 failed: ${FIXTURES}/wrong.ts`, "1 passed, 1 failed"]);
});

test("the instances are the exported instanceN functions, declared or listed, with no gap", (t) => {
  const files = folder(t);
  const write = (name: string, text: string): string => {
    writeFileSync(join(files, name), text);
    return join(files, name);
  };
  t.is(instanceCount(fixture("three.ts")), 3);
  t.is(instanceCount(write("forms.js", "export async function instance0() {}\nexport const instance1 = () => {};\nfunction x() {}\nexport { x as instance2 };\nfunction instance9() {}\n")), 3);
  t.throws(() => instanceCount(write("gap.js", "export function instance0() {}\nexport function instance2() {}\n")), { message: /exports instance0, instance2 but no instance1/ });
  t.throws(() => instanceCount(write("none.js", "export function main() {}\n")), { message: /exports no instance0\(\)/ });
});

test("a test module that cannot be used fails with the reason, and the other tests still run", async (t) => {
  const none = join(folder(t), "none.js");
  writeFileSync(none, "export function main() {}\n");
  const { report } = await multitest([none, fixture("two.ts")]);
  t.is(report[0], `${none}: FAIL`);
  t.regex(report[1], /exports no instance0\(\)/);
  t.is(report[report.length - 1], "1 passed, 1 failed");
});

test("the diff has one hunk per group of changes, with three lines of context", (t) => {
  const before = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n";
  const after = "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nl\nm\n";
  t.is(unifiedDiff(before, after, "old", "new"), [
    "--- old", "+++ new",
    "@@ -1,5 +1,5 @@", " a", "-b", "+B", " c", " d", " e",
    "@@ -8,5 +8,5 @@", " h", " i", " j", "-k", " l", "+m", "",
  ].join("\n"));
});
