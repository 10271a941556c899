import test from 'ava';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AirEvent } from '../../tools/air/air.ts';
import { BROADCAST, connect, startAir } from './helpers.ts';

test('the event log records frames, deliveries and drops with their reasons as JSON lines', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'air-log-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'air.jsonl');
  const { air, port } = await startAir(t, { log: file, retries: 0 });
  const a = await connect(t, port, { name: 'a' });
  const b = await connect(t, port, { name: 'b' });
  await connect(t, port, { name: 'off', espnow: false });
  await connect(t, port, { name: 'other', channel: 2 });
  await a.send(BROADCAST, 'hi');
  await a.send('02:00:00:00:00:99', 'nobody');
  air.setLoss({ src: 'a', dst: 'b', p: 1 });
  await a.send(b.sta, 'lost');
  await air.stop();

  const events = readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as AirEvent);
  const summary = events.flatMap((e) => {
    if (e.ev === 'deliver') return [`deliver ${e.frame} ${e.node}`];
    if (e.ev === 'drop') return [`drop ${e.frame} ${e.node} ${e.reason}`];
    if (e.ev === 'status') return [`status ${e.frame} ${e.status} ${e.reason}`];
    return [];
  });
  t.deepEqual(summary, [
    'deliver 1 b',
    'drop 1 off not-initialised',
    'status 1 success ok',
    'status 2 fail no-receiver-on-channel',
    'drop 3 b loss',
    'status 3 fail loss',
  ]);
  t.is(events.filter((e) => e.ev === 'frame').length, 3);
  t.is(events.filter((e) => e.ev === 'node-join').length, 4);
  t.true(events.every((e) => Number.isInteger(e.t)));
});
