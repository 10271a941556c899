import test from "ava";
import { runScript } from "../../tools/sim/build.ts";

// Needs gcc-multilib (installed by .ci/run).
test("the m32 build has device-like 16-byte slots and halves chunk bytes of slot-sized data", async (t) => {
  const source = `import { measure, peaks } from "instrument";
    const m = measure(() => [{}, {}, {}]);
    trace(peaks().slotSize, " ", m.slots, " ", m.bytes, "\\n");`;
  const m32 = await runScript(source, [], { variant: "m32" });
  const native = await runScript(source, [], { variant: "release" });
  t.is(m32.code, 0, m32.stderr);
  t.is(native.code, 0, native.stderr);
  const [slotSize32, slots32, bytes32] = m32.stdout.trim().split(" ").map(Number);
  const [slotSize64, slots64, bytes64] = native.stdout.trim().split(" ").map(Number);
  t.is(slotSize32, 16);
  t.is(slotSize64, 32);
  t.is(slots32, slots64);
  t.is(bytes32 * 2, bytes64);
});
