/*
 * MicroPython's multi-device ESP-NOW tests (tests/multi_espnow in its
 * repository), ported to TypeScript in tests/fixtures/multi_espnow and run as
 * MicroPython runs them: each instance a node on one air, output compared
 * with the .exp file (the same as MicroPython's where the test prints the same).
 */

import test from "ava";
import { runMultitests, type MultitestOptions } from "../../tools/sim/multitest.ts";
import { prebuild } from "./helpers.ts";

test.before(prebuild);

const TESTS = "tests/fixtures/multi_espnow";

async function multitest(name: string, options: Partial<MultitestOptions> = {}): Promise<{ passed: boolean; skipped: boolean; report: string }> {
  let report = "";
  const summary = await runMultitests([`${TESTS}/${name}`], { timeoutMs: 30000, out: (text) => (report += text), ...options });
  return { passed: summary.passed.length === 1, skipped: summary.skipped.length === 1, report };
}

test("20_send_echo: every length from 1 to 250 echoes, sync and not; 0 bytes and MAX_DATA_LEN + 1 raise ESP_ERR_ESPNOW_ARG (ESP-NOW v2)", async (t) => {
  const { passed, report } = await multitest("20_send_echo.ts");
  t.true(passed, report);
});

test("20_send_echo on ESP8266 (ESP-NOW v1): the same output", async (t) => {
  const { passed, report } = await multitest("20_send_echo.ts", { profile: "esp8266" });
  t.true(passed, report);
});

test("45_recv_espnow_v2: 768, 1024 and 1470-byte messages through recvinto, irecv, recv and the iterator", async (t) => {
  const { passed, report } = await multitest("45_recv_espnow_v2.ts");
  t.true(passed, report);
});

test("45_recv_espnow_v2 is skipped where the radio speaks ESP-NOW v1 (ESP8266)", async (t) => {
  const { skipped, report } = await multitest("45_recv_espnow_v2.ts", { profile: "esp8266" });
  t.true(skipped, report);
});

test("75_rate: three messages at each of 1, 5.5, 11, 24, 54 Mbit/s and the long-range 250 and 500 kbit/s, both radios with PROTOCOL_LR | PROTOCOL_DEFAULT, all received", async (t) => {
  const { passed, report } = await multitest("75_rate.ts");
  t.true(passed, report);
});

test("75_rate is skipped on the ESP8266 (one rate, no long range)", async (t) => {
  const { skipped, report } = await multitest("75_rate.ts", { profile: "esp8266" });
  t.true(skipped, report);
});
