/*
 * Fuzzing the hub's frame decoder from the air: a hostile node
 * (tests/espnow-hub/hostile.ts) sends a relay hub random, mutated, replayed and
 * duplicated frames, from fixed seeds, while the hub asks it requests and pings
 * of its own (so that its responses and acknowledgements meet the decoder too).
 * Asserted: no node crashes, the hub reports no frame that threw and no
 * uncaught exception or unhandled rejection, and it still answers. HUB_FUZZ_FRAMES
 * sets the frames per seed (default 1500).
 */

import test from "ava";
import { hostile } from "./hostile.ts";
import { network, prelude } from "./helpers.ts";

const FRAMES = Number(process.env.HUB_FUZZ_FRAMES ?? 1500);

/* The hub fuzzed: it relays, its handler answers at once, later or throws, and it asks the hostile node things. */
export const victim = (options = "{ relay: true, timeout_ms: 300, max_message: 2048 }") => `${prelude(options)}
let handled = 0, asked = 0;
hub.serve((from, body) => {
  handled++;
  const words = body.length < 16 ? text(body) : "";
  if (words === "done") { Timer.set(() => { Timer.clear(asking); trace("victim: handled " + handled + ", asked " + asked + "\\n"); hub.stop(); }, 500); return "bye"; }
  if (words.startsWith("check") || words === "final") return "re " + words;
  switch (body.length % 4) {
    case 0: throw new Error("no");
    case 1: return new Promise((resolve) => Timer.set(() => resolve(body.subarray(0, 8)), 5));
    default: return body;
  }
});
const asking = Timer.repeat(() => {
  asked++;
  hub.request(mac(1), "what?", 200).catch(() => {});
  hub.ping(mac(1), 100).catch(() => {});
}, 250);
`;

const problems = /hub: a frame from .* failed|Uncaught|Unhandled|Fatal|not enough memory|hub: receive failed/;

for (const [seed, version] of [[1, 2], [2, 2], [3, 1]] as const) {
  test.serial(`fuzz: ${FRAMES} random, mutated, replayed and duplicated frames (seed ${seed}, ESP-NOW v${version}) crash nothing, and the hub still answers`, async (t) => {
    const ran = await network(t, [victim(), hostile({ seed, target: 0, frames: FRAMES, ms: 60000, check: 100 })], { version, seconds: 100, verbose: true });
    t.log(ran.stderr[0].split("\n").filter((line) => line.startsWith("xsim memory")).join(""));
    t.log(ran.output[1].join("\n"));
    t.is(ran.code, 0, ran.text);
    t.notRegex(ran.text, problems);
    const summary = /^hostile seed \d+: (\d+) frames .*, (\d+) of (\d+) checks answered, then (.*)$/.exec(ran.output[1].at(-1) ?? "");
    t.truthy(summary, ran.text);
    t.true(Number(summary?.[1]) >= FRAMES, ran.text);
    t.is(summary?.[2], summary?.[3], "every check answered");
    t.is(summary?.[4], "ok re final");
    t.regex(ran.output[0].at(-1) ?? "", /^victim: handled \d+, asked \d+$/);
  });
}
