import test from 'ava';
import { Air } from '../../tools/air/air.ts';
import { AirControl, AirNode, AirRequestError } from '../../tools/air/client.ts';
import { AckStatus, encode, MAGIC, MsgType } from '../../tools/air/protocol.ts';
import { connect, startAir } from './helpers.ts';

const until = async (condition: () => boolean, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
};

test('malformed datagrams are counted and dropped and the air keeps working', async (t) => {
  const { air, port, events } = await startAir(t);
  const a = await connect(t, port, { name: 'a' });
  const b = await connect(t, port, { name: 'b' });
  const send = encode({ type: 'send', req: 9, seq: 1, iface: 0, encrypt: false, dst: Buffer.alloc(6, 2), payload: Buffer.from('abcd') });
  const wrongVersion = Buffer.from(send);
  wrongVersion[4] = 99;
  const lengthTooLong = Buffer.from(send);
  lengthTooLong.writeUInt16LE(5000, 20);
  const garbage = [
    Buffer.alloc(0),
    Buffer.from('hi'),
    Buffer.from('not the air protocol at all'),
    Buffer.concat([MAGIC, Buffer.from([1, 0x7e, 0, 0])]),
    wrongVersion,
    send.subarray(0, send.length - 1),
    Buffer.concat([send, Buffer.from([0])]),
    lengthTooLong,
    Buffer.concat([MAGIC, Buffer.from([1, MsgType.HELLO, 1, 0, 0xff])]),
  ];
  for (const g of garbage) a.sendRaw(g);
  t.true(await until(() => air.stats().malformed === garbage.length, 2000), `malformed ${air.stats().malformed}`);
  t.is(events.filter((e) => e.ev === 'malformed').length, garbage.length);
  t.is(air.stats().internalErrors, 0);
  t.like(await a.send(b.sta, 'still here'), { ok: true });
  t.is((await b.recv())?.payload.toString(), 'still here');
});

test('a node that stops sending keepalives is removed', async (t) => {
  const { air, port, events } = await startAir(t, { nodeTimeoutMs: 200 });
  const quiet = await connect(t, port, { name: 'quiet', keepaliveMs: 0 });
  const chatty = await connect(t, port, { name: 'chatty' });
  t.is(air.list().length, 2);
  t.true(await until(() => air.list().length === 1, 2000));
  t.is(air.list()[0].name, 'chatty');
  t.true(events.some((e) => e.ev === 'node-leave' && e.node === 'quiet' && e.reason === 'timeout'));
  const err = await t.throwsAsync(quiet.ping());
  t.is((err as AirRequestError).status, AckStatus.NOT_REGISTERED);
  t.like(await chatty.send(quiet.sta, 'x'), { ok: false, reason: 'no-receiver-on-channel' });
});

test('a node that says BYE is removed at once', async (t) => {
  const { air, port, events } = await startAir(t);
  const a = await AirNode.connect({ port, name: 'a' });
  await a.close();
  t.true(await until(() => air.list().length === 0, 1000));
  t.true(events.some((e) => e.ev === 'node-leave' && e.reason === 'bye'));
});

test('a SEND from an unregistered address is refused', async (t) => {
  const { port } = await startAir(t, { nodeTimeoutMs: 100 });
  const a = await connect(t, port, { name: 'a', keepaliveMs: 0 });
  await new Promise((r) => setTimeout(r, 400));
  const status = await a.send('02:00:00:00:00:01', 'x');
  t.like(status, { status: 'refused', reason: 'not-registered' });
  t.regex(status.text, /not registered/);
});

test('starting on a port already in use fails with a clear error', async (t) => {
  const { port } = await startAir(t);
  const second = new Air();
  const err = await t.throwsAsync(second.start({ port }));
  t.regex(err?.message ?? '', new RegExp(`udp 127\\.0\\.0\\.1:${port}: the port is already in use \\(EADDRINUSE\\)`));
});

test('HELLO with an index or MAC already in use is refused', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { name: 'a', index: 5 });
  const byIndex = await t.throwsAsync(AirNode.connect({ port, name: 'b', index: 5 }));
  t.is((byIndex as AirRequestError).status, AckStatus.IN_USE);
  const byMac = await t.throwsAsync(AirNode.connect({ port, name: 'c', sta: a.sta }));
  t.regex(byMac?.message ?? '', /MAC 02:45:4e:53:00:05 is in use by a/);
});

test('HELLO with an invalid channel, rate or group MAC is refused with the reason', async (t) => {
  const { port } = await startAir(t);
  await t.throwsAsync(AirNode.connect({ port, channel: 15 }), { message: /channel must be 1\.\.14, got 15/ });
  await t.throwsAsync(AirNode.connect({ port, rate: 3 }), { message: /rate 3 Mbit\/s is not one of/ });
  await t.throwsAsync(AirNode.connect({ port, sta: '01:00:00:00:00:01' }), { message: /group address/ });
});

test('default MACs are deterministic from the node index and differ between STA and AP', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { index: 0 });
  const b = await connect(t, port, { index: 258 });
  t.is(a.sta, '02:45:4e:53:00:00');
  t.is(a.ap, '02:45:4e:41:00:00');
  t.is(b.sta, '02:45:4e:53:01:02');
  t.is(b.name, 'node258');
  const c = await connect(t, port, {});
  t.is(c.index, 1);
});

test('a requested MAC is used instead of the default', async (t) => {
  const { port } = await startAir(t);
  const a = await connect(t, port, { sta: '24:0a:c4:00:00:01', ap: '24:0a:c4:00:00:02' });
  t.is(a.sta, '24:0a:c4:00:00:01');
  t.is(a.ap, '24:0a:c4:00:00:02');
});

test('a malformed control request gets an error reply, not a crash', async (t) => {
  const { air, port } = await startAir(t);
  const control = await AirControl.connect(port);
  t.teardown(() => control.close());
  await t.throwsAsync(control.call({ op: 'fly' }), { message: /unknown op "fly"/ });
  await t.throwsAsync(control.call({ op: 'move', node: 'nobody', x: 1, y: 2 }), { message: /no node named or addressed "nobody"/ });
  await t.throwsAsync(control.call({ op: 'loss', p: 2 }), { message: /between 0 and 1/ });
  t.is(air.stats().internalErrors, 0);
});
