/**
 * Runs the air as a process:
 *
 *   node --import tsx tools/air/main.ts --port 5555 --pcap air.pcap --log air.jsonl
 *
 * Prints "air listening on udp HOST:PORT" once it is ready, then runs until SIGINT
 * or SIGTERM. Exit status 1 with a one-line message if it cannot start.
 */
import { parseArgs } from 'node:util';
import { Air, type AirOptions } from './air.ts';

const USAGE = `usage: node --import tsx tools/air/main.ts [options]
  --port P        UDP port (default 0: any free port, printed on start)
  --host A        address to listen on (default 127.0.0.1)
  --seed N        seed of all random decisions (default 1)
  --pcap FILE     write every frame to a pcap (radiotap, link type 127)
  --log FILE      write the event log as JSON lines
  --clock C       real (default) or virtual
  --timeout MS    remove nodes silent for this long (default 3000)
  --jitter US     extra receive latency, uniform 0..US (default 0)
  --retries N     MAC retransmissions of unacknowledged unicast (default 6: 7 attempts)
  --loss P        global loss probability 0..1 (default 0)
  --verbose       print every event to stderr
  --help`;

function number(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new Error(`--${name}: expected a number, got ${JSON.stringify(text)}`);
  return v;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      pcap: { type: 'string' },
      log: { type: 'string' },
      clock: { type: 'string' },
      timeout: { type: 'string' },
      jitter: { type: 'string' },
      retries: { type: 'string' },
      loss: { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.clock !== undefined && values.clock !== 'real' && values.clock !== 'virtual') {
    throw new Error(`--clock: expected real or virtual, got ${JSON.stringify(values.clock)}`);
  }
  const options: AirOptions = {
    port: number('port', values.port),
    host: values.host,
    seed: number('seed', values.seed),
    pcap: values.pcap,
    log: values.log,
    clock: values.clock as AirOptions['clock'],
    nodeTimeoutMs: number('timeout', values.timeout),
    jitterUs: number('jitter', values.jitter),
    retries: number('retries', values.retries),
    loss: number('loss', values.loss),
  };
  for (const key of Object.keys(options) as (keyof AirOptions)[]) if (options[key] === undefined) delete options[key];

  const air = new Air();
  if (values.verbose) air.on('event', (e) => process.stderr.write(JSON.stringify(e) + '\n'));
  const port = await air.start(options);
  console.log(`air listening on udp ${options.host ?? '127.0.0.1'}:${port}`);
  const shutdown = (): void => {
    air.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  console.error('run with --help for usage');
  process.exit(1);
});
