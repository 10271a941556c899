import test from "ava";
import { BINDING, lines, run } from "./helpers.ts";
import { runScript } from "../../tools/sim/build.ts";

test("a message posted from another thread wakes the loop and runs on the JavaScript thread", async (t) => {
  const result = await run(`import Probe from "probe";
    const start = Date.now();
    Probe.later(50, (message) => {
      trace(message, "\\n", Date.now() - start >= 49, "\\n");
    });
    trace("waiting\\n");`, [BINDING]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["waiting", "from a thread after 50 ms", "true"]);
});

test("posts from many threads are each delivered once, and the app then ends", async (t) => {
  const result = await run(`import Probe from "probe";
    const seen = new Map();
    /* settled before the threads start: with 20 posts into a 10-record queue,
       settling it later may find the queue full, the device's deadlock */
    Promise.resolve().then(() => trace("before any post\\n"));
    for (let i = 0; i < 20; i++)
      Probe.later(i % 5, (message) => seen.set(i, message));
    globalThis.check = () => trace(seen.size, "\\n");
    import("timer").then(({ default: Timer }) => Timer.set(() => trace(seen.size, "\\n"), 200));`, [BINDING]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["before any post", "20"]);
});

test("a thread that will post keeps the app alive with no timer pending", async (t) => {
  const result = await run(`import Probe from "probe";
    Probe.later(100, () => trace("posted\\n"));`, [BINDING]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["posted"]);
});

test("a watched file descriptor wakes the loop when it becomes readable", async (t) => {
  const result = await run(`import Probe from "probe"; import Timer from "timer";
    const start = Date.now();
    Probe.watch(40, (data) => trace(data, " ", Date.now() - start >= 39, "\\n"));
    Timer.set(() => trace("timer\\n"), 10);`, [BINDING]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["timer", "ping true"]);
});

/* A thread's post wakes the loop by writing the host's eventfd; the machine,
   going, closes it. The write is made under the host's mutex, which the
   closing takes too, so that no post writes into a closed (or reused) file
   descriptor: ThreadSanitizer (this test's build) reports a write and a close
   that nothing orders. Here the app fails while the post waits undelivered. */
test("a post made just before the app fails is ordered before the host closes its wake-up (TSan)", async (t) => {
  const result = await runScript(`import Probe from "probe";
    Probe.later(0, () => trace("delivered\\n"));
    const until = Date.now() + 200; while (Date.now() < until) ;
    throw new Error("failing with a post queued");`, [BINDING], {
    variant: "tsan", timeoutMs: 60000,
    /* the fixture joins its thread when its message is delivered, which here it never is */
    env: { TSAN_OPTIONS: "halt_on_error=1:exitcode=88:report_thread_leaks=0" },
  });
  t.is(result.code, 1, result.stderr);
  t.regex(result.stderr, /^Uncaught exception: Error: failing with a post queued$/m);
  t.notRegex(result.stderr, /ThreadSanitizer/);
});
