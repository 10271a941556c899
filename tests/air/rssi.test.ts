import test from 'ava';
import { rssiAt } from '../../tools/air/radio.ts';
import { BROADCAST, connect, startAir } from './helpers.ts';

test('RSSI follows the log-distance model: -20 dBm at 1 m, 30 dB less per decade', (t) => {
  t.is(rssiAt(0), -20);
  t.is(rssiAt(1), -20);
  t.is(rssiAt(10), -50);
  t.is(rssiAt(100), -80);
});

test('RSSI is clamped to -127..0 dBm', (t) => {
  t.is(rssiAt(1e9), -127);
  t.is(rssiAt(0, { txPowerDbm: 30, pathLossAt1mDb: 10, exponent: 3, lossSlopeDb: 2 }), 0);
});

test('a received frame carries the RSSI of the distance between the nodes', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a', x: 0, y: 0 });
  const b = await connect(t, port, { name: 'b', x: 6, y: 8 });
  const c = await connect(t, port, { name: 'c', x: 0, y: 100 });
  await a.send(BROADCAST, 'x');
  t.is((await b.recv())?.rssi, -50);
  t.is((await c.recv())?.rssi, -80);
});

test('moving a node changes the RSSI of the frames it receives', async (t) => {
  const { air, port } = await startAir(t);
  const a = await connect(t, port, { name: 'a' });
  const b = await connect(t, port, { name: 'b', x: 1 });
  await a.send(b.sta, 'x');
  t.is((await b.recv())?.rssi, -20);
  air.move('b', 10, 0);
  await a.send(b.sta, 'x');
  t.is((await b.recv())?.rssi, -50);
  await b.setPosition(0, 100);
  await a.send(b.sta, 'x');
  t.is((await b.recv())?.rssi, -80);
});
