/* The task watchdog: a node whose JavaScript never returns to its event loop is reported with its stack and ends, as an ESP32 resets. */
import test from "ava";
import { app, folder, run } from "./helpers.ts";

test("a node spinning for longer than --watchdog is reported with its stack and fails the run", async (t) => {
  const main = "function spin() {\n  for (;;) {}\n}\nfunction start() { spin(); }\nstart();\n";
  const finished = await run(t, { inputs: [app(folder(t), "spinner", main)], watchdog: 0.5 }).finished;
  t.is(finished.code, 1);
  t.regex(finished.stderr, /^xsim: task watchdog: the JavaScript task has not returned to its event loop for 0\.5 s \(an ESP32's task watchdog would reset the chip\); it is at:\n {4}at spin \(.*main\.js:2\)\n {4}at start \(.*main\.js:4\)\n {4}at main \(.*main\.js:5\)$/m);
  t.regex(finished.stderr, /spinner failed \(exit status 1\)/);
});

test("work that returns to the event loop between turns, and waiting in a blocking call, do not trip the watchdog", async (t) => {
  /* each timer callback works for 0.3 s of CPU (over the limit of 0.5 s only if the turns added up); then a blocking wait of 1 s */
  const main = [
    `import Timer from "timer";`,
    `import ESPNow from "espnow";`,
    `let turns = 0;`,
    `const spin = () => { const end = Date.now() + 300; while (Date.now() < end); };`,
    `const timer = Timer.repeat(() => {`,
    `  spin();`,
    `  if (++turns === 4) {`,
    `    Timer.clear(timer);`,
    `    const e = new ESPNow(); e.active(true);`,
    `    trace(String(e.recv(1000)[0]) + "\\n");`,
    `    e.active(false);`,
    `    trace("done\\n");`,
    `  }`,
    `}, 1);`,
    "",
  ].join("\n");
  const root = folder(t);
  const path = app(root, "worker", main);
  const finished = await run(t, { inputs: [path], include: [new URL("../../manifest.json", import.meta.url).pathname], watchdog: 0.5 }).finished;
  t.is(finished.code, 0, finished.stderr);
  t.deepEqual(finished.stdout.split("\n").filter(Boolean), ["null", "done"]);
});
