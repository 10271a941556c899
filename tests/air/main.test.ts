import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AirNode } from '../../tools/air/client.ts';
import { startAir } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = fileURLToPath(new URL('../../tools/air/main.ts', import.meta.url));

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function runMain(args: string[]): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function listeningPort(run: Run, timeoutMs = 15000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = /air listening on udp 127\.0\.0\.1:(\d+)/.exec(run.stdout());
    if (m) return Number(m[1]);
    if (Date.now() > deadline || run.child.exitCode !== null) throw new Error(`air did not start: ${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('the air runs as a process, serves nodes, and exits cleanly on SIGTERM', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'air-main-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const pcap = join(dir, 'air.pcap');
  const run = runMain(['--port', '0', '--seed', '5', '--pcap', pcap, '--log', join(dir, 'air.jsonl')]);
  t.teardown(() => {
    if (run.child.exitCode === null) run.child.kill('SIGKILL');
  });
  const port = await listeningPort(run);
  const a = await AirNode.connect({ port, name: 'a' });
  const b = await AirNode.connect({ port, name: 'b' });
  t.like(await a.send(b.sta, 'over a real process'), { ok: true });
  t.is((await b.recv())?.payload.toString(), 'over a real process');
  await a.close();
  await b.close();
  run.child.kill('SIGTERM');
  t.is(await run.exit, 0);
  t.true(existsSync(pcap));
});

test('the air process exits with a clear message when its port is in use', async (t) => {
  const { port } = await startAir(t);
  const run = runMain(['--port', String(port)]);
  t.is(await run.exit, 1);
  t.regex(run.stderr(), new RegExp(`udp 127\\.0\\.0\\.1:${port}: the port is already in use`));
});

test('the air process rejects a malformed option', async (t) => {
  const run = runMain(['--loss', 'lots']);
  t.is(await run.exit, 1);
  t.regex(run.stderr(), /--loss: expected a number, got "lots"/);
});
