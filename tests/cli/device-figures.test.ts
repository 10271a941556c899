/*
 * espnow-sim run --verbose: each node prints the device figures when it
 * ends (hosts/sim: the message queue, XS memory against the profile's
 * limit); --debug gives the nodes a debug build's queue, whose full-queue
 * post waits 20 ticks and fails instead of blocking for ever.
 */
import test from "ava";
import { app, cli, folder } from "./helpers.ts";

const DONE = `trace("done\\n");\n`;

test("--verbose prints each node's queue and memory figures against its profile", async (t) => {
  const parent = folder(t);
  const result = await cli(t, ["run", app(parent, "one", DONE), "--verbose", "--profile", "esp8266"]);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stderr, /xsim queue: length=0 wait=block /);
  t.regex(result.stderr, /xsim memory: profile=esp8266 block-limit=32768 block-peak=\d+/);
});

test("without --verbose a node prints no device figures", async (t) => {
  const parent = folder(t);
  const result = await cli(t, ["run", app(parent, "one", DONE)]);
  t.is(result.code, 0, result.stderr);
  t.notRegex(result.stderr, /xsim (queue|memory):/);
});

test("--debug gives the nodes a debug build's message queue; a release build's blocks", async (t) => {
  const parent = folder(t);
  const debug = await cli(t, ["run", app(parent, "one", DONE), "--debug", "--verbose"]);
  t.is(debug.code, 0, debug.stderr);
  t.regex(debug.stderr, /xsim queue: length=10 wait=debug /);
  const release = await cli(t, ["run", app(parent, "two", DONE), "--verbose"]);
  t.regex(release.stderr, /xsim queue: length=10 wait=block /);
});
