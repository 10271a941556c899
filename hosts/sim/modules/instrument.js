/*
 * Deterministic measurements for benchmarks in the simulator
 * (hosts/sim/simInstrument.c). Not available on devices.
 */

function measure(fn) @ "xs_instrument_measure";
function peaks() @ "xs_instrument_peaks";
function current() @ "xs_instrument_current";
function heap() @ "xs_instrument_heap";
function collect() @ "xs_instrument_collect";

export { measure, peaks, current, heap, collect };
