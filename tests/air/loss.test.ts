import test from 'ava';
import { rssiAt, rssiLossProbability, SENSITIVITY_DBM } from '../../tools/air/radio.ts';
import { BROADCAST, connect, saturate, startAir } from './helpers.ts';

test('link loss applies to one direction of one link', async (t) => {
  const { air, port } = await startAir(t, { clock: 'virtual', retries: 0 });
  const a = await connect(t, port, { name: 'a' });
  const b = await connect(t, port, { name: 'b' });
  const c = await connect(t, port, { name: 'c' });
  air.setLoss({ src: 'a', dst: 'b', p: 1 });
  t.like(await a.send(b.sta, 'x'), { ok: false, reason: 'loss' });
  t.like(await b.send(a.sta, 'x'), { ok: true });
  t.like(await a.send(c.sta, 'x'), { ok: true });
  air.setLoss({ src: 'a', dst: 'b', p: 0 });
  t.like(await a.send(b.sta, 'x'), { ok: true });
});

test('links given when the air starts apply, by node index, from the first frame', async (t) => {
  const { port } = await startAir(t, { clock: 'virtual', links: [{ src: 0, dst: 1, p: 1 }] });
  const a = await connect(t, port, { name: 'a', index: 0 });
  const b = await connect(t, port, { name: 'b', index: 1 });
  t.like(await a.send(b.sta, 'x'), { ok: false, reason: 'loss' });
  t.like(await b.send(a.sta, 'x'), { ok: true });
});

test('links with a bad probability or index are refused when the air starts', async (t) => {
  const { Air } = await import('../../tools/air/air.ts');
  await t.throwsAsync(new Air().start({ links: [{ src: 0, dst: 1, p: 2 }] }), { message: 'links: loss: probability must be between 0 and 1, got 2' });
  await t.throwsAsync(new Air().start({ links: [{ src: -1, dst: 1, p: 1 }] }), { message: 'air: links: src and dst must be node indexes, got -1 and 1' });
});

test('a link loss of 0.5 loses about half the frames', async (t) => {
  const { air, port } = await startAir(t, { clock: 'virtual', retries: 0 });
  const a = await connect(t, port, { name: 'a', rate: 54 });
  const b = await connect(t, port, { name: 'b' });
  air.setLoss({ src: a.sta, dst: b.sta, p: 0.5 });
  const results = await saturate(a, b.sta, 400, 10, 16);
  const lost = results.filter((r) => r.reason === 'loss').length;
  t.true(lost > 160 && lost < 240, `lost ${lost} of 400`);
});

test('node loss applies to every frame the node sends or receives', async (t) => {
  const { air, port } = await startAir(t, { clock: 'virtual', retries: 0 });
  const a = await connect(t, port, { name: 'a' });
  const b = await connect(t, port, { name: 'b' });
  const c = await connect(t, port, { name: 'c' });
  air.setLoss({ node: 'b', p: 1 });
  t.like(await a.send(b.sta, 'x'), { ok: false, reason: 'loss' });
  t.like(await b.send(c.sta, 'x'), { ok: false, reason: 'loss' });
  t.like(await a.send(c.sta, 'x'), { ok: true });
});

test('global loss applies to every receiver of a broadcast independently', async (t) => {
  const { port, events } = await startAir(t, { clock: 'virtual', loss: 0.3 });
  const a = await connect(t, port, { name: 'a', rate: 54 });
  await connect(t, port, { name: 'b' });
  await connect(t, port, { name: 'c' });
  const results = await saturate(a, BROADCAST, 200, 10, 16);
  t.true(results.every((r) => r.ok));
  const lost = events.filter((e) => e.ev === 'drop' && e.reason === 'loss').length;
  t.true(lost > 400 * 0.2 && lost < 400 * 0.4, `lost ${lost} of 400 receptions`);
});

test('the same seed loses the same frames', async (t) => {
  const pattern = async (): Promise<string> => {
    const { port } = await startAir(t, { clock: 'virtual', retries: 0, seed: 1234, loss: 0.5 });
    const a = await connect(t, port, { name: 'a', rate: 54 });
    const b = await connect(t, port, { name: 'b' });
    const results = await saturate(a, b.sta, 64, 10, 1);
    return results.map((r) => (r.ok ? '1' : '0')).join('');
  };
  const first = await pattern();
  t.is(await pattern(), first);
  t.regex(first, /0/);
  t.regex(first, /1/);
});

test('loss from RSSI is negligible near the sender, about half at the sensitivity floor and total far away', async (t) => {
  t.true(rssiLossProbability(-40, 54) < 1e-6);
  t.is(rssiLossProbability(SENSITIVITY_DBM[54], 54), 0.5);
  t.true(rssiLossProbability(-100, 54) > 0.999);

  // 68 m is where the default model puts -75 dBm, the 54 Mbit/s floor.
  t.is(rssiAt(68), -75);
  const { port } = await startAir(t, { clock: 'virtual', retries: 0 });
  const a = await connect(t, port, { name: 'a', rate: 54, x: 0, y: 0 });
  const near = await connect(t, port, { name: 'near', x: 5, y: 0 });
  const edge = await connect(t, port, { name: 'edge', x: 68, y: 0 });
  const far = await connect(t, port, { name: 'far', x: 0, y: 500 });
  const lossOf = async (dst: string): Promise<number> =>
    (await saturate(a, dst, 200, 10, 16)).filter((r) => !r.ok).length / 200;
  t.is(await lossOf(near.sta), 0);
  const atEdge = await lossOf(edge.sta);
  t.true(atEdge > 0.35 && atEdge < 0.65, `loss at the edge ${atEdge}`);
  t.is(await lossOf(far.sta), 1);
});

test('MAC retries turn a lossy link into a mostly reliable one at the cost of airtime', async (t) => {
  const { air, port, events } = await startAir(t, { clock: 'virtual', retries: 3 });
  const a = await connect(t, port, { name: 'a', rate: 54 });
  const b = await connect(t, port, { name: 'b' });
  air.setLoss({ src: 'a', dst: 'b', p: 0.5 });
  const results = await saturate(a, b.sta, 200, 10, 16);
  const delivered = results.filter((r) => r.ok).length;
  // 1 - 0.5^4 = 93.75% expected
  t.true(delivered > 170, `delivered ${delivered} of 200`);
  const attempts = events.filter((e) => e.ev === 'frame').length;
  t.true(attempts > 300, `${attempts} attempts on the air`);
  t.true(events.some((e) => e.ev === 'frame' && e.attempt === 4));
});
