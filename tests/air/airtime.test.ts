import test from 'ava';
import { ackRate, frameTime, ppduUs, saturationFramesPerSecond } from '../../tools/air/airtime.ts';
import { espNowMpduLength } from '../../tools/air/frame.ts';
import { BROADCAST, connect, measuredFramesPerSecond, saturate, startAir } from './helpers.ts';

test('a 250-byte ESP-NOW frame is a 293-byte MPDU, 309 with CCMP', (t) => {
  t.is(espNowMpduLength(250, false), 293);
  t.is(espNowMpduLength(250, true), 309);
  t.is(espNowMpduLength(1470, false), 24 + 8 + 6 * 7 + 1470 + 4);
});

test('the analytic unicast frame time at 1 Mbit/s adds DIFS, backoff, long-preamble PPDU, SIFS and ACK', (t) => {
  const time = frameTime({ payloadLength: 250, rate: 1, unicast: true });
  t.deepEqual(time, { difsUs: 50, backoffUs: 150, dataUs: 192 + 293 * 8, ackUs: 10 + 192 + 112, totalUs: 3050 });
});

test('OFDM PPDUs count 4-us symbols plus preamble, signal and signal extension', (t) => {
  t.is(ppduUs(293, 54), 20 + 4 * Math.ceil((16 + 293 * 8 + 6) / 216) + 6);
  t.is(ackRate(54), 24);
  t.is(ackRate(11), 2);
  t.is(ppduUs(14, 11), 96 + Math.ceil(112 / 11));
});

test('the analytic 1 Mbit/s saturation of 250-byte frames is within 15% of the real-world 357 frames/s', (t) => {
  for (const unicast of [true, false]) {
    const fps = saturationFramesPerSecond({ payloadLength: 250, rate: 1, unicast });
    t.true(Math.abs(fps - 357) / 357 < 0.15, `${unicast ? 'unicast' : 'broadcast'}: ${fps.toFixed(1)} frames/s`);
  }
});

test('unicast throughput at 1 Mbit/s saturates within 15% of the analytic figure', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a', rate: 1 });
  const b = await connect(t, port, { name: 'b' });
  const results = await saturate(a, b.sta, 120, 250, 32);
  t.true(results.every((r) => r.ok));
  const measured = measuredFramesPerSecond(results);
  const analytic = saturationFramesPerSecond({ payloadLength: 250, rate: 1, unicast: true });
  t.log(`1 Mbit/s: measured ${measured.toFixed(1)} frames/s, analytic ${analytic.toFixed(1)}`);
  t.true(Math.abs(measured - analytic) / analytic < 0.15);
});

// At 54 Mbit/s the channel completes a frame every 210 us, faster than a loaded test
// host can reliably keep a real-time queue full, so this one runs on the virtual clock.
test('unicast throughput at 54 Mbit/s saturates within 15% of the analytic figure', async (t) => {
  const { port } = await startAir(t, { clock: 'virtual' });
  const a = await connect(t, port, { name: 'a', rate: 54 });
  const b = await connect(t, port, { name: 'b' });
  const results = await saturate(a, b.sta, 1500, 250, 32);
  t.true(results.every((r) => r.ok));
  const measured = measuredFramesPerSecond(results);
  const analytic = saturationFramesPerSecond({ payloadLength: 250, rate: 54, unicast: true });
  t.log(`54 Mbit/s: measured ${measured.toFixed(1)} frames/s, analytic ${analytic.toFixed(1)}`);
  t.true(Math.abs(measured - analytic) / analytic < 0.15);
});

test('with the virtual clock, broadcast saturation equals the analytic figure', async (t) => {
  const { port } = await startAir(t, { clock: 'virtual' });
  const a = await connect(t, port, { name: 'a', rate: 1 });
  const results = await saturate(a, BROADCAST, 300, 250, 8);
  const measured = measuredFramesPerSecond(results);
  const analytic = saturationFramesPerSecond({ payloadLength: 250, rate: 1, unicast: false });
  t.log(`virtual clock, broadcast 1 Mbit/s: measured ${measured.toFixed(1)} frames/s, analytic ${analytic.toFixed(1)}`);
  t.true(Math.abs(measured - analytic) / analytic < 0.01);
});

test('two senders on one channel share its airtime', async (t) => {
  const { port } = await startAir(t, { clock: 'virtual' });
  const a = await connect(t, port, { name: 'a', rate: 1 });
  const b = await connect(t, port, { name: 'b', rate: 1 });
  const [ra, rb] = await Promise.all([saturate(a, BROADCAST, 100, 250, 8), saturate(b, BROADCAST, 100, 250, 8)]);
  const combined = measuredFramesPerSecond([...ra, ...rb]);
  const analytic = saturationFramesPerSecond({ payloadLength: 250, rate: 1, unicast: false });
  t.true(Math.abs(combined - analytic) / analytic < 0.05, `combined ${combined.toFixed(1)} frames/s`);
});

test('senders on different channels do not share airtime', async (t) => {
  const { port } = await startAir(t, { clock: 'virtual' });
  const a = await connect(t, port, { name: 'a', rate: 1, channel: 1 });
  const b = await connect(t, port, { name: 'b', rate: 1, channel: 11 });
  const [ra, rb] = await Promise.all([saturate(a, BROADCAST, 100, 250, 8), saturate(b, BROADCAST, 100, 250, 8)]);
  const combined = measuredFramesPerSecond([...ra, ...rb]);
  const analytic = saturationFramesPerSecond({ payloadLength: 250, rate: 1, unicast: false });
  t.true(combined > 1.8 * analytic, `combined ${combined.toFixed(1)} frames/s`);
});
