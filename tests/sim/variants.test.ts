import test from "ava";
import { join } from "node:path";
import { ROOT, runScript } from "../../tools/sim/build.ts";

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

/* XS computes JavaScript's int32 arithmetic in C's int and relies on its wrap,
   which is defined JavaScript: the ASan+UBSan build must run it (the engine is
   built without UBSan's shift and signed-overflow checks) and still catch
   the same overflow in a module's own C. */
const OVERFLOW = join(ROOT, "tests/sim/fixtures/overflow/manifest.json");

test("the asan build runs JavaScript's wrapping int32 shifts and sums as a device does", async (t) => {
  const result = await runScript(`let a = 0x12345678, m = 0x7fffffff;
    let h = 0; for (let i = 0; i < 40; i++) h = ((h << 5) - h + i * 0x9e3779b1) | 0;
    trace(a << 13, " ", (m + 1) | 0, " ", (-m - 2) | 0, " ", m << 31, " ", Math.imul(m, 3), " ", h, "\\n");`, [], { variant: "asan" });
  t.is(result.code, 0, result.stderr);
  let h = 0;
  for (let i = 0; i < 40; i++) h = ((h << 5) - h + i * 0x9e3779b1) | 0;
  t.is(result.stdout, `${0x12345678 << 13} ${(0x7fffffff + 1) | 0} ${(-0x7fffffff - 2) | 0} ${0x7fffffff << 31} ${Math.imul(0x7fffffff, 3)} ${h}\n`);
});

test("the asan build still reports a shift or a signed overflow in a module's own C", async (t) => {
  const shift = await runScript(`import Overflow from "overflow"; trace(Overflow.shift(0x12345678, 13), "\\n");`, [OVERFLOW], { variant: "asan" });
  t.is(shift.code, 87, shift.stderr);
  t.regex(shift.stderr, /overflow\.c:\d+:\d+: runtime error: left shift of 305419896 by 13 places/);
  const add = await runScript(`import Overflow from "overflow"; trace(Overflow.add(0x7fffffff, 1), "\\n");`, [OVERFLOW], { variant: "asan" });
  t.is(add.code, 87, add.stderr);
  t.regex(add.stderr, /overflow\.c:\d+:\d+: runtime error: signed integer overflow/);
});
