import test from 'ava';
import type { AirNode } from '../../tools/air/client.ts';
import { BROADCAST, connect, startAir } from './helpers.ts';

test('20 nodes broadcasting to each other each receive every other node\'s frame', async (t) => {
  const { port, air } = await startAir(t);
  const nodes: AirNode[] = [];
  for (let i = 0; i < 20; i++) nodes.push(await connect(t, port, { name: `n${i}`, x: (i % 5) * 3, y: Math.floor(i / 5) * 3 }));
  t.is(air.list().length, 20);
  const statuses = await Promise.all(nodes.map((n) => n.send(BROADCAST, `from ${n.name}`)));
  t.true(statuses.every((s) => s.ok));
  for (const n of nodes) {
    const senders = new Set<string>();
    for (let i = 0; i < 19; i++) {
      const got = await n.recv(2000);
      if (!got) break;
      senders.add(got.payload.toString());
    }
    t.is(senders.size, 19, `${n.name} heard ${senders.size}`);
    t.false(senders.has(`from ${n.name}`));
  }
  const times = statuses.map((s) => s.timeUs).sort((a, b) => a - b);
  t.true(new Set(times).size === 20, 'the 20 frames took turns on the channel');
});
