/*
 * ESPNow on the simulated air, two or three nodes a test, modelled on
 * MicroPython's multi-instance espnow tests. Node i has index i and the
 * default MACs (02:45:4e:53:00:0i for STA).
 */

import test from "ava";
import { macOf, node, prebuild, runNodes, succeeded } from "./helpers.ts";

test.before(prebuild);

test("data goes both ways between two nodes", async (t) => {
  const results = await runNodes([
    { source: node([1], `expect("go"); e.send(peer0, "ping"); say(text(e.recv(5000)[1]));`) },
    { source: node([0], `reach(peer0); e.send(peer0, "go"); const [mac, msg] = e.recv(5000); say(hex(mac), text(msg)); e.send(mac, "pong");`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, ["pong"]);
  t.deepEqual(results[1].lines, [`${macOf(0)} ping`]);
});

test("every length 1..250 echoes back intact on ESP-NOW v1; 0 and 251 bytes are refused", async (t) => {
  const v1 = { ESPNOW_NODE_VERSION: "1" };
  const results = await runNodes([
    { env: v1, source: node([1], `expect("go"); for (let n = 1; n <= 250; n++) { const [mac, msg] = e.recv(5000); e.send(mac, msg); } say("echoed");`) },
    { env: v1, source: node([0], `
      say("MAX_DATA_LEN", espnow.MAX_DATA_LEN);
      reach(peer0); const base = e.stats(); /* reach() may have sent before node 0 was up */
      e.send(peer0, "go");
      let bad = 0;
      for (let n = 1; n <= 250; n++) {
        const out = new Uint8Array(n).map((_, i) => (i * 7 + n) & 255);
        if (!e.send(peer0, out)) bad++;
        const [, back] = e.recv(5000);
        if (!back || back.length !== n || back.some((b, i) => b !== out[i])) bad++;
      }
      say("bad", bad);
      for (const n of [0, 251]) { try { e.send(peer0, new Uint8Array(n)); } catch (error) { say(error.name, error.message); } }
      say("stats", e.stats().slice(0, 3).map((n, i) => n - base[i]));`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[1].lines, [
    "MAX_DATA_LEN 250",
    "bad 0",
    "ESPNowError send: msg must be 1..250 bytes, got 0: ESP_ERR_ESPNOW_ARG",
    "ESPNowError send: msg must be 1..250 bytes, got 251: ESP_ERR_ESPNOW_ARG",
    "stats 251,251,0",
  ]);
});

test("an encrypted echo works after del_peer and add_peer with an lmk", async (t) => {
  const keys = `const pmk = "0123456789abcdef"; const lmk = Uint8Array.from({length: 16}, (_, i) => i + 100);`;
  const results = await runNodes([
    { source: node([1], `${keys} e.set_pmk(pmk); e.del_peer(peer0); e.add_peer(peer0, lmk); e.send(expect("go"), "ready");
      let mac, msg; do [mac, msg] = e.recv(5000); while (text(msg) === "go");
      say("got", text(msg), JSON.stringify(e.get_peer(mac).slice(2))); e.send(mac, msg);` ) },
    /* reach() shows node 0 is up, not that its LMK is in: the MAC-level ACK precedes decryption. So "go" (encrypted) until node 0 has decrypted one. */
    { source: node([0], `${keys} e.set_pmk(pmk); e.del_peer(peer0); e.add_peer(peer0, {lmk});
      say("peer_count", e.peer_count()); reach(peer0);
      let ready = false; for (let i = 0; i < 50 && !ready; i++) { e.send(peer0, "go"); ready = text(e.recv(200)[1]) === "ready"; }
      if (!ready) throw new Error("node 0 never decrypted go");
      e.send(peer0, "secret"); say("back", text(e.recv(5000)[1]));`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, ["got secret [0,0,true]"]);
  t.deepEqual(results[1].lines, ["peer_count 1,1", "back secret"]);
});

test("a message encrypted with another lmk is not delivered", async (t) => {
  const results = await runNodes([
    { source: node([1], `e.del_peer(peer0); e.add_peer(peer0, "AAAAAAAAAAAAAAAA"); expect("go"); const [, msg] = e.recv(1000); say("got", text(msg));`) },
    { source: node([0], `reach(peer0); e.send(peer0, "go"); e.mod_peer(peer0, "BBBBBBBBBBBBBBBB"); e.send(peer0, "secret");`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, ["got null"]);
});

test("recvinto fills [mac, msg] and [mac, msg, rssi, time]; irecv reuses its array and buffers; recv returns new ones", async (t) => {
  const results = await runNodes([
    { source: node([1], `expect("go");
      const two = [null, new Uint8Array(250)];
      say("recvinto", e.recvinto(two, 5000), hex(two[0]), text(two[1].subarray(0, 3)), two.length);
      const four = [null, new Uint8Array(250), 0, 0];
      const n = e.recvinto(four, 5000);
      say("recvinto4", n, text(four[1].subarray(0, n)), four[2] <= 0 && four[2] >= -127, four[3] > 0, four[0] === two[0]);
      const small = [null, new Uint8Array(2)];
      try { e.recvinto(small, 5000); } catch (error) { say(error.name, error.message); }
      const a = e.irecv(5000); const firstArray = a, firstMsg = a[1]; say("irecv", text(a[1]));
      const b = e.irecv(5000); say("irecv", text(b[1]), b === firstArray, b[1] === firstMsg, b[1].length);
      const c = e.recv(5000), d = e.recv(5000);
      say("recv", text(c[1]), text(d[1]), c !== d, c[1] !== d[1], c[0] === d[0], c[0] === two[0]); e.recv(500);
      say("timeout", JSON.stringify(e.recv(0)), JSON.stringify(e.irecv(0)), e.recvinto(two, 0));`) },
    { source: node([0], `reach(peer0); e.send(peer0, "go"); for (const m of ["abc", "four", "big message", "first", "second", "third", "fourth"]) e.send(peer0, m);`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, [
    `recvinto 3 ${macOf(1)} abc 2`,
    "recvinto4 4 four true true true",
    "RangeError recvinto: msg holds 2 bytes, the message has 11",
    "irecv big message",
    "irecv first true true 5",
    "recv second third true true true true",
    "timeout [null,null] [null,null] 0",
  ]);
});

test("iterating yields [mac, msg] and [null, null] when the default timeout passes", async (t) => {
  const results = await runNodes([
    { source: node([1], `expect("go"); e.config({timeout_ms: 300}); let n = 0;
      for (const [mac, msg] of e) { if (!mac) { say("timeout after", n); break; } say(text(msg)); n++; }`) },
    { source: node([0], `reach(peer0); e.send(peer0, "go"); e.send(peer0, "one"); e.send(peer0, "two");`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, ["one", "two", "timeout after 2"]);
});

test("recv waits for its timeout, the configured default, or forever", async (t) => {
  const results = await runNodes([
    { source: node([1], `expect("go");
      let start = Date.now(); e.recv(300); const waited = Date.now() - start;
      say("300", waited >= 290 && waited < 1500);
      e.config({timeout_ms: 200}); start = Date.now(); e.recv(); const configured = Date.now() - start;
      say("config", e.config("timeout_ms"), configured >= 190 && configured < 1500);
      e.send(peer0, "wait"); say("forever", text(e.recv(-1)[1]));`) },
    { source: node([0], `reach(peer0); e.send(peer0, "go"); expect("wait", 10000); Timer.delay(700); e.send(peer0, "late");`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, ["300 true", "config 200 true", "forever late"]);
});

test("peers_table holds rssi and time of the last message read, keyed by the mac recv returns", async (t) => {
  const results = await runNodes([
    { source: node([1], `say("empty", e.peers_table.size); expect("go");
      const [mac] = e.recv(5000); const entry = e.peers_table.get(mac);
      say("entry", entry.length, entry[0] >= -127 && entry[0] <= 0, entry[1] > 0 && entry[1] <= Date.now());
      say("key", [...e.peers_table.keys()].includes(mac), e.peers_table.get(peer0) === entry);
      const before = entry[1]; Timer.delay(50); e.recv(5000); say("updated", e.peers_table.get(mac)[1] > before, e.peers_table.size);`) },
    { source: node([0], `reach(peer0); e.send(peer0, "go"); e.send(peer0, "one"); Timer.delay(100); e.send(peer0, "two");`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, ["empty 0", "entry 2 true true", "key true true", "updated true 1"]);
});

test("RSSI falls with distance", async (t) => {
  const results = await runNodes([
    { env: { ESPNOW_NODE_X: "0" }, source: node([1, 2], `const rssi = {}; let n = 0;
      while (n < 2) { const [mac, msg] = e.recv(5000); if (!msg) break; if (text(msg) === "me") { rssi[hex(mac)] = e.peers_table.get(mac)[0]; n++; } }
      say(rssi["${macOf(1)}"] > rssi["${macOf(2)}"]);`) },
    { env: { ESPNOW_NODE_X: "2" }, source: node([0], `reach(peer0); e.send(peer0, "me");`) },
    { env: { ESPNOW_NODE_X: "40" }, source: node([0], `reach(peer0); e.send(peer0, "me");`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, ["true"]);
});

test("an irq callback runs on arrival and drains with irecv(0)", async (t) => {
  const results = await runNodes([
    { source: node([1], `let calls = 0, got = 0;
      e.irq((self) => { calls++; say("self", self === e); for (;;) { const [mac, msg] = self.irecv(0); if (!mac) return; if (text(msg).startsWith("m")) got++; } });
      e.irq(null); e.irq((self) => { calls++; for (;;) { const [mac, msg] = self.irecv(0); if (!mac) return; if (text(msg).startsWith("m")) got++; } });
      reach(peer0); e.send(peer0, "ready");
      Timer.set(() => { say("got", got, calls > 0, e.any()); e.active(false); }, 1500);`, { open: true }) },
    { source: node([0], `expect("ready"); for (let i = 0; i < 20; i++) e.send(peer0, "m" + i);`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, ["got 20 true false"]);
});

test("a peer on another channel does not get the frame and the send fails", async (t) => {
  const results = await runNodes([
    { source: node([1], `reach(peer0); e.send(peer0, "ready"); const [, msg] = e.recv(3000); say("got", text(msg));`) },
    { source: node([0], `expect("ready"); sta.config({channel: 6}); say("channel", sta.config("channel"));
      say("sent on 6", e.send(peer0, "lost"));
      try { e.add_peer(${"Uint8Array.of(2, 0, 0, 0, 0, 9)"}, {channel: 1}); e.send(${"Uint8Array.of(2, 0, 0, 0, 0, 9)"}, "x"); } catch (error) { say(error.code); }
      sta.config({channel: 1}); say("sent on 1", e.send(peer0, "found"));`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[1].lines, ["channel 6", "sent on 6 false", "ESP_ERR_ESPNOW_CHAN", "sent on 1 true"]);
  t.deepEqual(results[0].lines, ["got found"]);
});

test("rate: config sets the PHY rate the air uses; invalid rates are refused", async (t) => {
  let rate = -1;
  const results = await runNodes([
    { source: node([], `e.config({rate: 0x0c}); say("rate", e.config("rate"));
      try { e.config({rate: 4}); } catch (error) { say(error.name, error.message); }
      e.config({rate: 0x10}); say("mcs0", e.config("rate")); /* the simulated radio takes every wifi_phy_rate_t, as ESP-IDF does */
      e.config({rate: 0x0c}); say("again", e.config("rate")); Timer.delay(1500);`) },
  ], { during: async (air) => {
    for (let i = 0; i < 200 && rate !== 54; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      rate = air.list()[0]?.rate ?? -1;
    }
  } });
  succeeded(t, results);
  t.deepEqual(results[0].lines, [
    "rate 12",
    "RangeError config: rate must be a wifi_phy_rate_t value (0-3, 5-31, 41, 42), got 4",
    "mcs0 16",
    "again 12",
  ]);
  t.is(rate, 54, "the air reports Mbit/s");
});

test("100 irecv echoes of 250 bytes allocate nothing", async (t) => {
  const results = await runNodes([
    { source: `import * as instrument from "instrument";\n` + node([1], `expect("go");
      /* pair[0], pair[1]: destructuring would allocate an array iterator (XS). The first echo outside the measure: it makes irecv's buffers */
      const echo = () => { const pair = e.irecv(5000); e.send(pair[0], pair[1]); };
      echo();
      const cost = instrument.measure(() => { for (let i = 1; i < 100; i++) echo(); });
      /* the first read may shrink irecv's buffer from its initial MAX_DATA_LEN: growth is what counts */
      say("slots", cost.slots, "growth", Math.max(0, cost.bytes));`) },
    { source: node([0], `reach(peer0); e.send(peer0, "go"); const out = new Uint8Array(250).fill(7); let ok = 0;
      for (let i = 0; i < 100; i++) { out[0] = i; e.send(peer0, out); const [, back] = e.recv(5000); if (back && back[0] === i && back.length === 250) ok++; }
      say("ok", ok);`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[1].lines, ["ok 100"]);
  t.deepEqual(results[0].lines, ["slots 0 growth 0"]);
});

test("send(msg) goes to every registered peer but not to broadcast; broadcast reaches everyone", async (t) => {
  const results = await runNodes([
    { source: node([1, 2], `e.add_peer(Uint8Array.of(255, 255, 255, 255, 255, 255)); say("count", e.peer_count());
      reach(peer0); reach(peer1); e.del_peer(peer1); say("all", e.send("to all"));
      say("bcast", e.send(Uint8Array.of(255, 255, 255, 255, 255, 255), "to everyone", true));
`) },
    { source: node([0], `const seen = []; for (;;) { const [, msg] = e.recv(1500); if (!msg) break; if (text(msg) !== "hi") seen.push(text(msg)); } say(seen.join("|"));`) },
    { source: node([0], `const seen = []; for (;;) { const [, msg] = e.recv(1500); if (!msg) break; if (text(msg) !== "hi") seen.push(text(msg)); } say(seen.join("|"));`) },
  ]);
  t.is(results[1].code, 0);
  t.is(results[2].code, 0);
  t.deepEqual(results[0].lines.slice(0, 3), ["count 3,0", "all true", "bcast true"]);
  t.deepEqual(results[1].lines, ["to all|to everyone"]);
  t.deepEqual(results[2].lines, ["to everyone"]);
});

test("a sync send to a MAC nobody has returns false and counts a failure; on_send reports each outcome", async (t) => {
  const results = await runNodes([
    { source: node([1], `const nobody = Uint8Array.of(2, 0, 0, 0, 0, 9); e.add_peer(nobody);
      const outcomes = []; e.on_send((mac, delivered) => outcomes.push(hex(mac) + "=" + delivered));
      reach(peer0); const before = e.stats();
      say("nobody", e.send(nobody, "anyone?"), "async", e.send(nobody, "x", false), e.send(peer0, "y", false));
      Timer.set(() => { say(outcomes.slice(-3).join(" ")); say("stats delta", e.stats().slice(0, 3).map((n, i) => n - before[i]).join(",")); e.active(false); }, 300);`, { open: true }) },
    { source: node([0], `Timer.delay(800);`) },
  ]);
  succeeded(t, results);
  t.is(results[0].lines[0], "nobody false async true true");
  t.is(results[0].lines[1], `02:00:00:00:00:09=false 02:00:00:00:00:09=false ${macOf(1)}=true`);
  t.is(results[0].lines[2], "stats delta 3,1,2");
});

test("ESP-NOW v2 carries 1470 bytes between v2 nodes; a v1 node does not deliver them", async (t) => {
  const results = await runNodes([
    { source: node([1, 2], `say("MAX_DATA_LEN", espnow.MAX_DATA_LEN); reach(peer0); reach(peer1);
      const big = new Uint8Array(1470).fill(5); e.send(peer0, big); e.send(peer1, big); e.send(peer1, "small");`) },
    { source: node([0], `for (;;) { const [, msg] = e.recv(1500); if (!msg) break; if (text(msg) !== "hi") say(msg.length); }`) },
    { env: { ESPNOW_NODE_VERSION: "1" }, source: node([0], `for (;;) { const [, msg] = e.recv(1500); if (!msg) break; if (text(msg) !== "hi") say(msg.length); }`) },
  ]);
  results.forEach((r) => t.is(r.code, 0, r.stderr));
  t.deepEqual(results[0].lines, ["MAX_DATA_LEN 1470"]);
  t.deepEqual(results[1].lines, ["1470"]);
  t.deepEqual(results[2].lines, ["5"]);
});

test("a small rxbuf drops what does not fit, counts it, and takes effect at the next active(true)", async (t) => {
  const results = await runNodes([
    { source: node([1], `e.config({rxbuf: 100}); say("before", e.config("rxbuf")); e.active(false); e.active(true); e.add_peer(peer0);
      reach(peer0); e.send(peer0, "ready"); Timer.delay(800); let n = 0; while (e.recv(0)[0]) n++;
      const [, , , rx, dropped] = e.stats(); say("read", n, "rx", rx, "dropped", dropped);`) },
    { source: node([0], `expect("ready"); for (let i = 0; i < 5; i++) say(e.send(peer0, new Uint8Array(60)));`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[1].lines, ["true", "true", "true", "true", "true"]);
  t.deepEqual(results[0].lines, ["before 100", "read 1 rx 1 dropped 4"]);
});

test("the peer list: get_peer, get_peers, mod_peer, peer_count, limits and errors", async (t) => {
  const results = await runNodes([
    { source: node([], `
      const mac = (i) => Uint8Array.of(2, 0, 0, 0, 0, i);
      const key = "k".repeat(16);
      function attempt(what, f) { try { f(); say(what, "ok"); } catch (error) { say(what, error.name, error.code ?? error.message, error.errno ?? ""); } }
      say("singleton", new ESPNow() === e);
      e.add_peer(mac(1)); e.add_peer(mac(2), key, 0, 1);
      say(JSON.stringify(e.get_peer(mac(2)).map((v) => v instanceof Uint8Array ? text(v) : v)));
      e.mod_peer(mac(2), {channel: 1}); say(JSON.stringify(e.get_peer(mac(2)).slice(2)));
      e.mod_peer(mac(2), false); say(JSON.stringify(e.get_peer(mac(2)).slice(1).map((v) => v instanceof Uint8Array ? v.length : v)));
      attempt("twice", () => e.add_peer(mac(1)));
      attempt("del unknown", () => e.del_peer(mac(99)));
      attempt("get unknown", () => e.get_peer(mac(99)));
      attempt("send unknown", () => e.send(mac(99), "x"));
      for (let i = 3; i <= 9; i++) attempt("enc" + i, () => e.add_peer(mac(i), key));
      for (let i = 10; i <= 22; i++) attempt("plain" + i, () => e.add_peer(mac(i)));
      say("count", e.peer_count(), e.get_peers().length);
      attempt("bcast encrypted", () => e.add_peer(Uint8Array.of(255, 255, 255, 255, 255, 255), key));
      e.active(false); e.active(true); say("after restart", e.peer_count());
      attempt("forgotten", () => e.get_peer(mac(1)));
      sta.active(false); e.add_peer(mac(1)); attempt("interface off", () => e.send(mac(1), "x"));`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, [
    "singleton true",
    `["\\u0002\\u0000\\u0000\\u0000\\u0000\\u0002","kkkkkkkkkkkkkkkk",0,1,true]`,
    "[1,1,true]",
    "[0,1,1,false]",
    "twice ESPNowError ESP_ERR_ESPNOW_EXIST 12395",
    "del unknown ESPNowError ESP_ERR_ESPNOW_NOT_FOUND 12393",
    "get unknown ESPNowError ESP_ERR_ESPNOW_NOT_FOUND 12393",
    "send unknown ESPNowError ESP_ERR_ESPNOW_NOT_FOUND 12393",
    "enc3 ok", "enc4 ok", "enc5 ok", "enc6 ok", "enc7 ok", "enc8 ok",
    "enc9 ESPNowError ESP_ERR_ESPNOW_FULL 12392",
    "plain10 ok", "plain11 ok", "plain12 ok", "plain13 ok", "plain14 ok", "plain15 ok",
    "plain16 ok", "plain17 ok", "plain18 ok", "plain19 ok", "plain20 ok", "plain21 ok",
    "plain22 ESPNowError ESP_ERR_ESPNOW_FULL 12392",
    "count 20,6 20",
    "bcast encrypted RangeError add_peer: ff:ff:ff:ff:ff:ff is a broadcast/multicast address, which cannot be encrypted ",
    "after restart 0,0",
    "forgotten ESPNowError ESP_ERR_ESPNOW_NOT_FOUND 12393",
    "interface off ESPNowError ESP_ERR_ESPNOW_IF 12396",
  ]);
});

test("bad input gets a clear error and changes nothing", async (t) => {
  const results = await runNodes([
    { source: `
import ESPNow from "espnow";
import WLAN from "wlan";
function say(...args) { trace(args.join(" ") + "\\n"); }
function attempt(what, f) { try { f(); say(what, "ok"); } catch (error) { say(what, error.name + ":", error.message, error.errno ?? ""); } }
const e = new ESPNow();
Object.freeze(Error.prototype); // as preloading does on a device: ESPNowError must still be made, with its name and code
for (const [name, call] of [["any", () => e.any()], ["recv", () => e.recv(0)], ["irecv", () => e.irecv(0)], ["recvinto", () => e.recvinto([null, new Uint8Array(9)], 0)],
    ["send", () => e.send(new Uint8Array(6), "x")], ["set_pmk", () => e.set_pmk("0123456789abcdef")], ["add_peer", () => e.add_peer(new Uint8Array(6))],
    ["del_peer", () => e.del_peer(new Uint8Array(6))], ["get_peer", () => e.get_peer(new Uint8Array(6))], ["get_peers", () => e.get_peers()],
    ["mod_peer", () => e.mod_peer(new Uint8Array(6), null)], ["peer_count", () => e.peer_count()]])
  attempt(name, call);
attempt("stats", () => say(e.stats()));
attempt("irq", () => e.irq(null));
attempt("config rxbuf -1", () => e.config({rxbuf: -1}));
attempt("config rxbuf 2**31", () => e.config({rxbuf: 2 ** 31}));
attempt("config rxbuf 1.5", () => e.config({rxbuf: 1.5}));
attempt("config unknown", () => e.config({speed: 1}));
attempt("config get unknown", () => e.config("speed"));
say("config", e.config("rxbuf"), e.config("timeout_ms"), e.config("rate"));
say("active", e.active(), e.active(true), e.active());
new WLAN(WLAN.IF_STA).active(true);
attempt("mac number", () => e.add_peer(42));
attempt("mac 5 bytes", () => e.add_peer(new Uint8Array(5)));
attempt("mac array", () => e.add_peer([1, 2, 3, 4, 5, 6]));
attempt("lmk 17 bytes", () => e.add_peer(new Uint8Array(6), new Uint8Array(17)));
attempt("pmk 15 bytes", () => e.set_pmk("0123456789abcde"));
attempt("channel 15", () => e.add_peer(new Uint8Array(6), null, 15));
attempt("ifidx 2", () => e.add_peer(new Uint8Array(6), {ifidx: 2}));
attempt("encrypt without lmk", () => e.add_peer(new Uint8Array(6), {encrypt: true}));
attempt("unknown peer option", () => e.add_peer(new Uint8Array(6), {key: 1}));
say("peer_count", e.peer_count());
e.add_peer(new Uint8Array(6));
attempt("msg 0", () => e.send(new Uint8Array(6), new Uint8Array(0)));
attempt("msg too long", () => e.send(new Uint8Array(6), new Uint8Array(1471)));
attempt("msg number", () => e.send(new Uint8Array(6), 5));
attempt("timeout string", () => e.recv("soon"));
attempt("recvinto short list", () => e.recvinto([null]));
attempt("recvinto no data", () => e.recvinto());
attempt("wlan channel 15", () => new WLAN(WLAN.IF_STA).config({channel: 15}));
attempt("wlan interface 2", () => new WLAN(2));
say("stats", e.stats());
e.active(false);
` },
  ]);
  succeeded(t, results);
  const notInit = (name: string) => `${name} ESPNowError: ${name}: ESP-NOW is not active (call active(true) first): ESP_ERR_ESPNOW_NOT_INIT 12389`;
  t.deepEqual(results[0].lines, [
    ...["any", "recv", "irecv", "recvinto", "send", "set_pmk", "add_peer", "del_peer", "get_peer", "get_peers", "mod_peer", "peer_count"].map(notInit),
    "0,0,0,0,0",
    "stats ok",
    "irq ok",
    "config rxbuf -1 RangeError: config: rxbuf must be 17..1048576, got -1 ",
    "config rxbuf 2**31 RangeError: config: rxbuf must be 17..1048576, got 2147483648 ",
    "config rxbuf 1.5 TypeError: config: rxbuf must be an integer, got 1.5 ",
    'config unknown RangeError: config: unknown parameter "speed"; expected rxbuf, timeout_ms or rate ',
    'config get unknown RangeError: config: unknown parameter "speed"; expected rxbuf, timeout_ms or rate ',
    "config 2972 300000 0",
    "active false true true",
    "mac number TypeError: add_peer: mac must be a Uint8Array or ArrayBuffer, got number ",
    "mac 5 bytes RangeError: add_peer: mac must be 6 bytes, got 5 ",
    "mac array TypeError: add_peer: mac must be a Uint8Array or ArrayBuffer, got object ",
    "lmk 17 bytes RangeError: add_peer: lmk must be 16 bytes, got 17 ",
    "pmk 15 bytes RangeError: set_pmk: pmk must be 16 bytes, got 15 ",
    "channel 15 RangeError: add_peer: channel must be 0..14, got 15 ",
    "ifidx 2 RangeError: add_peer: ifidx must be 0..1, got 2 ",
    "encrypt without lmk RangeError: add_peer: encrypt needs a 16-byte lmk ",
    'unknown peer option RangeError: unknown peer parameter "key"; expected lmk, channel, ifidx or encrypt ',
    "peer_count 0,0",
    "msg 0 ESPNowError: send: msg must be 1..1470 bytes, got 0: ESP_ERR_ESPNOW_ARG 12390",
    "msg too long ESPNowError: send: msg must be 1..1470 bytes, got 1471: ESP_ERR_ESPNOW_ARG 12390",
    "msg number TypeError: send: msg must be a Uint8Array or ArrayBuffer or a string, got number ",
    "timeout string TypeError: recv: timeout_ms must be a number or null, got soon ",
    "recvinto short list TypeError: recvinto: data must be an array [mac, msg] or [mac, msg, rssi, time] ",
    "recvinto no data TypeError: recvinto: data must be an array [mac, msg] or [mac, msg, rssi, time] ",
    "wlan channel 15 RangeError: WLAN.config: channel must be 1..14, got 15 ",
    "wlan interface 2 RangeError: WLAN: interface must be WLAN.IF_STA (0) or WLAN.IF_AP (1), got 2 ",
    "stats 0,0,0,0,0",
  ]);
});
