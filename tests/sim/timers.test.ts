import test from "ava";
import { lines, run } from "./helpers.ts";

test("timers fire in order of their due time, and in order of creation when due together", async (t) => {
  const result = await run(`import Timer from "timer";
    Timer.set(() => trace("30\\n"), 30);
    Timer.set(() => trace("10a\\n"), 10);
    Timer.set(() => trace("0\\n"));
    Timer.set(() => trace("10b\\n"), 10);
    Timer.set(() => trace("20\\n"), 20);`);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["0", "10a", "10b", "20", "30"]);
});

test("a timer cleared inside another timer's callback never fires", async (t) => {
  const result = await run(`import Timer from "timer";
    let victim;
    Timer.set(() => { trace("first\\n"); Timer.clear(victim); }, 5);
    victim = Timer.set(() => trace("victim\\n"), 5);
    Timer.set(() => trace("last\\n"), 20);`);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["first", "last"]);
});

test("a repeating timer fires until its callback clears it, and gets itself as argument", async (t) => {
  const result = await run(`import Timer from "timer";
    let count = 0;
    const id = Timer.repeat((timer) => {
      count++;
      trace(count, " ", timer === id, "\\n");
      if (count === 3) Timer.clear(timer);
    }, 5);`);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["1 true", "2 true", "3 true"]);
});

test("Timer.set with a repeat interval fires first after the delay, then at the interval", async (t) => {
  const result = await run(`import Timer from "timer";
    const start = Date.now();
    const times = [];
    Timer.set((timer) => {
      times.push(Date.now() - start);
      if (times.length === 3) {
        Timer.clear(timer);
        trace(times[0] >= 30, " ", times[1] - times[0] >= 9, " ", times[2] - times[1] >= 9, "\\n");
      }
    }, 30, 10);`);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["true true true"]);
});

test("Timer.schedule reschedules a timer, even one that already fired", async (t) => {
  const result = await run(`import Timer from "timer";
    let fired = 0;
    const timer = Timer.set(() => {
      fired++;
      trace("fired ", fired, "\\n");
      if (fired === 1) Timer.schedule(timer, 5);
    }, 5);`);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["fired 1", "fired 2"]);
});

test("Timer.delay blocks the thread, and no timer runs meanwhile", async (t) => {
  const result = await run(`import Timer from "timer";
    Timer.set(() => trace("timer\\n"), 0);
    const start = Date.now();
    Timer.delay(40);
    trace(Date.now() - start >= 39, "\\n");`);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["true", "timer"]);
});

test("promise jobs run before the next timer", async (t) => {
  const result = await run(`import Timer from "timer";
    Timer.set(() => trace("timer\\n"), 0);
    Promise.resolve().then(() => trace("job 1\\n")).then(() => trace("job 2\\n"));
    trace("main\\n");`);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["main", "job 1", "job 2", "timer"]);
});

test("Timer functions reject bad arguments with clear errors", async (t) => {
  const result = await run(`import Timer from "timer";
    for (const call of [() => Timer.set(42), () => Timer.set(() => {}, -1), () => Timer.clear({}), () => new Timer()]) {
      try { call(); trace("no error\\n"); } catch (e) { trace(e.name, ": ", e.message, "\\n"); }
    }`);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), [
    "TypeError: Timer.set: callback must be a function",
    "RangeError: Timer.set: milliseconds must be 0 or more",
    "TypeError: Timer.clear: expected a timer from Timer.set or Timer.repeat",
    "TypeError: Timer: use Timer.set or Timer.repeat",
  ]);
});
