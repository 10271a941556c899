import test from 'ava';
import { AirControl } from '../../tools/air/client.ts';
import type { NoticeMsg } from '../../tools/air/protocol.ts';
import { BROADCAST, connect, receivesNothing, startAir } from './helpers.ts';

const control = async (t: Parameters<typeof startAir>[0], port: number): Promise<AirControl> => {
  const c = await AirControl.connect(port);
  t.teardown(() => c.close());
  return c;
};

test('the control interface lists the connected nodes', async (t) => {
  const { port } = await startAir(t);
  await connect(t, port, { name: 'a', channel: 6, chip: 'esp8266', version: 1, x: 3, y: 4 });
  await connect(t, port, { name: 'b', apOn: true, rate: 54 });
  const nodes = await (await control(t, port)).list();
  t.is(nodes.length, 2);
  t.like(nodes[0], { index: 0, name: 'a', channel: 6, chip: 'esp8266', version: 1, x: 3, y: 4, staOn: true, apOn: false, stopped: false });
  t.like(nodes[1], { index: 1, name: 'b', apOn: true, rate: 54, sta: '02:45:4e:53:00:01', ap: '02:45:4e:41:00:01' });
});

test('a stopped node neither sends nor receives until restarted', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a' });
  const b = await connect(t, port, { name: 'b' });
  const c = await control(t, port);
  await c.stopNode('b');
  t.like(await a.send(b.sta, 'x'), { ok: false, reason: 'no-receiver-on-channel' });
  t.like(await a.send(BROADCAST, 'x'), { ok: true });
  t.true(await receivesNothing(b));
  t.like(await b.send(a.sta, 'x'), { ok: false, reason: 'node-stopped' });
  t.true(await receivesNothing(a));
  t.true(b.stopped);
  await c.restartNode(b.sta);
  t.like(await a.send(b.sta, 'back'), { ok: true });
  t.is((await b.recv())?.payload.toString(), 'back');
  t.false(b.stopped);
});

test('changing a node\'s channel through control moves it and notifies it', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a', channel: 1 });
  const b = await connect(t, port, { name: 'b', channel: 1 });
  const notices: NoticeMsg[] = [];
  b.on('notice', (n: NoticeMsg) => notices.push(n));
  await (await control(t, port)).setChannel('b', 9);
  t.like(await a.send(b.sta, 'x'), { ok: false, reason: 'no-receiver-on-channel' });
  t.is(b.state.channel, 9);
  t.is(notices.length, 1);
  await a.setState({ channel: 9 });
  t.like(await a.send(b.sta, 'x'), { ok: true });
});

test('moving a node through control changes where it is', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a' });
  const b = await connect(t, port, { name: 'b' });
  const c = await control(t, port);
  await c.move(1, 0, 1000);
  t.like((await c.list())[1], { x: 0, y: 1000 });
  t.like(await a.send(b.sta, 'x'), { ok: false, reason: 'loss' });
});

test('loss set through control applies to links, nodes and the whole air', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a' });
  const b = await connect(t, port, { name: 'b' });
  const c = await control(t, port);
  await c.setLoss({ src: 'a', dst: 'b', p: 1 });
  t.like(await a.send(b.sta, 'x'), { ok: false, reason: 'loss' });
  await c.setLoss({ src: 'a', dst: 'b', p: 0 });
  await c.setLoss({ node: 'b', p: 1 });
  t.like(await a.send(b.sta, 'x'), { ok: false, reason: 'loss' });
  await c.setLoss({ node: 'b', p: 0 });
  await c.setLoss({ p: 1 });
  t.like(await b.send(a.sta, 'x'), { ok: false, reason: 'loss' });
  await c.setLoss({ p: 0 });
  t.like(await b.send(a.sta, 'x'), { ok: true });
});

test('control stats count frames, deliveries and drops', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a' });
  await connect(t, port, { name: 'b' });
  await connect(t, port, { name: 'c', espnow: false });
  await a.send(BROADCAST, 'x');
  t.like(await (await control(t, port)).stats(), { frames: 1, delivered: 1, dropped: 1, nodes: 3, malformed: 0 });
});
