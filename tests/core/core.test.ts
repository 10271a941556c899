/**
 * The C core's own tests (tests/c), run through make: the unit tests, and the
 * producer/consumer stress test under ThreadSanitizer and under
 * AddressSanitizer + UBSan, and the simulator's timed waits against a wall
 * clock that jumps (deadline.c). Each must exit 0 and report "N passed, 0 failed".
 */
import test from 'ava';
import { make } from './make.ts';

/** Every "N passed, N failed" line of a run, as [passed, failed] pairs. */
function tallies(output: string): Array<[number, number]> {
  return [...output.matchAll(/^(\d+) passed, (\d+) failed$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
}

for (const target of ['unit', 'stress-tsan', 'stress-asan', 'deadline']) {
  test.serial(`make ${target} passes every C test`, async (t) => {
    const run = await make('tests/c', target);
    t.is(run.code, 0, run.output);
    const found = tallies(run.output);
    t.true(found.length > 0, `no "N passed, N failed" line in:\n${run.output}`);
    for (const [passed, failed] of found) {
      t.true(passed > 0, run.output);
      t.is(failed, 0, run.output);
    }
  });
}
