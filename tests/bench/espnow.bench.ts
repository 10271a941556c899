/*
 * What one receive costs, deterministically: XS computrons, slots and chunk
 * bytes allocated by irecv, recv and recvinto of a 250-byte message already in
 * the ring (fake radio, no air), on the 64-bit host and on the m32 build
 * (16-byte slots, as on ESP32); then callgrind's instruction counts for the C
 * ring's push and pop. Prints figures; asserts nothing.
 */

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, runScript, type Variant } from "../../tools/sim/build.ts";

const FAKE_RADIO = join(ROOT, "tests/fixtures/fakeradio/manifest.json");

const main = `
import ESPNow from "espnow";
import * as instrument from "instrument";
import { inject } from "fakeradio";
const e = new ESPNow();
e.active(true);
const mac = Uint8Array.of(2, 0, 0, 0, 0, 1), msg = new Uint8Array(250).fill(1);
const pair = [null, new Uint8Array(250)], four = [null, new Uint8Array(250), 0, 0];
function measure(name, fn) {
  inject(mac, msg, -40);
  fn(); /* first call: interns the mac, sizes buffers */
  inject(mac, msg, -40);
  const cost = instrument.measure(fn);
  trace(JSON.stringify({ name, computrons: cost.computrons, slots: cost.slots, bytes: cost.bytes }) + "\\n");
}
measure("empty arrow (baseline)", () => 0);
measure("irecv(0)", () => e.irecv(0));
measure("recvinto([mac, msg], 0)", () => e.recvinto(pair, 0));
measure("recvinto([mac, msg, rssi, time], 0)", () => e.recvinto(four, 0));
measure("recv(0)", () => e.recv(0));
measure("irecv(0), nothing waiting", () => (e.irecv(0), e.irecv(0)));
`;

interface Row { name: string; computrons: number; slots: number; bytes: number }

for (const variant of ["release", "m32"] as Variant[]) {
  const result = await runScript(main, [FAKE_RADIO], { variant, timeoutMs: 60000 });
  if (result.code !== 0) throw new Error(`${variant}: ${result.stderr}`);
  const rows = result.stdout.trim().split("\n").map((line) => JSON.parse(line) as Row);
  console.log(`\nESPNow receive, one 250-byte message, ${variant === "m32" ? "m32 build (16-byte slots, as on ESP32)" : "64-bit build (32-byte slots)"}:`);
  console.log("  call                                      computrons   slots   bytes");
  for (const row of rows) {
    console.log(`  ${row.name.padEnd(40)} ${String(row.computrons).padStart(10)} ${String(row.slots).padStart(7)} ${String(row.bytes).padStart(7)}`);
  }
}

console.log("\nC ring, callgrind instructions (tests/c bench):");
const bench = spawnSync("make", ["-s", "-C", join(ROOT, "tests/c"), "bench"], { encoding: "utf8" });
if (bench.status !== 0) throw new Error(bench.stderr);
for (const line of bench.stdout.trim().split("\n")) console.log(`  ${line}`);
