/*
 * peers_table stays right when the program edits it: the receive path finds
 * each message's entry in the table itself (by the interned mac), so what
 * set(), delete() and clear() leave, even Map.prototype's own past
 * PeersTable's, is what the next message updates. Messages come from the
 * fake radio (inject), read with irecv, recv and recvinto.
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
const a = Uint8Array.of(2, 0, 0, 0, 0, 1), b = Uint8Array.of(2, 0, 0, 0, 0, 3), msg = Uint8Array.of(7);
const say = (...parts) => trace(parts.join(" ") + "\\n");
const t = e.peers_table;
inject(a, msg, -40);
const [macA] = e.irecv(0);
const first = t.get(macA);
say("first", t.size, first[0], t.get(a) === first, t.has(a));

t.delete(macA);
say("deleted", t.size, t.has(a));
inject(a, msg, -41);
e.irecv(0);
const second = t.get(a);
say("back", t.size, second !== first, second[0], first[0]);

const mine = [0, 0];
t.set(macA, mine);
inject(a, msg, -42);
e.recv(0);
say("set", t.get(a) === mine, mine[0]);

inject(b, msg, -50);
const pair = [null, new Uint8Array(8)];
e.recvinto(pair, 0);
say("two", t.size, t.get(b)[0]);
t.clear();
say("cleared", t.size);
inject(a, msg, -43);
inject(b, msg, -51);
e.irecv(0);
e.irecv(0);
say("refilled", t.size, t.get(a)[0], t.get(b)[0], mine[0], [...t.keys()].includes(macA));

/* an equal copy as the key is another key, as in a Map; the interned mac's entry is untouched */
const copy = Uint8Array.of(2, 0, 0, 0, 0, 1);
t.set(copy, [1, 1]);
inject(a, msg, -44);
e.irecv(0);
say("copy", t.size, t.get(a)[0], t.get(macA)[0]);
t.delete(copy);
say("copy deleted", t.size, t.get(a)[0]);

const theirs = [0, 0];
Map.prototype.set.call(t, macA, theirs);
inject(a, msg, -45);
e.irecv(0);
say("Map set", theirs[0], t.get(a) === theirs);
Map.prototype.delete.call(t, macA);
inject(a, msg, -46);
e.irecv(0);
say("Map delete", theirs[0], t.get(a)[0], t.get(a) !== theirs);
`;

test("peers_table edits (delete, set, clear, and Map.prototype's own set and delete) are followed by the next message read", async (t) => {
  const result = await runScript(script, [FAKE_RADIO], { timeoutMs: 60000 });
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.stdout.trim().split("\n"), [
    "first 1 -40 true true",
    "deleted 0 false",
    "back 1 true -41 -40",
    "set true -42",
    "two 2 -50",
    "cleared 0",
    "refilled 2 -43 -51 -42 true",
    "copy 3 -44 -44",
    "copy deleted 2 -44",
    "Map set -45 true",
    "Map delete -45 -46 true",
  ]);
});
