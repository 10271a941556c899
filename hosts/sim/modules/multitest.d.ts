/**
 * Coordination of the instances of a multi-node test run by
 * `espnow-sim multitest` (MicroPython's multitest class, in TypeScript).
 * A test module exports `instance0()`, `instance1()`, ...; each runs in its
 * own simulated node.
 */
declare module "multitest" {
	/** Lets the runner start the next instance. */
	export function next(): void;
	/** Sends `message` to every other instance (those started later get it too). */
	export function broadcast(message: string): void;
	/** Blocks until another instance broadcasts `message`; other messages are skipped. */
	export function wait(message: string): void;
	/**
	 * Makes each property a global variable of the instances started after
	 * this one (declare them in those: `declare const PEER: Uint8Array`).
	 * Values are JSON values and Uint8Array.
	 */
	export function globals(values: Record<string, unknown>): void;
	/** Skips the test: it is counted as skipped, and this instance ends now. */
	export function skip(): never;

	const multitest: {
		readonly next: typeof next;
		readonly broadcast: typeof broadcast;
		readonly wait: typeof wait;
		readonly globals: typeof globals;
		readonly skip: typeof skip;
	};
	export default multitest;
}
