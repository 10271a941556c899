import test from 'ava';
import { decode, encode, ProtocolError, type Message } from '../../tools/air/protocol.ts';

const mac = (hex: string): Buffer => Buffer.from(hex, 'hex');
const hex = (b: Buffer): string => b.toString('hex');

test('SEND is laid out byte for byte as PROTOCOL.md says', (t) => {
  const bytes = encode({ type: 'send', req: 0x0102, seq: 0x0a0b0c0d, iface: 1, encrypt: true, dst: mac('ffffffffffff'), payload: Buffer.from('hi') });
  t.is(hex(bytes), [
    '454e4152', '01', '05', '0201', // magic "ENAR", version 1, type SEND, request id 0x0102
    '0d0c0b0a', '01', '01', 'ffffffffffff', // seq, interface AP, flags encrypt, dest
    '0200', '6869', // length, payload
  ].join(''));
});

test('HELLO is laid out byte for byte as PROTOCOL.md says', (t) => {
  const bytes = encode({
    type: 'hello', req: 1, index: 0xffff, chip: 1, version: 2, staOn: true, apOn: false, espnow: true, channel: 6, rate: 5.5,
    x: 1.5, y: -2, sta: Buffer.alloc(6), ap: mac('020000000002'), name: 'ab',
  });
  t.is(hex(bytes), [
    '454e4152', '01', '01', '0100',
    'ffff', '01', '02', '05', '06', '0b00', // index any, esp8266, v2, flags STA|ESPNOW, channel 6, rate 11 x 500 kbit/s
    '0000c03f', '000000c0', // x = 1.5f, y = -2.0f
    '000000000000', '020000000002', '02', '6162',
  ].join(''));
});

test('RECV is laid out byte for byte as PROTOCOL.md says', (t) => {
  const bytes = encode({
    type: 'recv', req: 0, src: mac('024e4e530001'), dst: mac('ffffffffffff'), rssi: -60, channel: 11, encrypted: true, version: 2,
    timeUs: 0x0102030405, payload: Buffer.from([0xaa]),
  });
  t.is(hex(bytes), [
    '454e4152', '01', '90', '0000',
    '024e4e530001', 'ffffffffffff', 'c4', '0b', '01', '02', // src, dest, rssi -60, channel, flags, version
    '0504030201000000', '0100', 'aa', // time, length, payload
  ].join(''));
});

test('SEND_STATUS is laid out byte for byte as PROTOCOL.md says', (t) => {
  const bytes = encode({ type: 'send-status', req: 7, seq: 3, status: 1, reason: 2, timeUs: 3050, text: '' });
  t.is(hex(bytes), ['454e4152', '01', '85', '0700', '03000000', '01', '02', '0000', 'ea0b000000000000', '00'].join(''));
});

test('every message type survives an encode/decode round trip', (t) => {
  const messages: Message[] = [
    { type: 'hello', req: 1, index: 3, chip: 0, version: 1, staOn: true, apOn: true, espnow: false, channel: 14, rate: 54, x: 0.25, y: 8, sta: mac('020000000001'), ap: mac('020000000002'), name: 'n' },
    { type: 'state', req: 2, staOn: false, apOn: true, espnow: true, channel: 3, rate: 11, version: 2 },
    { type: 'set-pmk', req: 3, pmk: Buffer.alloc(16, 1) },
    { type: 'set-peer-key', req: 4, mac: mac('020000000003'), lmk: Buffer.alloc(16, 2) },
    { type: 'set-peer-key', req: 5, mac: mac('020000000003'), lmk: undefined },
    { type: 'send', req: 6, seq: 4294967295, iface: 0, encrypt: false, dst: mac('020000000004'), payload: Buffer.alloc(1470, 9) },
    { type: 'position', req: 7, x: -3.5, y: 1e6 },
    { type: 'ping', req: 8 },
    { type: 'bye', req: 9 },
    { type: 'control', req: 10, json: '{"op":"list"}' },
    { type: 'ack', req: 11, status: 2, text: 'state: channel must be 1..14, got 0' },
    { type: 'welcome', req: 12, status: 0, index: 1, sta: mac('024e4e530001'), ap: mac('024e4e410001'), timeoutMs: 3000, timeUs: 123456789, paceMs: 2, text: '' },
    { type: 'send-status', req: 13, seq: 1, status: 2, reason: 7, timeUs: 5, text: 'no' },
    { type: 'pong', req: 14, timeUs: 2 ** 40 },
    { type: 'recv', req: 0, src: mac('020000000001'), dst: mac('020000000002'), rssi: -127, channel: 1, encrypted: false, version: 1, timeUs: 1, payload: Buffer.alloc(0) },
    { type: 'notice', req: 0, staOn: true, apOn: false, espnow: true, stopped: true, channel: 7, rate: 2, x: 1, y: 2 },
    { type: 'control-reply', req: 15, json: '{"ok":true,"result":null}' },
  ];
  for (const m of messages) t.deepEqual(decode(encode(m)), m, m.type);
});

test('decode rejects truncated, oversized and unknown datagrams with a reason', (t) => {
  const send = encode({ type: 'send', req: 1, seq: 1, iface: 0, encrypt: false, dst: Buffer.alloc(6), payload: Buffer.from('abc') });
  t.throws(() => decode(send.subarray(0, 5)), { instanceOf: ProtocolError, message: /shorter than the 8-byte header/ });
  t.throws(() => decode(send.subarray(0, send.length - 1)), { instanceOf: ProtocolError, message: /truncated payload/ });
  t.throws(() => decode(Buffer.concat([send, Buffer.from([0])])), { instanceOf: ProtocolError, message: /1 trailing bytes/ });
  const unknown = Buffer.from(send);
  unknown[5] = 0x33;
  t.throws(() => decode(unknown), { instanceOf: ProtocolError, message: /unknown message type 0x33/ });
  const magic = Buffer.from(send);
  magic[0] = 0;
  t.throws(() => decode(magic), { instanceOf: ProtocolError, message: /bad magic/ });
});
