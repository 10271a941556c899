declare module "instrument" {
	/** Growth of the engine's counters during one call of fn, with the collector off. */
	export interface Measure<T> {
		computrons: number;
		slots: number;
		bytes: number;
		result: T;
	}
	export function measure<T>(fn: () => T): Measure<T>;
	/** Highest slot count and chunk bytes so far; slotSize is sizeof(txSlot). */
	export function peaks(): { slots: number; bytes: number; slotSize: number };
	export function current(): { slots: number; bytes: number; computrons: number; slotSize: number };
	/** The heaps the engine has now, used or free: slots and chunk bytes; and of them, free when heap() was called (freeSlots, freeBytes). */
	export function heap(): { slots: number; bytes: number; freeSlots: number; freeBytes: number };
	export function collect(): void;
}
