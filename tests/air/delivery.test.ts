import test from 'ava';
import { BROADCAST, connect, drops, receivesNothing, startAir } from './helpers.ts';

test('unicast to a node on the same channel is delivered and acknowledged', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a' });
  const b = await connect(t, port, { name: 'b' });
  const status = await a.send(b.sta, 'hello');
  t.like(status, { ok: true, status: 'success', reason: 'ok' });
  const got = await b.recv();
  t.like(got, { src: a.sta, dst: b.sta, channel: 1, encrypted: false });
  t.is(got?.payload.toString(), 'hello');
});

test('unicast to a node on another channel is neither acknowledged nor delivered', async (t) => {
  const { port, events } = await startAir(t);
  const a = await connect(t, port, { name: 'a', channel: 1 });
  const b = await connect(t, port, { name: 'b', channel: 6 });
  t.like(await a.send(b.sta, 'hello'), { ok: false, status: 'fail', reason: 'no-receiver-on-channel' });
  t.true(await receivesNothing(b));
  t.true(events.some((e) => e.ev === 'status' && e.reason === 'no-receiver-on-channel'));
});

test('unicast to a node whose ESP-NOW is off is acknowledged but not delivered', async (t) => {
  const { port, events } = await startAir(t);
  const a = await connect(t, port, { name: 'a' });
  const b = await connect(t, port, { name: 'b', espnow: false });
  t.like(await a.send(b.sta, 'hello'), { ok: true, status: 'success' });
  t.true(await receivesNothing(b));
  t.deepEqual(drops(events), ['b:not-initialised']);
});

test('frames to the AP MAC reach a node only while its AP interface is on', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a' });
  const b = await connect(t, port, { name: 'b', staOn: true, apOn: false });
  t.not(b.sta, b.ap);
  t.like(await a.send(b.ap, 'to-ap'), { ok: false, reason: 'no-receiver-on-channel' });
  await b.setState({ apOn: true, staOn: false });
  t.like(await a.send(b.sta, 'to-sta'), { ok: false, reason: 'no-receiver-on-channel' });
  t.like(await a.send(b.ap, 'to-ap'), { ok: true });
  const got = await b.recv();
  t.is(got?.dst, b.ap);
  t.is(got?.payload.toString(), 'to-ap');
});

test('a frame sent from the AP interface carries the AP MAC as source', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a', apOn: true });
  const b = await connect(t, port, { name: 'b' });
  t.like(await a.send(b.sta, 'x', { iface: 'ap' }), { ok: true });
  t.is((await b.recv())?.src, a.ap);
});

test('sending from an interface that is off is refused', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a', apOn: false });
  const b = await connect(t, port, { name: 'b' });
  t.like(await a.send(b.sta, 'x', { iface: 'ap' }), { status: 'refused', reason: 'interface-off' });
});

test('sending before ESP-NOW is initialised is refused', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a', espnow: false });
  const b = await connect(t, port, { name: 'b' });
  t.like(await a.send(b.sta, 'x'), { status: 'refused', reason: 'not-initialised' });
});

test('broadcast reaches every ESP-NOW node on the channel and reports success', async (t) => {
  const { port, events } = await startAir(t);
  const a = await connect(t, port, { name: 'a', channel: 3 });
  const b = await connect(t, port, { name: 'b', channel: 3 });
  const c = await connect(t, port, { name: 'c', channel: 3, apOn: true, staOn: false });
  const far = await connect(t, port, { name: 'far', channel: 4 });
  const off = await connect(t, port, { name: 'off', channel: 3, espnow: false });
  t.like(await a.send(BROADCAST, 'all'), { ok: true, status: 'success' });
  for (const n of [b, c]) {
    const got = await n.recv();
    t.is(got?.payload.toString(), 'all');
    t.is(got?.dst, BROADCAST);
    t.is(got?.src, a.sta);
  }
  t.true(await receivesNothing(far));
  t.true(await receivesNothing(off));
  t.true(await receivesNothing(a));
  t.deepEqual(drops(events), ['off:not-initialised']);
});

test('broadcast with nobody listening still reports success', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a' });
  t.like(await a.send(BROADCAST, 'anyone?'), { ok: true, status: 'success' });
});

test('multicast (group bit set) is delivered like broadcast', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a' });
  const b = await connect(t, port, { name: 'b' });
  const c = await connect(t, port, { name: 'c' });
  const group = '01:00:5e:00:00:fb';
  t.like(await a.send(group, 'multi'), { ok: true });
  for (const n of [b, c]) t.like(await n.recv(), { dst: group, src: a.sta });
});

test('esp8266 nodes do not receive broadcast but do receive unicast', async (t) => {
  const { port, events } = await startAir(t);
  const a = await connect(t, port, { name: 'a' });
  const e = await connect(t, port, { name: 'e', chip: 'esp8266' });
  t.like(await a.send(BROADCAST, 'all'), { ok: true });
  t.true(await receivesNothing(e));
  t.deepEqual(drops(events), ['e:esp8266-no-group']);
  t.like(await a.send(e.sta, 'direct'), { ok: true });
  t.is((await e.recv())?.payload.toString(), 'direct');
});

test('a v1 receiver acknowledges but does not deliver a payload over 250 bytes', async (t) => {
  const { port, events } = await startAir(t);
  const a = await connect(t, port, { name: 'a', version: 2 });
  const b = await connect(t, port, { name: 'b', version: 1 });
  t.like(await a.send(b.sta, Buffer.alloc(251, 1)), { ok: true });
  t.true(await receivesNothing(b));
  t.deepEqual(drops(events), ['b:v1-too-long']);
  t.like(await a.send(b.sta, Buffer.alloc(250, 2)), { ok: true });
  t.is((await b.recv())?.payload.length, 250);
});

test('a v1 sender is refused a payload over 250 bytes', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a', version: 1 });
  const b = await connect(t, port, { name: 'b' });
  const status = await a.send(b.sta, Buffer.alloc(251));
  t.like(status, { status: 'refused', reason: 'too-long' });
  t.regex(status.text, /at most 250 bytes, got 251/);
});

test('v2 delivers a 1470-byte payload intact', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a', version: 2 });
  const b = await connect(t, port, { name: 'b', version: 2 });
  const payload = Buffer.from(Array.from({ length: 1470 }, (_, i) => (i * 7) & 0xff));
  t.like(await a.send(b.sta, payload), { ok: true });
  const got = await b.recv();
  t.is(got?.version, 2);
  t.deepEqual(got?.payload, payload);
});

test('a node does not receive its own broadcast', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a' });
  t.like(await a.send(BROADCAST, 'echo?'), { ok: true });
  t.true(await receivesNothing(a));
});
