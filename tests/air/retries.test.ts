import test from 'ava';
import { DEFAULT_RETRIES, PACE_MS } from '../../tools/air/air.ts';
import { mpduTime } from '../../tools/air/airtime.ts';
import { espNowMpduLength } from '../../tools/air/frame.ts';
import { connect, startAir } from './helpers.ts';

const NOBODY = '02:00:00:00:00:99';

test('by default an unacknowledged unicast frame is sent 7 times, each a full frame time on the air, then fails', async (t) => {
  const { port, events } = await startAir(t, { clock: 'virtual' });
  const a = await connect(t, port, { name: 'a', rate: 54 });
  const result = await a.send(NOBODY, 'x');
  t.like(result, { ok: false, reason: 'no-receiver-on-channel' });
  const frames = events.flatMap((e) => (e.ev === 'frame' ? [e] : []));
  t.deepEqual(frames.map((f) => f.attempt), [1, 2, 3, 4, 5, 6, 7]);
  t.is(DEFAULT_RETRIES, 6);
  const frameUs = mpduTime(espNowMpduLength(1, false), 54, true).totalUs;
  for (let i = 0; i < frames.length; i++) {
    t.true(Math.abs(frames[i].endUs - frames[i].startUs - frameUs) <= 1, `attempt ${i + 1} holds the channel one frame time`);
    if (i > 0) t.true(frames[i].startUs >= frames[i - 1].endUs, `attempt ${i + 1} starts after attempt ${i} ended`);
  }
  // one status, after the last attempt: the sender waited for all seven
  const statuses = events.filter((e) => e.ev === 'status');
  t.is(statuses.length, 1);
  t.true(result.timeUs >= frames[6].endUs);
  t.true(result.timeUs - frames[0].startUs >= 7 * frameUs - 7);
});

test('a frame acknowledged on a retry succeeds; only a frame every attempt lost fails', async (t) => {
  const { air, port, events } = await startAir(t, { clock: 'virtual', seed: 7 });
  const a = await connect(t, port, { name: 'a', rate: 54 });
  const b = await connect(t, port, { name: 'b' });
  air.setLoss({ src: 'a', dst: 'b', p: 0.5 });
  const results = [];
  for (let i = 0; i < 100; i++) results.push(await a.send(b.sta, 'x'));
  const frames = events.flatMap((e) => (e.ev === 'frame' ? [e] : []));
  const statuses = events.flatMap((e) => (e.ev === 'status' ? [e] : []));
  const lastAttempt = new Map<number, number>();
  for (const f of frames) lastAttempt.set(f.frame, f.attempt);
  for (const s of statuses) {
    const attempts = lastAttempt.get(s.frame ?? -1) ?? 0;
    // a failure used every attempt; a success stopped at the first acknowledged one
    if (s.status === 'fail') t.is(attempts, 7);
    else t.true(attempts >= 1 && attempts <= 7);
  }
  t.true(statuses.some((s) => s.status === 'success' && (lastAttempt.get(s.frame ?? -1) ?? 0) > 1), 'some frame got through on a retry');
  // 1 - 0.5^7: more than 99% delivered
  t.true(results.filter((r) => r.ok).length >= 97, `${results.filter((r) => r.ok).length} of 100 delivered`);
});

test('retries: 0 sends each frame once; retries: 15 at most 16 times; other counts are refused', async (t) => {
  const once = await startAir(t, { clock: 'virtual', retries: 0 });
  const a = await connect(t, once.port, { name: 'a' });
  await a.send(NOBODY, 'x');
  t.deepEqual(once.events.flatMap((e) => (e.ev === 'frame' ? [e.attempt] : [])), [1]);
  const many = await startAir(t, { clock: 'virtual', retries: 15 });
  const b = await connect(t, many.port, { name: 'b' });
  await b.send(NOBODY, 'x');
  t.is(many.events.filter((e) => e.ev === 'frame').length, 16);
  const { Air } = await import('../../tools/air/air.ts');
  await t.throwsAsync(new Air().start({ retries: 16 }), { message: 'air: retries must be an integer 0..15, got 16' });
});

test('WELCOME tells a node to pace what it receives by PACE_MS on the real clock, not at all on the virtual one', async (t) => {
  const { createSocket } = await import('node:dgram');
  const { decode, encode } = await import('../../tools/air/protocol.ts');
  const flagsOf = async (clock: 'real' | 'virtual'): Promise<number> => {
    const { port } = await startAir(t, { clock });
    const socket = createSocket('udp4');
    t.teardown(() => socket.close());
    const reply = new Promise<Buffer>((resolve) => socket.once('message', resolve));
    const hello = encode({
      type: 'hello', req: 1, index: 0xffff, chip: 0, version: 2, staOn: false, apOn: false, espnow: false, channel: 1, rate: 1,
      x: 0, y: 0, sta: Buffer.alloc(6), ap: Buffer.alloc(6), name: `w-${clock}`,
    });
    socket.send(hello, port, '127.0.0.1');
    const message = decode(await reply);
    if (message.type !== 'welcome') throw new Error(`expected WELCOME, got ${message.type}`);
    return message.paceMs;
  };
  t.is(await flagsOf('real'), PACE_MS);
  t.is(await flagsOf('virtual'), 0);
});

test("a node's MAC finishes every attempt of a frame before its next frame, so statuses come in send order", async (t) => {
  const { port, events } = await startAir(t, { clock: 'virtual' });
  const a = await connect(t, port, { name: 'a', rate: 54 });
  const b = await connect(t, port, { name: 'b' });
  const order: string[] = [];
  await Promise.all([
    a.send(NOBODY, 'first').then((r) => order.push(`nobody ${r.status}`)),
    a.send(b.sta, 'second').then((r) => order.push(`b ${r.status}`)),
  ]);
  t.deepEqual(order, ['nobody fail', 'b success']);
  const frames = events.flatMap((e) => (e.ev === 'frame' ? [`${e.frame}.${e.attempt}`] : []));
  t.deepEqual(frames, ['1.1', '1.2', '1.3', '1.4', '1.5', '1.6', '1.7', '2.1']);
});
