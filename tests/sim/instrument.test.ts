import test from "ava";
import { BINDING, lines, run } from "./helpers.ts";

test("a host call that allocates nothing reports 0 slots and 0 bytes", async (t) => {
  const result = await run(`import Probe from "probe"; import { measure } from "instrument";
    const m = measure(() => Probe.nothing());
    trace(m.slots, " ", m.bytes, " ", m.computrons > 0, "\\n");`, [BINDING]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["0 0 true"]);
});

test("allocating N objects in C reports N slots", async (t) => {
  const result = await run(`import Probe from "probe"; import { measure } from "instrument";
    for (const n of [1, 10, 1000]) {
      const m = measure(() => Probe.objects(n));
      trace(n, " ", m.slots, " ", m.bytes, "\\n");
    }`, [BINDING]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["1 1 0", "10 10 0", "1000 1000 0"]);
});

test("allocating N objects in JavaScript reports N slots, and chunks for buffers", async (t) => {
  const result = await run(`import { measure } from "instrument";
    const objects = measure(() => { let o; for (let i = 0; i < 100; i++) o = {}; });
    const buffer = measure(() => new ArrayBuffer(256));
    trace(objects.slots, " ", objects.bytes, "\\n", buffer.bytes >= 256, " ", buffer.bytes < 512, "\\n");`);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result), ["100 0", "true true"]);
});

test("measurements are deterministic: the same call gives the same figures", async (t) => {
  const source = `import { measure } from "instrument";
    const work = () => JSON.stringify({ a: [1, 2, 3], b: "text" });
    const first = measure(work), second = measure(work);
    trace(first.computrons === second.computrons, " ", first.slots === second.slots, " ", first.bytes === second.bytes, "\\n");
    trace(JSON.stringify({ computrons: first.computrons, slots: first.slots, bytes: first.bytes }), "\\n");`;
  const one = await run(source);
  const two = await run(source);
  t.is(one.code, 0, one.stderr);
  t.is(lines(one)[0], "true true true");
  t.is(lines(one)[1], lines(two)[1]);
});

test("peaks report the highest slot count and chunk bytes, and the slot size", async (t) => {
  const result = await run(`import { peaks } from "instrument";
    const before = peaks();
    let keep = []; for (let i = 0; i < 1000; i++) keep.push({ i });
    const after = peaks();
    trace(after.slots >= before.slots + 1000, " ", after.bytes > before.bytes, " ", after.slotSize, "\\n");`);
  t.is(result.code, 0, result.stderr);
  const [growth, bytes, slotSize] = lines(result)[0].split(" ");
  t.is(growth, "true");
  t.is(bytes, "true");
  t.true(["16", "32"].includes(slotSize));
});
