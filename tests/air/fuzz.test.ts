/*
 * Fuzzing the air's decoders with a seeded mutation loop (libFuzzer's
 * mutations, in TypeScript): the datagram decoder (protocol.ts decode), which
 * reads everything a node or a tool sends, and the 802.11 frame decoder
 * (frame.ts decodeFrame), which reads every frame a receiver gets. The corpus
 * is one valid message of each type and a few frames, below; each iteration
 * mutates one of them. A decoder may only answer (a message, a frame, or a
 * reason) or throw ProtocolError; a message it returns must encode again to
 * the same message, and its lengths are within the protocol's bounds. The
 * seed and the iteration count are printed, so a failure repeats.
 */

import test from 'ava';
import { decode, encode, MAX_NAME, MAX_PAYLOAD, ProtocolError, type Message } from '../../tools/air/protocol.ts';
import { decodeFrame, deriveKey, encodeFrame, type FrameFields } from '../../tools/air/frame.ts';
import { Prng } from '../../tools/air/prng.ts';

const SEED = 20261201;
const ITERATIONS = 20000;

const mac = (hex: string): Buffer => Buffer.from(hex, 'hex');
const STA = mac('02454e530001');
const AP = mac('02454e410001');
const GROUP = mac('ffffffffffff');

const messages: Message[] = [
  { type: 'hello', req: 1, index: 0xffff, chip: 0, version: 2, staOn: true, apOn: false, espnow: true, channel: 6, rate: 5.5, x: 1.5, y: -2, sta: Buffer.alloc(6), ap: Buffer.alloc(6), name: 'node1' },
  { type: 'state', req: 2, staOn: true, apOn: true, espnow: true, channel: 11, rate: 54, version: 1 },
  { type: 'set-pmk', req: 3, pmk: Buffer.from('0123456789abcdef') },
  { type: 'set-peer-key', req: 4, mac: STA, lmk: Buffer.alloc(16, 7) },
  { type: 'set-peer-key', req: 5, mac: STA, lmk: undefined },
  { type: 'send', req: 0, seq: 9, iface: 0, encrypt: false, dst: GROUP, payload: Buffer.from('hello, air') },
  { type: 'send', req: 0, seq: 10, iface: 1, encrypt: true, dst: STA, payload: Buffer.alloc(250, 0x5a) },
  { type: 'position', req: 6, x: 3, y: 4 },
  { type: 'ping', req: 7 },
  { type: 'bye', req: 0 },
  { type: 'control', req: 8, json: '{"op":"list"}' },
  { type: 'ack', req: 9, status: 1, text: 'not registered' },
  { type: 'welcome', req: 1, status: 0, index: 1, sta: STA, ap: AP, timeoutMs: 3000, timeUs: 12345, paceMs: 2, text: '' },
  { type: 'send-status', req: 0, seq: 9, status: 2, reason: 10, timeUs: 99, text: 'not registered' },
  { type: 'pong', req: 7, timeUs: 5 },
  { type: 'recv', req: 0, src: STA, dst: GROUP, rssi: -40, channel: 1, encrypted: false, version: 2, timeUs: 77, payload: Buffer.from('frame') },
  { type: 'notice', req: 0, staOn: true, apOn: false, espnow: true, stopped: true, channel: 3, rate: 1, x: 0, y: 0 },
  { type: 'control-reply', req: 8, json: '{"ok":true,"result":null}' },
];

const INTERESTING16 = [0, 1, 15, 16, 17, 32, 33, 249, 250, 251, 1470, 1490, 1491, 0x7fff, 0x8000, 0xffff];

/** libFuzzer's kinds of mutation: bits, bytes, runs inserted, deleted or repeated, 16-bit lengths, splices. */
function mutate(random: Prng, input: Buffer, corpus: Buffer[]): Buffer {
  let data = Buffer.from(input);
  const rounds = 1 + (random.nextU32() % 8);
  const below = (n: number): number => (n > 0 ? random.nextU32() % n : 0);
  for (let r = 0; r < rounds; r++) {
    const at = below(data.length + 1);
    switch (below(8)) {
      case 0: if (data.length) data[below(data.length)] ^= 1 << below(8); break;
      case 1: if (data.length) data[below(data.length)] = below(256); break;
      case 2: if (data.length) data[below(data.length)] = [0, 1, 0x7f, 0x80, 0xff, 0x40][below(6)]; break;
      case 3: data = Buffer.concat([data.subarray(0, at), random.bytes(1 + below(16)), data.subarray(at)]); break;
      case 4: data = Buffer.concat([data.subarray(0, at), data.subarray(at + 1 + below(16))]); break;
      case 5: data = Buffer.concat([data.subarray(0, at), data.subarray(at, at + 1 + below(32)), data.subarray(at)]); break;
      case 6: if (data.length >= 2) data.writeUInt16LE(INTERESTING16[below(INTERESTING16.length)], below(data.length - 1)); break;
      default: {
        const other = corpus[below(corpus.length)];
        data = Buffer.concat([data.subarray(0, at), other.subarray(below(other.length + 1))]);
      }
    }
  }
  return data.subarray(0, 2048);
}

test('the datagram decoder answers every mutated datagram with a message or a ProtocolError', (t) => {
  const corpus = messages.map(encode);
  for (const bytes of corpus) t.deepEqual(decode(bytes), decode(encode(decode(bytes))));
  const random = new Prng(SEED);
  const decoded = new Map<string, number>();
  let refused = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const input = mutate(random, corpus[random.nextU32() % corpus.length], corpus);
    let m: Message;
    try {
      m = decode(input);
    } catch (error) {
      if (!(error instanceof ProtocolError)) t.fail(`iteration ${i}: decode threw ${String(error)} for ${input.toString('hex')}`);
      refused++;
      continue;
    }
    decoded.set(m.type, (decoded.get(m.type) ?? 0) + 1);
    if ('payload' in m && m.payload.length > MAX_PAYLOAD) t.fail(`iteration ${i}: a ${m.payload.length}-byte payload`);
    if (m.type === 'hello' && Buffer.byteLength(m.name) > 4 * MAX_NAME) t.fail(`iteration ${i}: a name of ${m.name.length}`);
    /* what it accepted has one meaning: encoded again (where it can be), it decodes to the same */
    let again: Buffer | undefined;
    try {
      again = encode(m);
    } catch (error) {
      if (!(error instanceof ProtocolError) && !(error instanceof RangeError)) t.fail(`iteration ${i}: encode threw ${String(error)}`);
    }
    if (again) t.deepEqual(decode(again), m, `iteration ${i}: ${input.toString('hex')}`);
  }
  t.log(`datagrams: ${corpus.length} corpus inputs, ${ITERATIONS} iterations, seed ${SEED}, ${refused} refused, decoded ${[...decoded].map(([k, v]) => `${k} ${v}`).join(', ')}, 0 crashes`);
  t.true(refused > 0 && decoded.size > 5);
});

test('the frame decoder answers every mutated frame with a frame or a reason', (t) => {
  const key = deriveKey(Buffer.from('0123456789abcdef'), Buffer.alloc(16, 9));
  const fields = (payload: Buffer, version: number, dst: Buffer): FrameFields => ({
    dst, src: STA, sequence: 42, retry: false, durationUs: 44, version, random: Buffer.from([1, 2, 3, 4]), payload,
  });
  const corpus = [
    encodeFrame(fields(Buffer.from('hello'), 1, GROUP)),
    encodeFrame(fields(Buffer.alloc(250, 3), 1, AP)),
    encodeFrame(fields(Buffer.alloc(600, 4), 2, AP)),
    encodeFrame(fields(Buffer.from('secret'), 2, AP), { key, pn: 7 }),
  ];
  const keyFor = (src: Buffer): Buffer | undefined => (src.equals(STA) ? key : undefined);
  for (const frame of corpus) t.true(decodeFrame(frame, keyFor).ok);
  const random = new Prng(SEED + 1);
  const reasons = new Map<string, number>();
  for (let i = 0; i < ITERATIONS; i++) {
    const input = mutate(random, corpus[random.nextU32() % corpus.length], corpus);
    let result: ReturnType<typeof decodeFrame>;
    try {
      result = decodeFrame(input, keyFor);
    } catch (error) {
      t.fail(`iteration ${i}: decodeFrame threw ${String(error)} for ${input.toString('hex')}`);
      continue;
    }
    const name = result.ok ? 'ok' : result.reason;
    reasons.set(name, (reasons.get(name) ?? 0) + 1);
    if (result.ok && result.frame.payload.length > input.length) t.fail(`iteration ${i}: a payload longer than the frame`);
  }
  t.log(`frames: ${corpus.length} corpus inputs, ${ITERATIONS} iterations, seed ${SEED + 1}, ${[...reasons].map(([k, v]) => `${k} ${v}`).join(', ')}, 0 crashes`);
  t.true((reasons.get('malformed') ?? 0) > 0);
});
