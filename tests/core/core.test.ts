/**
 * The C core's own tests (tests/c), run through make: the unit tests, and the
 * producer/consumer stress test under ThreadSanitizer and under
 * AddressSanitizer + UBSan, and the simulator's timed waits against a wall
 * clock that jumps (deadline.c), and the air client's shared node state under
 * ThreadSanitizer (race_state.c). Each must exit 0 and report "N passed, 0 failed".
 */
import test from 'ava';
import { make } from './make.ts';

/** Every "N passed, N failed" line of a run, as [passed, failed] pairs. */
function tallies(output: string): Array<[number, number]> {
  return [...output.matchAll(/^(\d+) passed, (\d+) failed$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
}

for (const target of ['unit', 'stress-tsan', 'stress-asan', 'deadline', 'race-tsan']) {
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

/* The C fuzzers (tests/c/fuzz.h): bounded, seeded, each prints its counts. */
test.serial('make fuzz: every C fuzzer runs its corpus and its iterations with 0 crashes and 0 sanitizer reports', async (t) => {
  const run = await make('tests/c', 'fuzz');
  t.is(run.code, 0, run.output);
  const lines = [...run.output.matchAll(/^fuzz (\S+): (\d+) corpus inputs, (\d+) iterations, seed (\d+), (\d+) crashes$/gm)];
  t.log(lines.map((m) => m[0]).join('\n'));
  t.deepEqual(lines.map((m) => m[1]).sort(), ['datagram', 'ring']);
  for (const m of lines) {
    t.true(Number(m[2]) > 0, m[0]);
    t.true(Number(m[3]) >= 10000, m[0]);
    t.is(m[5], '0', m[0]);
  }
  t.notRegex(run.output, /runtime error|AddressSanitizer|LeakSanitizer/);
});
