/*
 * Long range and transmit power (WLAN.config protocol and txpower, ESPNow's
 * RATE_* constants): what a device does, in the simulator. An LR frame takes
 * the air time of 250 or 500 kbit/s and reaches only radios whose protocol
 * has WLAN.PROTOCOL_LR; a radio that sends more quietly is heard with a
 * lower RSSI.
 */

import test from "ava";
import type { AirEvent } from "../../tools/air/air.ts";
import { frameTime, mpduTime, PHY_RATES, ppduUs } from "../../tools/air/airtime.ts";
import { decode, encode, ProtocolError, rateFromCode, type StateMsg } from "../../tools/air/protocol.ts";
import { macOf, node, prebuild, runNodes } from "../espnow/helpers.ts";
import { connect, drops, startAir } from "../air/helpers.ts";

test.before(prebuild);

type Frame = Extract<AirEvent, { ev: "frame" }>;
type Drop = Extract<AirEvent, { ev: "drop" }>;

test("the RATE_ constants are MicroPython's wifi_phy_rate_t values", async (t) => {
  const [result] = await runNodes([{ env: { ESPNOW_AIR: "" }, source: `
import * as espnow from "espnow";
import * as aioespnow from "aioespnow";
const names = ["RATE_LORA_250K", "RATE_LORA_500K", "RATE_1M", "RATE_2M", "RATE_5M", "RATE_6M", "RATE_11M", "RATE_12M", "RATE_24M", "RATE_54M"];
trace(names.map((name) => name + "=" + espnow[name] + (aioespnow[name] === espnow[name] ? "" : " (not in aioespnow)")).join(" ") + "\\n");` }]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.lines, ["RATE_LORA_250K=41 RATE_LORA_500K=42 RATE_1M=0 RATE_2M=1 RATE_5M=2 RATE_6M=11 RATE_11M=3 RATE_12M=10 RATE_24M=9 RATE_54M=12"]);
});

test("WLAN protocol and txpower: read and set on an ESP32, clear errors for bad values and on the ESP8266", async (t) => {
  const program = `
import ESPNow from "espnow";
import WLAN, * as wlan from "wlan";
function attempt(what, f) { try { const r = f(); trace(what + " ok" + (r === undefined ? "" : " " + r) + "\\n"); } catch (error) { trace(what + " " + error.name + ": " + error.message + "\\n"); } }
const sta = new WLAN(WLAN.IF_STA);
attempt("off", () => sta.config("protocol"));
sta.active(true);
attempt("constants", () => [WLAN.PROTOCOL_DEFAULT, WLAN.PROTOCOL_LR, wlan.PROTOCOL_LR, wlan.MODE_11B, wlan.MODE_11G, wlan.MODE_11N, WLAN.MODE_11N].join(","));
attempt("protocol", () => sta.config("protocol"));
attempt("set LR", () => sta.config({ protocol: WLAN.PROTOCOL_LR | WLAN.PROTOCOL_DEFAULT }));
attempt("protocol", () => sta.config("protocol"));
attempt("set 11b only", () => sta.config({ protocol: wlan.MODE_11B }));
attempt("protocol", () => sta.config("protocol"));
attempt("set 0", () => sta.config({ protocol: 0 }));
attempt("set 0x20", () => sta.config({ protocol: 0x20 }));
attempt("set 11ax", () => sta.config({ protocol: 0x47 }));
attempt("ap off", () => new WLAN(WLAN.IF_AP).config({ protocol: 7 }));
attempt("txpower", () => sta.config("txpower"));
attempt("set 8.6", () => sta.config({ txpower: 8.6 }));
attempt("txpower", () => sta.config("txpower"));
attempt("set 1", () => sta.config({ txpower: 1 }));
attempt("set 22", () => sta.config({ txpower: 22 }));
attempt("set text", () => sta.config({ txpower: "high" }));
attempt("txpower", () => sta.config("txpower"));
const e = new ESPNow();
e.active(true);
attempt("rate LR", () => e.config({ rate: 41 }));
attempt("rate", () => e.config("rate"));
attempt("rate MCS7 SGI", () => e.config({ rate: 0x1f }));
attempt("rate 4", () => e.config({ rate: 4 }));
e.active(false);
sta.active(false);
attempt("txpower off", () => sta.config("txpower"));
`;
  const [esp32, esp8266] = await runNodes([
    { source: program },
    { env: { ESPNOW_NODE_CHIP: "esp8266", ESPNOW_NODE_VERSION: "1" }, source: program },
  ]);
  t.is(esp32.code, 0, esp32.stderr);
  t.is(esp8266.code, 0, esp8266.stderr);
  t.deepEqual(esp32.lines, [
    "off Error: protocol: ESP_ERR_WIFI_IF: invalid interface (12292)",
    "constants ok 7,8,8,1,2,4,4",
    "protocol ok 7",
    "set LR ok",
    "protocol ok 15",
    "set 11b only ok",
    "protocol ok 1",
    "set 0 RangeError: WLAN.config: protocol must be a combination of MODE_11B (1), MODE_11G (2), MODE_11N (4), PROTOCOL_LR (8) and 11ax (0x40), got 0",
    "set 0x20 RangeError: WLAN.config: protocol must be a combination of MODE_11B (1), MODE_11G (2), MODE_11N (4), PROTOCOL_LR (8) and 11ax (0x40), got 32",
    "set 11ax Error: WLAN.config: protocol: 11ax (0x40) is not on this chip (only ESP32-C5 and C6 have it): setProtocol: ESP_ERR_NOT_SUPPORTED: not on this chip (262)",
    "ap off Error: setProtocol: ESP_ERR_WIFI_IF: invalid interface (12292)",
    "txpower ok 20",
    "set 8.6 ok",
    "txpower ok 8.5",
    "set 1 RangeError: WLAN.config: txpower must be 2..21 dBm, got 1",
    "set 22 RangeError: WLAN.config: txpower must be 2..21 dBm, got 22",
    "set text RangeError: WLAN.config: txpower must be 2..21 dBm, got high",
    "txpower ok 8.5",
    "rate LR ok",
    "rate ok 41",
    "rate MCS7 SGI ok",
    "rate 4 RangeError: config: rate must be a wifi_phy_rate_t value (0-3, 5-31, 41, 42), got 4",
    "txpower off Error: txpower: ESP_ERR_WIFI_NOT_STARTED: no interface is active (12290)",
  ]);
  const noChoice = "Error: WLAN.config: protocol: the ESP8266 has no choice of 802.11 protocols";
  t.deepEqual(esp8266.lines, [
    `off ${noChoice}: protocol: ESP_ERR_NOT_SUPPORTED: not on this chip (262)`,
    "constants ok 0,8,8,1,2,4,4",
    `protocol ${noChoice}: protocol: ESP_ERR_NOT_SUPPORTED: not on this chip (262)`,
    `set LR ${noChoice}: setProtocol: ESP_ERR_NOT_SUPPORTED: not on this chip (262)`,
    `protocol ${noChoice}: protocol: ESP_ERR_NOT_SUPPORTED: not on this chip (262)`,
    `set 11b only ${noChoice}: setProtocol: ESP_ERR_NOT_SUPPORTED: not on this chip (262)`,
    `protocol ${noChoice}: protocol: ESP_ERR_NOT_SUPPORTED: not on this chip (262)`,
    "set 0 RangeError: WLAN.config: protocol must be a combination of MODE_11B (1), MODE_11G (2), MODE_11N (4), PROTOCOL_LR (8) and 11ax (0x40), got 0",
    "set 0x20 RangeError: WLAN.config: protocol must be a combination of MODE_11B (1), MODE_11G (2), MODE_11N (4), PROTOCOL_LR (8) and 11ax (0x40), got 32",
    `set 11ax ${noChoice}: setProtocol: ESP_ERR_NOT_SUPPORTED: not on this chip (262)`,
    `ap off ${noChoice}: setProtocol: ESP_ERR_NOT_SUPPORTED: not on this chip (262)`,
    "txpower ok 20",
    "set 8.6 ok",
    "txpower ok 8.5",
    "set 1 RangeError: WLAN.config: txpower must be 2..21 dBm, got 1",
    "set 22 RangeError: WLAN.config: txpower must be 2..21 dBm, got 22",
    "set text RangeError: WLAN.config: txpower must be 2..21 dBm, got high",
    "txpower ok 8.5",
    "rate LR ESPNowError: config: rate 41: ESP_ERR_NOT_SUPPORTED",
    "rate ok 0",
    "rate MCS7 SGI ESPNowError: config: rate 31: ESP_ERR_NOT_SUPPORTED",
    "rate 4 RangeError: config: rate must be a wifi_phy_rate_t value (0-3, 5-31, 41, 42), got 4",
    "txpower off Error: txpower: ESP_ERR_WIFI_NOT_STARTED: no interface is active (12290)",
  ]);
});

test("an LR frame takes the air time of 250 kbit/s and reaches only the radios with PROTOCOL_LR; an 802.11b radio hears no OFDM frame, an LR-only radio nothing but LR", async (t) => {
  const events: AirEvent[] = [];
  const listen = (protocol: string) => node([0], `sta.config({ protocol: ${protocol} }); say("ready");
    for (;;) { const [, msg] = e.recv(1500); if (!msg) break; say(text(msg)); }`);
  const results = await runNodes([
    { source: node([1, 2, 3], `
      sta.config({ protocol: WLAN.PROTOCOL_LR | WLAN.PROTOCOL_DEFAULT });
      reach(peer0); reach(peer1); e.config({ rate: espnow.RATE_LORA_500K }); reach(peer2);
      e.config({ rate: espnow.RATE_LORA_250K });
      say("lr", e.send(peer0, "long range"), e.send(peer1, "long range"), e.send(peer2, "long range"));
      e.config({ rate: espnow.RATE_54M });
      say("54M", e.send(peer0, "ofdm"), e.send(peer1, "ofdm"), e.send(peer2, "ofdm"));
      e.config({ rate: espnow.RATE_1M });
      say("1M", e.send(peer0, "dsss"), e.send(peer1, "dsss"), e.send(peer2, "dsss"));`) },
    { source: listen("WLAN.PROTOCOL_LR | WLAN.PROTOCOL_DEFAULT") },
    { source: listen("WLAN.MODE_11B") },
    { source: listen("WLAN.PROTOCOL_LR") },
  ], { during: async (air) => void air.on("event", (event: AirEvent) => events.push(event)) });
  results.forEach((r, i) => t.is(r.code, 0, `node${i}: ${r.stdout}\n${r.stderr}`));
  t.deepEqual(results[0].lines, ["lr true false true", "54M true false false", "1M true true false"]);
  t.deepEqual(results[1].lines.filter((line) => line !== "hi"), ["ready", "long range", "ofdm", "dsss"]);
  t.deepEqual(results[2].lines.filter((line) => line !== "hi"), ["ready", "dsss"]);
  t.deepEqual(results[3].lines.filter((line) => line !== "hi"), ["ready", "long range"], "a radio in LR only hears nothing else");
  const frames = events.filter((e): e is Frame => e.ev === "frame" && e.length === 10 && e.attempt === 1);
  const lr = frames.find((f) => f.dst === macOf(1))!;
  t.is(lr.rate, 0.25);
  t.true(Math.abs(lr.endUs - lr.startUs - frameTime({ payloadLength: 10, rate: 0.25, unicast: true }).totalUs) <= 1, `${lr.endUs - lr.startUs} us`);
  const drops = events.filter((e): e is Drop => e.ev === "drop" && e.reason === "protocol-mismatch");
  t.true(drops.some((d) => d.node === "node2"), "the 11b radio is told apart in the log");
});

test("the air time model: LR at 250 and 500 kbit/s with the long preamble and its own ACK; HT MCS rates with the HT-mixed preamble", (t) => {
  /* 10-byte payload: the MPDU is the same at every rate, only the PHY differs */
  const at = (rate: number) => frameTime({ payloadLength: 10, rate, unicast: true });
  t.true(at(0.25).dataUs > 3.5 * (at(1).dataUs - 192) + 192, "250 kbit/s is four times slower than 1 Mbit/s once past the preamble");
  t.is(at(0.5).dataUs - 192, Math.ceil(((at(1).dataUs - 192) * 1) / 0.5));
  t.is(at(0.25).ackUs, 10 + ppduUs(14, 0.25), "an LR frame is acknowledged at its own rate");
  t.is(ppduUs(100, 6.5), 36 + 4 * Math.ceil((16 + 800 + 6) / 26) + 6, "MCS0: 26 bits a 4 us symbol after a 36 us preamble");
  t.is(ppduUs(100, 7.2), 36 + Math.ceil(3.6 * Math.ceil((16 + 800 + 6) / 26)) + 6, "MCS0 with the short guard interval: the same symbols, 3.6 us each");
  t.true(mpduTime(100, 72.2, true).totalUs < mpduTime(100, 65, true).totalUs);
});

test("STATE carries protocol and txpower in two optional octets, and the HT and LR rates as 0x8000 | wifi_phy_rate_t", (t) => {
  const state: StateMsg = { type: "state", req: 7, staOn: true, apOn: false, espnow: true, channel: 6, rate: 0.25, version: 2, protocol: 15, txPower: 34 };
  const bytes = encode(state);
  t.is(bytes.length, 15);
  t.is(bytes.readUInt16LE(10), 0x8029);
  t.deepEqual(decode(bytes), state);
  /* a node built before long range sends 13 bytes: both stay at their defaults */
  const old = decode(encode({ ...state, protocol: undefined, txPower: undefined, rate: 54 }));
  t.false("protocol" in old || "txPower" in old);
  t.is(encode({ ...state, protocol: undefined, txPower: undefined }).length, 13);
  for (const rate of PHY_RATES) t.is((decode(encode({ ...state, rate })) as StateMsg).rate, rate, `rate ${rate}`);
  t.is(rateFromCode(0x801f), 72.2);
  t.is(rateFromCode(0x8010), 6.5);
  t.throws(() => rateFromCode(0x8020), { instanceOf: ProtocolError, message: /names no rate/ }, "an extended code that names no rate");
});

test("the air refuses a STATE with unknown protocol bits or a txpower outside 8..84, and changes nothing", async (t) => {
  const { port, events } = await startAir(t);
  const a = await connect(t, port, { name: "a" });
  const b = await connect(t, port, { name: "b" });
  await t.throwsAsync(b.setState({ protocol: 0x20 }), { message: /protocol must be WIFI_PROTOCOL_ bits/ });
  await t.throwsAsync(b.setState({ txPower: 100 }), { message: /txpower must be 8\.\.84/ });
  await b.setState({ protocol: 1 }); // 802.11b only
  t.like(await a.send(b.sta, "dsss"), { ok: true });
  await a.setState({ rate: 54 });
  t.like(await a.send(b.sta, "ofdm"), { ok: false, reason: "no-receiver-on-channel" });
  /* once for each of the 7 attempts (the default 6 retries) */
  t.deepEqual(drops(events), Array(7).fill("b:protocol-mismatch"));
});

test("config({txpower}) lowers the RSSI the receiver measures by the same number of dB", async (t) => {
  const results = await runNodes([
    { source: node([1], `reach(peer0); e.send(peer0, "loud"); sta.config({ txpower: 8 }); e.send(peer0, "quiet");`) },
    { source: node([0], `const data = [null, new Uint8Array(250), 0, 0];
      for (;;) { const n = e.recvinto(data, 1500); if (!n) break; const m = text(data[1].subarray(0, n)); if (m !== "hi") say(m, data[2]); }`) },
  ]);
  results.forEach((r, i) => t.is(r.code, 0, `node${i}: ${r.stdout}\n${r.stderr}`));
  const rssi = new Map(results[1].lines.map((line) => line.split(" ") as [string, string]));
  t.is(Number(rssi.get("loud")) - Number(rssi.get("quiet")), 12, results[1].lines.join("\n"));
});
