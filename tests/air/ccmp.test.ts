import test from 'ava';
import { deriveKey } from '../../tools/air/frame.ts';
import { BROADCAST, connect, drops, receivesNothing, startAir } from './helpers.ts';

const PMK = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const LMK = Buffer.from('0f0e0d0c0b0a09080706050403020100', 'hex');

test('the CCMP key is the LMK encrypted with the PMK by one AES-128 block', (t) => {
  // FIPS-197 appendix C.1: AES-128 of 00112233...eeff under key 00010203...0f.
  const pmk = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
  const lmk = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  t.is(deriveKey(pmk, lmk).toString('hex'), '69c4e0d86a7b0430d8cdb78070b4c55a');
});

test('an encrypted frame between peers with the same PMK and LMK is delivered decrypted', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a' });
  const b = await connect(t, port, { name: 'b' });
  for (const n of [a, b]) await n.setPmk(PMK);
  await a.setPeerKey(b.sta, LMK);
  await b.setPeerKey(a.sta, LMK);
  t.like(await a.send(b.sta, 'secret message', { encrypt: true }), { ok: true });
  const got = await b.recv();
  t.true(got?.encrypted);
  t.is(got?.payload.toString(), 'secret message');
});

test('a receiver with a different PMK acknowledges but does not deliver an encrypted frame', async (t) => {
  const { port, events } = await startAir(t);
  const a = await connect(t, port, { name: 'a' });
  const b = await connect(t, port, { name: 'b' });
  await a.setPmk(PMK);
  await b.setPmk(Buffer.alloc(16, 0x77));
  await a.setPeerKey(b.sta, LMK);
  await b.setPeerKey(a.sta, LMK);
  t.like(await a.send(b.sta, 'secret', { encrypt: true }), { ok: true, status: 'success' });
  t.true(await receivesNothing(b));
  t.deepEqual(drops(events), ['b:key-mismatch']);
});

test('a receiver with a different LMK acknowledges but does not deliver an encrypted frame', async (t) => {
  const { port, events } = await startAir(t);
  const a = await connect(t, port, { name: 'a' });
  const b = await connect(t, port, { name: 'b' });
  await a.setPeerKey(b.sta, LMK);
  await b.setPeerKey(a.sta, Buffer.alloc(16, 0x42));
  t.like(await a.send(b.sta, 'secret', { encrypt: true }), { ok: true });
  t.true(await receivesNothing(b));
  t.deepEqual(drops(events), ['b:key-mismatch']);
});

test('a receiver with no key for the sender drops its encrypted frames', async (t) => {
  const { port, events } = await startAir(t);
  const a = await connect(t, port, { name: 'a' });
  const b = await connect(t, port, { name: 'b' });
  await a.setPeerKey(b.sta, LMK);
  t.like(await a.send(b.sta, 'secret', { encrypt: true }), { ok: true });
  t.true(await receivesNothing(b));
  t.deepEqual(drops(events), ['b:no-key']);
});

test('asking to encrypt a broadcast or multicast frame is refused with a reason', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a' });
  await connect(t, port, { name: 'b' });
  for (const dst of [BROADCAST, '33:33:00:00:00:01']) {
    const status = await a.send(dst, 'x', { encrypt: true });
    t.like(status, { status: 'refused', reason: 'encrypt-group' });
    t.regex(status.text, /encryption of broadcast and multicast frames is not supported/);
  }
});

test('setting an LMK for a broadcast address is refused', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a' });
  const err = await t.throwsAsync(a.setPeerKey(BROADCAST, LMK));
  t.regex(err?.message ?? '', /encryption of broadcast and multicast frames is not supported/);
});

test('asking to encrypt to a peer without an LMK is refused', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a' });
  const b = await connect(t, port, { name: 'b' });
  t.like(await a.send(b.sta, 'x', { encrypt: true }), { status: 'refused', reason: 'no-key' });
});

test('deinitialising ESP-NOW forgets the peer keys', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a' });
  const b = await connect(t, port, { name: 'b' });
  await a.setPeerKey(b.sta, LMK);
  await a.setState({ espnow: false });
  await a.setState({ espnow: true });
  t.like(await a.send(b.sta, 'x', { encrypt: true }), { status: 'refused', reason: 'no-key' });
});
