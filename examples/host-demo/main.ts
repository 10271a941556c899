/*
 * A sensor node's day in 30 ticks, without a radio yet: a repeating timer
 * samples a fake sensor, a one-shot reports, and the instrumentation shows
 * what each sample costs the XS machine.
 */

import Timer from "timer";
import { measure } from "instrument";

const samples = new Float32Array(30);
let count = 0;

function sample(): number {
	// a slow temperature drift with a little noise
	return 21 + Math.sin(count / 5) * 2 + ((count * 7919) % 13) / 26;
}

trace("host-demo: sampling every 20 ms\n");
Timer.repeat((timer) => {
	const cost = measure(() => {
		samples[count] = sample();
	});
	trace(`tick ${String(count + 1).padStart(2)}: ${samples[count].toFixed(2)} C  (${cost.computrons} computrons, ${cost.slots} slots, ${cost.bytes} bytes)\n`);
	if (++count === samples.length) {
		Timer.clear(timer);
		Timer.set(report, 10);
	}
}, 20);

async function report(): Promise<void> {
	const mean = await Promise.resolve(samples.reduce((a, b) => a + b, 0) / samples.length);
	trace(`host-demo: mean ${mean.toFixed(2)} C over ${samples.length} samples; done\n`);
}
