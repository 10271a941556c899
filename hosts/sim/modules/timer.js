/*
 * Moddable's timer module (the API of @moddable/typings' "timer"), bound to
 * the simulator's event loop (hosts/sim/simTimer.c).
 */

class Timer @ "xs_timer_destructor" {
	constructor() {
		throw new TypeError("Timer: use Timer.set or Timer.repeat");
	}
	static set(callback, interval, repeat) @ "xs_timer_set";
	static repeat(callback, interval) @ "xs_timer_repeat";
	static schedule(timer, interval, repeat) @ "xs_timer_schedule";
	static clear(timer) @ "xs_timer_clear";
	static delay(milliseconds) @ "xs_timer_delay";
}
Object.freeze(Timer.prototype);
Object.freeze(Timer);

export default Timer;
