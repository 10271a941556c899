/*
 * Every example runs in the simulator, with the espnow-sim command its README
 * gives, and does what its README says. Apps that run for ever (as a device
 * would) are stopped once their output shows the behaviour.
 */

import test from "ava";
import { join } from "node:path";
import type { Air, AirEvent } from "../../tools/air/air.ts";
import { ROOT } from "../../tools/sim/build.ts";
import { runNodes, type RunNodesOptions } from "../../tools/sim/run.ts";
import { command, lines } from "../cli/helpers.ts";

const example = (name: string): string => join(ROOT, "examples", name);
const mac = (index: number): string => `02:45:4e:53:00:0${index}`;

interface Ran {
  code: number;
  /** what each node printed, by node name, without the prefix */
  output: Map<string, string[]>;
  stdout: string;
  stderr: string;
  /** the air's event log */
  events: AirEvent[];
}

interface ExampleOptions extends Partial<RunNodesOptions> {
  /** stop the nodes (successfully) once stdout matches, or once this returns true for the stdout so far */
  until?: RegExp | ((stdout: string, air: Air) => boolean);
  /** called with each air event, while the nodes run */
  onEvent?: (event: AirEvent, air: Air) => void;
}

/* Runs example apps as `espnow-sim run` does; stopped after `seconds` (default 20) or once `until` matches. */
async function run(apps: string[], options: ExampleOptions = {}): Promise<Ran> {
  const { until, onEvent, ...rest } = options;
  let stdout = "", stderr = "";
  const events: AirEvent[] = [];
  const stopper = new AbortController();
  let air: Air | undefined;
  const done = (): boolean => (until instanceof RegExp ? until.test(stdout) : !!until && !!air && until(stdout, air));
  const code = await runNodes({
    inputs: apps.map(example),
    seconds: 20,
    signal: stopper.signal,
    stdout: (text) => {
      stdout += text;
      if (done()) stopper.abort();
    },
    stderr: (text) => (stderr += text),
    onAir: (up) => {
      air = up;
      up.on("event", (event: AirEvent) => {
        events.push(event);
        onEvent?.(event, up);
      });
    },
    ...rest,
  });
  const output = new Map<string, string[]>();
  for (const line of lines(stdout)) {
    const [, name, text] = /^(\S+)\s*\| (.*)$/.exec(line) ?? [, "", line];
    output.set(name!, [...(output.get(name!) ?? []), text!]);
  }
  return { code, output, stdout, stderr, events };
}

function ok(t: { is: (a: unknown, b: unknown, m?: string) => void }, ran: Ran): void {
  t.is(ran.code, 0, `${ran.stdout}\n${ran.stderr}`);
}

test.serial("receiver and sender: the receiver prints Starting..., the 100 numbered messages and end, then stops", async (t) => {
  const ran = await run(["receiver", "sender"]);
  ok(t, ran);
  const numbered = Array.from({ length: 100 }, (_, i) => `${mac(1)} ${String(i).repeat(20)}`);
  t.deepEqual(ran.output.get("receiver"), [`receiver: listening on ${mac(0)}`, `${mac(1)} Starting...`, ...numbered, `${mac(1)} end`, "receiver: done"]);
  t.deepEqual(ran.output.get("sender"), ["sender: sent 100 messages, 100 acknowledged"]);
});

test.serial("npm run demo's command runs receiver and sender with each line prefixed by its node", async (t) => {
  const result = await command(t, ["demo"]).finished;
  t.is(result.code, 0, result.stderr);
  const output = lines(result.stdout);
  t.true(output.includes(`receiver| ${mac(1)} Starting...`));
  t.true(output.includes(`receiver| ${mac(1)} ${"99".repeat(20)}`));
  t.true(output.includes("sender  | sender: sent 100 messages, 100 acknowledged"));
});

test.serial("broadcast: each of 3 nodes hears the other two by name", async (t) => {
  const ran = await run(["broadcast"], { nodes: 3 });
  ok(t, ran);
  for (let i = 0; i < 3; i++) {
    const said = ran.output.get(`node${i}`) ?? [];
    const others = [0, 1, 2].filter((j) => j !== i).map((j) => `esp-5300${j.toString().padStart(2, "0")}`);
    t.true(said.includes(`esp-5300${String(i).padStart(2, "0")}: broadcasting every 300 ms`));
    t.regex(said[said.length - 1], new RegExp(`heard 2 other node\\(s\\): (${others.join("|")}) x\\d+, (${others.join("|")}) x\\d+$`));
    for (const other of others) t.true(said.some((line) => line.includes(`heard "hello from ${other} #`)), `node${i} never heard ${other}`);
  }
});

test.serial("encrypted peers: the hub talks to peer 1 encrypted and to peer 2 in the clear, and both answer every message", async (t) => {
  const ran = await run(["encrypted-peers"], { nodes: 3 });
  ok(t, ran);
  const messages = [...Array.from({ length: 10 }, (_, i) => String(i)), "Hello all Peers!"];
  /* "hello" is the hub's probe: a peer's radio acknowledges it only once the peer's ESP-NOW and keys are set up, so it is received */
  t.deepEqual(ran.output.get("node1"), ["hello", ...messages].map((m) => `peer 1: received ${m}`));
  t.deepEqual(ran.output.get("node2"), ["hello", ...messages].map((m) => `peer 2: received ${m}`));
  const hub = ran.output.get("node0") ?? [];
  t.is(hub[0], "hub: 2 peers, 1 encrypted");
  t.is(hub[hub.length - 1], "hub: done, 1 peer left");
  for (const peer of [1, 2]) {
    const answers = hub.filter((line) => line.startsWith(`hub: from 02454e53000${peer}: `)).map((line) => line.split(": ").slice(2).join(": "));
    t.deepEqual(answers, ["hello", ...messages].map((m) => `Message received: ${m}`));
  }
  const frames = ran.events.filter((event) => event.ev === "frame");
  const between = (a: number, b: number) => frames.filter((f) => (f.src === mac(a) && f.dst === mac(b)) || (f.src === mac(b) && f.dst === mac(a)));
  t.true(between(0, 1).length >= 24 && between(0, 1).every((f) => f.encrypted), "hub <-> peer 1 is encrypted on the air");
  t.true(between(0, 2).length >= 24 && between(0, 2).every((f) => !f.encrypted), "hub <-> peer 2 is not");
});

test.serial("irq receiver: the callback drains every message of the sender and stops at end", async (t) => {
  const ran = await run(["irq-receiver", "sender"]);
  ok(t, ran);
  const said = ran.output.get("irq-receiver") ?? [];
  t.is(said[0], `irq-receiver: listening on ${mac(0)}`);
  t.regex(said[said.length - 1], new RegExp(`^irq-receiver: "end" from ${mac(1)} after 102 messages in \\d+ callbacks$`));
});

test.serial("proxy and sensors: the proxy on its router's channel 6 forwards the readings of sensors and of the sleep-cycle sensor", async (t) => {
  const ran = await run(["proxy", "sensor", "sensor", "sleep-cycle"], {
    until: /forward from 02:45:4e:53:00:01: sensor-1 reading 2:[^]*forward from 02:45:4e:53:00:02: sensor-2 reading 2:[^]*ping 3|ping 3[^]*reading 2[^]*reading 2/,
  });
  ok(t, ran);
  const proxy = ran.output.get("node0") ?? [];
  t.is(proxy[0], `proxy: running on channel 6 as ${mac(0)}`);
  for (const sensor of [1, 2]) {
    t.true(proxy.some((line) => new RegExp(`^proxy: forward from ${mac(sensor)}: sensor-${sensor} reading 2: \\d+\\.\\d C$`).test(line)));
    t.true(ran.output.get(`node${sensor}`)?.includes(`sensor-${sensor}: sent reading 1`));
  }
  t.true(proxy.includes(`proxy: forward from ${mac(3)}: ping 2`));
});

test.serial("sleep cycle: the Wi-Fi is off in each sleep, and the channel is 6 again at every wake", async (t) => {
  const ran = await run(["proxy", "sleep-cycle"], { until: /wake 3/ });
  ok(t, ran);
  /* the first ping is repeated until the proxy, which may start later, acknowledges it */
  const said = ran.output.get("sleep-cycle") ?? [];
  t.deepEqual(said.slice(0, 5), [
    "sleep-cycle: wake 1, on channel 6: sending ping...",
    "sleep-cycle: going to sleep...",
    "sleep-cycle: wake 2, on channel 6: sending ping...",
    "sleep-cycle: going to sleep...",
    "sleep-cycle: wake 3, on channel 6: sending ping...",
  ]);
  const states = ran.events.filter((event) => event.ev === "node-state" && event.node === "sleep-cycle");
  const offs = states.filter((state) => state.ev === "node-state" && !state.staOn).length;
  t.true(offs >= 2, `the STA interface was off ${offs} times`);
  t.true(ran.output.get("proxy")?.includes(`proxy: forward from ${mac(1)}: ping 2`));
});

test.serial("rssi tracker: each node names its nearest neighbour, and the answer follows a node that moves", async (t) => {
  const positions = [0, 10, 30, 60]; /* metres along a line */
  /* "of 3 heard": every node, the far one too, hears all three others (a node says so again when it hears one more) */
  const nearest = (node: number, to: number) => new RegExp(`^node${node}\\| ${mac(node)}: nearest is ${mac(to)} at -\\d+ dBm \\(of 3 heard\\)$`, "m");
  let moved = false;
  const ran = await run(["rssi-tracker"], {
    nodes: 4,
    onEvent: (event, air) => {
      if (event.ev === "node-join") air.move(event.node, positions[event.index], 0);
    },
    until: (stdout, air) => {
      if (!moved && nearest(0, 1).test(stdout) && nearest(1, 0).test(stdout) && nearest(2, 1).test(stdout) && nearest(3, 2).test(stdout)) {
        moved = true;
        air.move("node3", 5, 0); /* node3 comes between node0 and node1 */
      }
      return moved && nearest(0, 3).test(stdout) && nearest(1, 3).test(stdout);
    },
  });
  ok(t, ran);
  t.true(moved, ran.stdout);
  const said = (node: number) => (ran.output.get(`node${node}`) ?? []).filter((line) => line.includes("nearest is")).map((line) => line.split(" ")[3]);
  t.deepEqual(said(0).slice(-2), [mac(1), mac(3)]);
  t.deepEqual(said(1).slice(-2), [mac(0), mac(3)]);
  t.is(said(2).pop(), mac(1));
});

test.serial("async echo: the client's messages come back while the heartbeat pings; the server stops after its timeout", async (t) => {
  const ran = await run(["async-echo"], { nodes: 2 });
  ok(t, ran);
  const client = ran.output.get("node1") ?? [];
  for (let i = 1; i <= 5; i++) t.true(client.some((line) => new RegExp(`^client: "echo me ${i}" came back in \\d+ ms$`).test(line)), `echo ${i}`);
  t.false(client.some((line) => line.includes("expected")));
  t.is(client[client.length - 1], "client: done");
  const server = ran.output.get("node0") ?? [];
  for (let i = 1; i <= 5; i++) t.true(server.includes(`Echo: echo me ${i}`));
  t.true(server.includes(`Heartbeat: ping ${mac(1)}`));
  t.is(server[server.length - 2], `Heartbeat: peer not responding: ${mac(1)}`, "the client is gone at the end");
  t.is(server[server.length - 1], "server: done");
});

test.serial("hub and hub nodes: readings answered, greetings relayed through the hub, and both nodes find the hub again on channel 11", async (t) => {
  /* stopped once both nodes, back in contact, have had a relayed greeting answered after the move */
  const after = (stdout: string, node: string): string => stdout.slice(stdout.indexOf(`${node}| node: found the hub`));
  const ran = await run(["hub", "hub-node", "hub-node"], {
    seconds: 30,
    until: (stdout) => ["node1", "node2"].every((node) => stdout.includes(`${node}| node: found the hub`) && after(stdout, node).includes(`${node}| node: through the hub:`)),
  });
  ok(t, ran);
  const hub = ran.output.get("node0") ?? [];
  t.deepEqual(hub, [`hub: serving and relaying on channel 6 as ${mac(0)}`, "hub: the router moved to channel 11, and the hub with it"]);
  for (const [i, other] of [[1, 2], [2, 1]]) {
    const said = ran.output.get(`node${i}`) ?? [];
    const lost = said.indexOf("node: the hub is silent on channel 6; scanning");
    const found = said.findIndex((line) => /^node: found the hub on channel 11, \d+ ms after losing it$/.test(line));
    t.true(lost > 0 && found > lost, `node${i}: ${said.join(" / ")}`);
    const readings = said.filter((line) => line.startsWith("node: hub: reading "));
    t.regex(readings[0], new RegExp(`^node: hub: reading 1 from ${mac(i)} noted \\(\\d so far\\)$`));
    t.true(said.slice(found).some((line) => line.startsWith("node: hub: reading ")), `node${i} sends readings again after finding the hub`);
    for (const part of [said.slice(0, lost), said.slice(found)]) {
      t.true(part.some((line) => new RegExp(`^node: through the hub: ${mac(other)} says hello back to "hello \\d+"$`).test(line)), `node${i}: ${said.join(" / ")}`);
    }
    /* a reading sent as the hub moves may time out while the node scans; none fails before */
    t.false(said.slice(0, lost).some((line) => /no response|relay|does not|failed/.test(line)), `node${i}: ${said.join(" / ")}`);
  }
});
