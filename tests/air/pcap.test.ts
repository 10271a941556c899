import test, { type ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Air } from '../../tools/air/air.ts';
import { AirNode } from '../../tools/air/client.ts';

const run = promisify(execFile);

interface Row {
  subtype: string;
  ds: string;
  da: string;
  sa: string;
  bssid: string;
  protected: string;
  fcs: string;
  category: string;
  oui: string;
  data: Buffer;
  rate: string;
  freq: string;
  signal: string;
  extiv: string;
}

const FIELDS = [
  'wlan.fc.type_subtype', 'wlan.fc.ds', 'wlan.da', 'wlan.sa', 'wlan.bssid', 'wlan.fc.protected', 'wlan.fcs.status',
  'wlan.fixed.category_code', 'wlan.tag.oui', 'data.data', 'radiotap.datarate', 'radiotap.channel.freq',
  'radiotap.dbm_antsignal', 'wlan.ccmp.extiv',
];

/** Decodes a capture with tshark; fails (does not skip) when tshark is missing. */
async function tshark(file: string): Promise<Row[]> {
  let stdout: string;
  try {
    ({ stdout } = await run('tshark', ['-r', file, '-o', 'wlan.check_checksum:TRUE', '-T', 'fields', '-E', 'separator=/t', ...FIELDS.flatMap((f) => ['-e', f])]));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new Error('tshark is not installed: apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y tshark');
    throw err;
  }
  return stdout.trimEnd().split('\n').map((line) => {
    const v = line.split('\t');
    return {
      subtype: v[0], ds: v[1], da: v[2], sa: v[3], bssid: v[4], protected: v[5], fcs: v[6], category: v[7], oui: v[8],
      data: Buffer.from(v[9].replace(/:/g, ''), 'hex'), rate: v[10], freq: v[11], signal: v[12], extiv: v[13],
    };
  });
}

/** The ESP-NOW body from the data tshark leaves undissected after category and OUI. */
function espNowBody(data: Buffer): { version: number; body: Buffer; elements: number } {
  const chunks: Buffer[] = [];
  let version = -1;
  let at = 4;
  while (at < data.length) {
    if (data[at] !== 221) throw new Error(`element id ${data[at]} at ${at}, expected 221`);
    const len = data[at + 1];
    if (data.subarray(at + 2, at + 5).toString('hex') !== '18fe34') throw new Error('element OUI is not 18:fe:34');
    if (data[at + 5] !== 4) throw new Error(`type ${data[at + 5]}, expected 4`);
    version = data[at + 6];
    chunks.push(data.subarray(at + 7, at + 2 + len));
    at += 2 + len;
  }
  return { version, body: Buffer.concat(chunks), elements: chunks.length };
}

interface Capture {
  file: string;
  rows: Row[];
  sta: { a: string; b: string; c: string };
}

const UNICAST = Buffer.from('unicast payload \x00\x01\x02\xff');
const BROADCAST_PAYLOAD = Buffer.from('broadcast payload');
const LONG = Buffer.from(Array.from({ length: 600 }, (_, i) => i & 0xff));
const SECRET = 'PLAINTEXT-MUST-NOT-APPEAR-7f3a9c';

/** Captures four frames (unicast, broadcast, 600-byte v2, encrypted) and decodes them. */
async function capture(t: ExecutionContext): Promise<Capture> {
  const dir = mkdtempSync(join(tmpdir(), 'air-pcap-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'air.pcap');
  const air = new Air();
  const port = await air.start({ pcap: file, seed: 7 });
  t.teardown(() => air.stop());
  const a = await AirNode.connect({ port, name: 'a', channel: 6, rate: 1 });
  const b = await AirNode.connect({ port, name: 'b', channel: 6, x: 10 });
  const c = await AirNode.connect({ port, name: 'c', channel: 6, x: 20 });
  const lmk = Buffer.alloc(16, 0x33);
  await a.setPeerKey(b.sta, lmk);
  await b.setPeerKey(a.sta, lmk);
  t.like(await a.send(b.sta, UNICAST), { ok: true });
  t.like(await a.send('ff:ff:ff:ff:ff:ff', BROADCAST_PAYLOAD), { ok: true });
  await a.setState({ rate: 54 });
  t.like(await a.send(c.sta, LONG), { ok: true });
  t.like(await a.send(b.sta, SECRET, { encrypt: true }), { ok: true });
  const sta = { a: a.sta, b: b.sta, c: c.sta };
  for (const n of [a, b, c]) await n.close();
  await air.stop();
  const rows = await tshark(file);
  t.is(rows.length, 4);
  return { file, rows, sta };
}

test('captured frames decode in tshark as vendor-specific action frames laid out as ESP-NOW', async (t) => {
  const { rows, sta } = await capture(t);
  for (const r of rows) {
    t.is(r.subtype, '0x000d', 'management frame, subtype action');
    t.is(r.ds, '0x00', 'ToDS and FromDS are 0');
    t.is(r.sa, sta.a);
    t.is(r.bssid, 'ff:ff:ff:ff:ff:ff');
    t.is(r.fcs, '1', 'FCS verified good');
  }
  const [u, bc, lg] = rows;
  t.is(u.da, sta.b);
  t.is(bc.da, 'ff:ff:ff:ff:ff:ff');
  t.is(lg.da, sta.c);
  for (const r of [u, bc, lg]) {
    t.is(r.protected, '0');
    t.is(r.category, '127');
    t.is(Number(r.oui), 0x18fe34);
  }
  t.deepEqual(espNowBody(u.data), { version: 2, body: UNICAST, elements: 1 });
  t.deepEqual(espNowBody(bc.data).body, BROADCAST_PAYLOAD);
  t.deepEqual(espNowBody(lg.data), { version: 2, body: LONG, elements: 3 });
});

test('the radiotap header carries rate, channel frequency and antenna signal', async (t) => {
  const { file, rows } = await capture(t);
  t.is(readFileSync(file).readUInt32LE(20), 127, 'link type 127, radiotap');
  t.like(rows[0], { rate: '1', freq: '2437', signal: '-50' });
  t.like(rows[2], { rate: '54', freq: '2437', signal: '-59' });
});

test('an encrypted frame is captured with a CCMP header and no trace of its plaintext', async (t) => {
  const { file, rows, sta } = await capture(t);
  const enc = rows[3];
  t.is(enc.da, sta.b);
  t.is(enc.protected, '1');
  t.is(enc.category, '', 'the category is inside the ciphertext');
  t.regex(enc.extiv, /^0x0*1$/);
  const bytes = readFileSync(file);
  t.is(bytes.indexOf(SECRET), -1, 'the plaintext of the encrypted frame is nowhere in the capture');
  t.not(bytes.indexOf(UNICAST), -1, 'plain payloads are in the capture as they were sent');
});
