import test from "ava";
import { BINDING, lines, run } from "./helpers.ts";

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
    for (let i = 0; i < 20; i++)
      Probe.later(i % 5, (message) => seen.set(i, message));
    Promise.resolve().then(() => trace("before any post\\n"));
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
