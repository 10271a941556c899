/* The espnow-sim command itself: what a shell sees (exit status, usage, control). */
import test from "ava";
import { AirNode } from "../../tools/air/client.ts";
import { app, cli, command, folder, run, TICKER } from "./helpers.ts";

test("espnow-sim run exits 1 when a node fails, and 130 when interrupted", async (t) => {
  const parent = folder(t);
  const failed = await cli(t, ["run", app(parent, "ticker", TICKER), app(parent, "crasher", `throw new Error("broken");\n`)]);
  t.is(failed.code, 1);
  t.regex(failed.stderr, /crasher failed/);
  const running = command(t, ["run", app(parent, "ticker", TICKER), "--nodes", "2"]);
  await running.stdout.waitFor(/node1\| tick 0/);
  running.child.kill("SIGINT");
  t.is((await running.finished).code, 130);
});

test("espnow-sim control drives a running air: stop a node, then see it stopped in the list", async (t) => {
  const running = run(t, { inputs: [app(folder(t), "ticker", TICKER)] });
  const port = await running.port;
  const probe = await AirNode.connect({ port, name: "probe" });
  t.teardown(() => probe.close());
  const stopped = await cli(t, ["control", String(port), "stop", "node=probe"]);
  t.is(stopped.code, 0, stopped.stderr);
  t.is(stopped.stdout, "stopped probe: it neither sends nor receives until restart node=probe\n");
  const listed = await cli(t, ["control", String(port), '{"op":"list"}']);
  t.is(listed.code, 0, listed.stderr);
  t.like(JSON.parse(listed.stdout), [{ name: "probe", stopped: true }]);
  t.true(probe.stopped);
});

test("espnow-sim control reports the air's error and exits 1", async (t) => {
  const running = run(t, { inputs: [app(folder(t), "ticker", TICKER)] });
  const result = await cli(t, ["control", String(await running.port), "move", "node=nobody", "x=1", "y=2"]);
  t.is(result.code, 1);
  t.is(result.stderr, 'espnow-sim: control: no node named or addressed "nobody"\n');
});

test("espnow-sim multitest exits 1 when a test failed, its last line N passed, N failed", async (t) => {
  const result = await cli(t, ["multitest", "tests/fixtures/multitest/two.ts", "tests/fixtures/multitest/wrong.ts"]);
  t.is(result.code, 1);
  t.regex(result.stdout, /\n1 passed, 1 failed\n$/);
});

test("espnow-sim multitest exits 0 when every test passed or was skipped", async (t) => {
  const result = await cli(t, ["multitest", "tests/fixtures/multitest/early.ts", "tests/fixtures/multitest/skip.ts", "--timeout", "10"]);
  t.is(result.code, 0, result.stdout);
  t.regex(result.stdout, /\n1 passed, 0 failed\n$/);
});

test("an unknown option prints the command's usage and exits 2", async (t) => {
  const result = await cli(t, ["run", "--frobnicate"]);
  t.is(result.code, 2);
  t.regex(result.stderr, /^espnow-sim: unknown option --frobnicate$/m);
  t.regex(result.stderr, /^usage: espnow-sim run <app>/m);
});

test("an option or a command one letter (or letter case) away from a known one gets a did you mean", async (t) => {
  const option = await cli(t, ["run", "x", "--secnds", "3"]);
  t.is(option.code, 2);
  t.regex(option.stderr, /^espnow-sim: unknown option --secnds; did you mean --seconds\?$/m);
  const upper = await cli(t, ["multitest", "--UPDATE"]);
  t.regex(upper.stderr, /^espnow-sim: unknown option --UPDATE; did you mean --update\?$/m);
  const name = await cli(t, ["rn", "x"]);
  t.is(name.code, 2);
  t.regex(name.stderr, /^espnow-sim: unknown command rn; did you mean run\?$/m);
});

for (const name of ["init", "build", "run", "control", "multitest", "demo"]) {
  test(`espnow-sim ${name} --help prints its usage on stdout and exits 0`, async (t) => {
    const result = await cli(t, [name, "--help"]);
    t.is(result.code, 0, result.stderr);
    t.regex(result.stdout, new RegExp(`^usage: espnow-sim ${name}\\b`));
    t.is(result.stderr, "");
  });
}

test("espnow-sim --help lists every command", async (t) => {
  const result = await cli(t, ["--help"]);
  t.is(result.code, 0);
  for (const name of ["init", "build", "run", "control", "multitest", "demo"]) t.regex(result.stdout, new RegExp(`^  ${name}\\b`, "m"));
});

test("control says what each change did, naming the nodes, and names the keys an op takes when one is wrong", async (t) => {
  const running = run(t, { inputs: [app(folder(t), "ticker", TICKER)] });
  const port = String(await running.port);
  const probe = await AirNode.connect({ port: Number(port), name: "probe" });
  t.teardown(() => probe.close());
  const said = async (...words: string[]): Promise<string> => {
    const result = await cli(t, ["control", port, ...words]);
    t.is(result.code, 0, result.stderr);
    return result.stdout;
  };
  t.is(await said("move", "node=0", "x=30", "y=0"), "moved probe to 30, 0 m\n");
  t.is(await said("channel", "node=probe", "channel=6"), "probe's radio is now on channel 6\n");
  t.is(await said("loss", "node=probe", "p=0.5"), "loss 0.5 on every frame probe sends or receives\n");
  t.is(await said("loss", "p=0"), "loss 0 on every frame\n");
  t.is(await said("restart", "node=probe"), "restarted probe\n");
  const missing = await cli(t, ["control", port, "move", "node=0", "x=1"]);
  t.is(missing.code, 2);
  t.regex(missing.stderr, /^espnow-sim: control move: missing y=; usage: control PORT move node=\.\.\. x=\.\.\. y=\.\.\.$/m);
  const key = await cli(t, ["control", port, "channel", "node=0", "chanel=6"]);
  t.regex(key.stderr, /^espnow-sim: control channel: unknown key chanel=; did you mean channel\?; channel takes node=\.\.\. channel=\.\.\.$/m);
  const op = await cli(t, ["control", port, "mvoe"]);
  t.regex(op.stderr, /^espnow-sim: control: unknown op mvoe; ops: list, node, stats, move, loss, channel, stop, restart$/m);
  const link = await cli(t, ["control", port, "loss", "src=0", "p=1"]);
  t.regex(link.stderr, /^espnow-sim: control loss: a link needs both src= and dst=$/m);
});

test("an option's bad value is named with what was expected", async (t) => {
  const result = await cli(t, ["run", "x", "--channel", "15"]);
  t.is(result.code, 2);
  t.regex(result.stderr, /^espnow-sim: --channel: expected an integer from 1 to 14, got 15$/m);
});
