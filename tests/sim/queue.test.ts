import test from "ava";
import { join } from "node:path";
import { ROOT, runScript, type BuildOptions, type RunResult } from "../../tools/sim/build.ts";
import { lines } from "./helpers.ts";

/* The machine-message queue as Moddable's device host has it
   (xs/platforms/esp/xsHost.c): a thread of the fixture posts while the
   JavaScript thread is busy in a host call, and the fixture records in C
   what each post returned. The host's figures (--verbose) count the rest. */

const QUEUE = join(ROOT, "tests/fixtures/queue/manifest.json");

function run(source: string, options: BuildOptions = {}, timeoutMs = 60000): Promise<RunResult> {
  return runScript(source, [QUEUE], { ...options, verbose: true, timeoutMs });
}

/** The host's queue figures, printed at exit. */
function figures(result: RunResult): Record<string, string> {
  const line = /^xsim queue: (.*)$/m.exec(result.stderr);
  if (!line) throw new Error(`no queue figures in:\n${result.stderr}`);
  return Object.fromEntries(line[1].split(" ").map((pair) => pair.split("=") as [string, string]));
}

const upTo = (count: number): string => Array.from({ length: count }, (_, i) => i).join(",");

test("esp32c3: the 11th post into the 10-record queue waits until the JavaScript thread takes a record", async (t) => {
  const result = await run(`import Queue from "queue";
    const seen = [];
    Queue.start(11, (i) => {
      /* record 0 left the queue before its callback: the 11th post has its place */
      if (i === 0) trace(Queue.waitPosted(11, 30000), "\\n");
      seen.push(i);
      if (seen.length < 11) return;
      Queue.join();
      trace(seen.join(","), "\\n", Queue.results().join(","), "\\n");
    });
    trace(Queue.waitPosted(10, 30000), "\\n");
    trace(Queue.waitPosted(11, 300), "\\n");`, { profile: "esp32c3" });
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["10", "10", "11", upTo(11), Array(11).fill(0).join(",")]);
  const f = figures(result);
  t.is(f.length, "10");
  t.is(f.blocked, "1");
  t.is(f.peak, "10");
  t.is(f.failed, "0");
  t.true(Number(f["longest-block-ms"]) > 0);
});

test("debug build: a post into a full queue waits 20 ticks, then returns -2 and the message is not delivered", async (t) => {
  const result = await run(`import Queue from "queue"; import Timer from "timer";
    const seen = [];
    Queue.start(11, (i) => seen.push(i));
    trace(Queue.waitPosted(11, 30000), "\\n", Queue.results().join(","), "\\n");
    Queue.join();
    Timer.set(() => trace(seen.join(","), "\\n"), 50);`, { profile: "esp32c3", queueWait: "debug" });
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["11", `${Array(10).fill(0).join(",")},-2`, upTo(10)]);
  const f = figures(result);
  t.is(f.wait, "debug");
  t.is(f.blocked, "1");
  t.is(f.failed, "1");
  t.true(Number(f["longest-block-ms"]) >= 19, f["longest-block-ms"]);
});

test("esp8266: the queue has no bound; 2000 posts are all delivered, in order, one malloc each", async (t) => {
  const result = await run(`import Queue from "queue";
    let next = 0, wrong = 0;
    Queue.start(2000, (i) => {
      if (i !== next++) wrong++;
      if (next === 2000) { Queue.join(); trace(next, " ", wrong, "\\n"); }
    });
    trace(Queue.waitPosted(2000, 60000), "\\n");`, { profile: "esp8266" });
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["2000", "2000 0"]);
  const f = figures(result);
  t.is(f.length, "0");
  t.is(f.posts, "2000");
  t.is(f.peak, "2000");
  t.is(f.blocked, "0");
  t.is(f.delivered, "2000");
  t.is(f["device-mallocs"], "2000");
});

test("messages are delivered one at a time, in order, and no more than were waiting, so a due timer is not starved", async (t) => {
  const result = await run(`import Queue from "queue"; import Timer from "timer";
    const seen = [];
    Timer.set(() => trace("timer after ", seen.length, "\\n"), 0);
    Queue.start(1, (i) => {
      seen.push(i);
      if (i === 0) Queue.join();
      if (i < 49) Queue.postHere(i + 1);
      else trace(seen.join(","), "\\n");
    });
    Queue.waitPosted(1, 30000);`, { profile: "esp32c3" });
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["timer after 1", upTo(50)]);
});

test("an exception thrown by a posted callback fails the app; the message is freed and the ones behind it stay queued", async (t) => {
  const result = await run(`import Queue from "queue";
    Queue.start(5, (i) => {
      trace(i, "\\n");
      if (i === 2) throw new Error("boom " + i);
    });
    Queue.waitPosted(5, 30000);
    Queue.join();`, { profile: "esp32c3" });
  t.is(result.code, 1, result.stderr);
  t.regex(result.stderr, /^Uncaught exception: Error: boom 2$/m);
  t.deepEqual(lines(result), ["0", "1", "2"]);
  const f = figures(result);
  t.is(f.delivered, "3");
  t.is(f.undelivered, "2");
});

test("a post from the JavaScript thread into its own full queue is the device's deadlock: reported, and the app fails", async (t) => {
  const result = await run(`import Queue from "queue";
    Queue.start(10, () => {});
    Queue.waitPosted(10, 30000);
    Queue.join();
    trace("posting\\n");
    Queue.postHere(99);
    trace("never\\n");`, { profile: "esp32c3" });
  t.is(result.code, 1, result.stderr);
  t.deepEqual(lines(result), ["posting"]);
  t.regex(result.stderr, /modMessagePostToMachine from the JS thread into its own full queue: on the device this waits for ever/);
});

test("debug build: a post from the JavaScript thread into its own full queue returns -2 after the wait", async (t) => {
  const result = await run(`import Queue from "queue"; import Timer from "timer";
    let count = 0;
    Queue.start(10, () => count++);
    Queue.waitPosted(10, 30000);
    Queue.join();
    trace(Queue.postHere(99), "\\n");
    Timer.set(() => trace(count, "\\n"), 50);`, { profile: "esp32c3", queueWait: "debug" });
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["-2", "10"]);
});

test("modMessagePostToMachineFromISR into a full queue fails at once with -1", async (t) => {
  const result = await run(`import Queue from "queue";
    Queue.start(10, () => {});
    Queue.waitPosted(10, 30000);
    Queue.join();
    trace(Queue.postHere(99, true), "\\n");`, { profile: "esp32c3" });
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["-1"]);
  t.is(figures(result).blocked, "0");
});

test("settling a promise while the queue is full is the device's deadlock too (fxQueuePromiseJobs posts a record)", async (t) => {
  const result = await run(`import Queue from "queue";
    Queue.start(1, () => {
      Queue.join();
      Queue.start(10, () => {});
      Queue.waitPosted(10, 30000);
      Queue.join();
      trace("settling\\n");
      Promise.resolve().then(() => trace("never\\n"));
    });
    Queue.waitPosted(1, 30000);`, { profile: "esp32c3" });
  t.is(result.code, 1, result.stderr);
  t.deepEqual(lines(result), ["settling"]);
  t.regex(result.stderr, /fxQueuePromiseJobs \(a promise settled\) is a modMessagePostToMachine from the JS thread into its own full queue/);
});

test("a thread blocked in a post when the app ends is woken, its post fails, and the process exits", async (t) => {
  const result = await run(`import Queue from "queue";
    Queue.start(12, () => {});
    Queue.waitPosted(10, 30000);
    Queue.waitPosted(11, 300);
    throw new Error("ending while a post waits");`, { profile: "esp32c3" }, 30000);
  t.false(result.timedOut, "the process hung at exit");
  t.is(result.code, 1, result.stderr);
  t.regex(result.stderr, /^queue fixture at exit: post 10 returned -2$/m);
});
