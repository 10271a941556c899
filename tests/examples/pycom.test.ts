/*
 * examples/pycom: Pycom's ESP-NOW tutorial, its three programs as three nodes,
 * print what the tutorial's comments say: the hub's messages to peer 1
 * (encrypted) and peer 2 (in the clear), their answers, and "Hello all
 * Peers!" to both.
 */

import test from "ava";
import { join } from "node:path";
import type { AirEvent } from "../../tools/air/air.ts";
import { ROOT } from "../../tools/sim/build.ts";
import { runNodes } from "../../tools/sim/run.ts";
import { lines } from "../cli/helpers.ts";

const HUB = "02454e530000", PEER_1 = "02454e530001", PEER_2 = "02454e530002";

test("pycom: the hub sends 0..9 to each peer and Hello all Peers! to both; each peer answers; only hub <-> peer 1 is encrypted", async (t) => {
  let stdout = "", stderr = "";
  const events: AirEvent[] = [];
  const stopper = new AbortController();
  const code = await runNodes({
    inputs: ["hub", "peer-1", "peer-2"].map((name) => join(ROOT, "examples", "pycom", name)),
    seconds: 40,
    signal: stopper.signal,
    stdout: (text) => {
      stdout += text;
      /* the peers run for ever, as devices do: done once both have heard the last message */
      if ((stdout.match(/Received: 02454e530000 - Hello all Peers!/g) ?? []).length === 2) stopper.abort();
    },
    stderr: (text) => (stderr += text),
    onAir: (air) => air.on("event", (event: AirEvent) => events.push(event)),
  });
  t.is(code, 0, `${stdout}\n${stderr}`);
  const output = new Map<string, string[]>();
  for (const line of lines(stdout)) {
    const [, name, text] = /^(\S+)\s*\| (.*)$/.exec(line) ?? [, "", line];
    output.set(name!, [...(output.get(name!) ?? []), text!]);
  }
  const hub = output.get("hub") ?? [];
  t.deepEqual(hub.slice(0, 2), ["ESP-NOW version: 2", "Number of Peers: 2, encrypted: 1"]);
  /* the first message may go out before a peer's program is up: "failed!" is then what the hub prints */
  for (const peer of [PEER_1, PEER_2]) {
    const outcomes = hub.filter((line) => line.includes(peer) && /^(Message sent to|Sending message to)/.test(line));
    t.is(outcomes.length, 10, `one outcome a message to ${peer}`);
    t.true(outcomes.slice(1).every((line) => line === `Message sent to: ${peer}`), hub.join("\n"));
  }
  const messages = Array.from({ length: 10 }, (_, i) => String(i));
  for (const [name, peer] of [["peer-1", PEER_1], ["peer-2", PEER_2]]) {
    const said = output.get(name) ?? [];
    const received = said.filter((line) => line.startsWith("Received: ")).map((line) => line.slice(`Received: ${HUB} - `.length));
    /* every message from the second on, and the one to all peers */
    t.deepEqual(received.slice(-10), [...messages.slice(1), "Hello all Peers!"], said.join("\n"));
    t.is(said.filter((line) => line === "Message received:").length, received.length);
    t.true(said.includes(`Sending to: ${HUB} - True`));
    const answers = hub.filter((line) => line.startsWith(`Message received from ${peer} with content: `)).map((line) => line.split("content: ")[1]);
    t.deepEqual(answers.slice(-9), messages.slice(1).map((m) => `Message received: ${m}`));
  }
  const frames = events.filter((event) => event.ev === "frame") as Extract<AirEvent, { ev: "frame" }>[];
  const mac = (hex: string): string => hex.match(/../g)!.join(":");
  const between = (a: string, b: string) => frames.filter((f) => (f.src === mac(a) && f.dst === mac(b)) || (f.src === mac(b) && f.dst === mac(a)));
  t.true(between(HUB, PEER_1).length >= 20 && between(HUB, PEER_1).every((f) => f.encrypted), "hub <-> peer 1 is encrypted on the air");
  t.true(between(HUB, PEER_2).length >= 20 && between(HUB, PEER_2).every((f) => !f.encrypted), "hub <-> peer 2 is not");
});
