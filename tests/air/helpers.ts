/** Shared set-up for the air tests: an air per test, nodes that close with the test. */
import type { ExecutionContext } from 'ava';
import { Air, type AirEvent, type AirOptions } from '../../tools/air/air.ts';
import { AirNode, type AirNodeOptions, type SendResult } from '../../tools/air/client.ts';

export { BROADCAST } from '../../tools/air/mac.ts';

export interface TestAir {
  air: Air;
  port: number;
  events: AirEvent[];
}

/** Starts an air on a free loopback port; it stops when the test ends. */
export async function startAir(t: ExecutionContext, options: AirOptions = {}): Promise<TestAir> {
  const air = new Air();
  const events: AirEvent[] = [];
  air.on('event', (e: AirEvent) => events.push(e));
  const port = await air.start({ seed: 1, ...options });
  t.teardown(() => air.stop());
  return { air, port, events };
}

/** Connects a node; it says BYE when the test ends. */
export async function connect(t: ExecutionContext, port: number, options: Omit<AirNodeOptions, 'port'> = {}): Promise<AirNode> {
  const node = await AirNode.connect({ port, ...options });
  t.teardown(() => node.close());
  return node;
}

/** Resolves true if nothing arrives at `node` within `ms`. */
export async function receivesNothing(node: AirNode, ms = 100): Promise<boolean> {
  return (await node.recv(ms)) === undefined;
}

/** The drop events of one frame, as "node:reason" strings. */
export function drops(events: AirEvent[]): string[] {
  return events.flatMap((e) => (e.ev === 'drop' ? [`${e.node}:${e.reason}`] : []));
}

/**
 * Sends `count` frames keeping `window` of them outstanding, so the channel never
 * runs dry, and returns their send statuses.
 */
export async function saturate(
  node: AirNode,
  dst: string,
  count: number,
  payloadLength: number,
  window = 32,
): Promise<SendResult[]> {
  const payload = Buffer.alloc(payloadLength, 0x5a);
  const results: SendResult[] = [];
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < count) {
      started++;
      results.push(await node.send(dst, payload));
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  return results;
}

/** Frames per second from the model's completion times of a saturated run. */
export function measuredFramesPerSecond(results: SendResult[]): number {
  const times = results.map((r) => r.timeUs).sort((a, b) => a - b);
  return ((times.length - 1) * 1e6) / (times[times.length - 1] - times[0]);
}
