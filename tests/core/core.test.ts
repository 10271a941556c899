/**
 * The C core's own tests (tests/c), run through make: the unit tests, and the
 * producer/consumer stress test under ThreadSanitizer and under
 * AddressSanitizer + UBSan. Each must exit 0 and report "N passed, 0 failed".
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Run {
  code: number;
  output: string;
}

function make(target: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile('make', ['-C', 'tests/c', target], { cwd: root, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** Every "N passed, N failed" line of a run, as [passed, failed] pairs. */
function tallies(output: string): Array<[number, number]> {
  return [...output.matchAll(/^(\d+) passed, (\d+) failed$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
}

for (const target of ['unit', 'stress-tsan', 'stress-asan']) {
  test.serial(`make ${target} passes every C test`, async (t) => {
    const run = await make(target);
    t.is(run.code, 0, run.output);
    const found = tallies(run.output);
    t.true(found.length > 0, `no "N passed, N failed" line in:\n${run.output}`);
    for (const [passed, failed] of found) {
      t.true(passed > 0, run.output);
      t.is(failed, 0, run.output);
    }
  });
}
