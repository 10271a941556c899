/**
 * The ESP32 and ESP8266 glue, compiled with the host's gcc against the fake
 * SDKs in tests/glue (no chip, no SDK): make -C tests/glue esp32 builds it for
 * six ESP-IDF versions and chips (the ESP32-C2 for its lack of long range),
 * esp8266 for the NONOS SDK. Every build must report "<build>: N passed, 0 failed".
 */
import test from 'ava';
import { make } from '../core/make.ts';

/** Every "<build>: N passed, N failed" line, by build. */
function tallies(output: string): Map<string, [number, number]> {
  return new Map([...output.matchAll(/^([\w.-]+): (\d+) passed, (\d+) failed$/gm)].map((m) => [m[1], [Number(m[2]), Number(m[3])]]));
}

const targets: Record<string, string[]> = {
  esp32: ['esp32-idf5.3', 'esp32s3-idf5.4.1', 'esp32c3-idf5.5', 'esp32c6-idf5.4.1', 'esp32c6-idf6.0', 'esp32c2-idf5.5'],
  esp8266: ['esp8266'],
};

for (const [target, builds] of Object.entries(targets)) {
  test.serial(`the ${target} glue passes its tests against the fake SDK`, async (t) => {
    const run = await make('tests/glue', target);
    t.is(run.code, 0, run.output);
    const found = tallies(run.output);
    t.deepEqual([...found.keys()].sort(), [...builds].sort(), run.output);
    for (const [build, [passed, failed]] of found) {
      t.true(passed > 0, `${build}\n${run.output}`);
      t.is(failed, 0, `${build}\n${run.output}`);
    }
  });
}
