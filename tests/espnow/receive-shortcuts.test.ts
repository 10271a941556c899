/*
 * The native receive writes peers_table entries, irecv()'s pair and
 * recvinto()'s data directly, without XS's [[Set]], only where that runs no
 * JS (an Array's own writable data element): an entry or pair with an
 * accessor, a hole under a prototype's setter, a frozen array or a sparse one
 * still get what XS's own path gives them. Messages come from the fake radio.
 */

import test from "ava";
import { join } from "node:path";
import { ROOT, runScript } from "../../tools/sim/build.ts";

const FAKE_RADIO = join(ROOT, "tests/fixtures/fakeradio/manifest.json");

const script = `
import ESPNow from "espnow";
import { inject } from "fakeradio";
const e = new ESPNow();
e.active(true);
const a = Uint8Array.of(2, 0, 0, 0, 0, 1), msg = Uint8Array.of(7);
const say = (...parts) => trace(parts.join(" ") + "\\n");
const t = e.peers_table;
const read = (rssi) => {
  inject(a, msg, rssi);
  try {
    return e.irecv(0);
  } catch (error) {
    say("threw", error.constructor.name);
  }
};
const [mac] = read(-40);

const log = [];
const accessor = [0, 0];
Object.defineProperty(accessor, 0, { get() { return 1; }, set(value) { log.push(value); }, enumerable: true });
t.set(mac, accessor);
read(-41);
say("accessor", log.join(","), accessor[0], typeof accessor[1]);

class Odd extends Array {}
Object.defineProperty(Odd.prototype, 0, { set(value) { log.push("odd " + value); } });
const odd = new Odd();
t.set(mac, odd);
read(-42);
say("prototype setter", log.join(","), Object.hasOwn(odd, 0), typeof odd[1]);

const sparse = [];
sparse[3] = 9;
t.set(mac, sparse);
read(-43);
say("sparse", sparse[0], typeof sparse[1], sparse[3], sparse.length);

const frozen = Object.freeze([0, 0]);
t.set(mac, frozen);
read(-44);
say("frozen", frozen[0], frozen[1]);

t.set(mac, [0, 0]);
const pair = read(-45);
Object.defineProperty(pair, 1, { get() { return null; }, set(value) { log.push("msg " + value.length); }, configurable: true });
read(-46);
say("pair accessor", log.join(","), pair[0] === mac, t.get(mac)[0]);
`;

test("the native receive keeps XS's [[Set]] for entries and pairs with accessors, prototype setters, holes or frozen elements", async (t) => {
  const result = await runScript(script, [FAKE_RADIO], { timeoutMs: 60000 });
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.stdout.trim().split("\n"), [
    "accessor -41 1 number",
    "prototype setter -41,odd -42 false number",
    "sparse -43 number 9 4",
    /* XS's [[Set]] from C throws on a frozen element, as before the shortcuts */
    "threw TypeError",
    "frozen 0 0",
    "pair accessor -41,odd -42,msg 1 true -46",
  ]);
});
