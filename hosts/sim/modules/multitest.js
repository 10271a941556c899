/*
 * multitest: how the instances of a multi-node test coordinate, when
 * `espnow-sim multitest` runs them (tools/sim/multitest.ts), with the
 * semantics of the multitest class of MicroPython's tests/run-multitests.py.
 * Native half: simMultitest.c.
 *
 * With the runner, an instance speaks in lines.
 * - On standard output, among its trace output, control records:
 *   "\x01multitest " + command [+ " " + JSON] + "\n", where command is next,
 *   broadcast (a JSON string), globals (a JSON object) or skip. The \x01 lets
 *   the runner find a record even after a trace that did not end its line, and
 *   take it out of the output compared with the test's .exp file.
 * - On standard input, JSON: first {"instance": N, "globals": {...}}, read by
 *   begin() before the test module is imported, then each message another
 *   instance broadcast, as a JSON string, read by wait().
 * Uint8Array values of globals travel as {"$Uint8Array": [byte, ...]}.
 */

function readLine() @ "xs_multitest_read_line";
function exit(status) @ "xs_multitest_exit";

const RECORD = "\x01multitest ";
const BYTES = "$Uint8Array";
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function encode(key, value) {
	if (value instanceof Uint8Array)
		return { [BYTES]: Array.from(value) };
	const type = typeof value;
	if ((type === "function") || (type === "symbol") || (type === "undefined") || (type === "bigint"))
		throw new TypeError(`multitest.globals: ${key} is ${type === "undefined" ? "undefined" : `a ${type}`}; expected JSON values and Uint8Array`);
	return value;
}

function decode(key, value) {
	if ((typeof value === "object") && (value !== null) && !Array.isArray(value)) {
		const keys = Object.keys(value);
		if ((keys.length === 1) && (keys[0] === BYTES))
			return Uint8Array.from(value[BYTES]);
	}
	return value;
}

function record(command, value) {
	trace(RECORD + command + ((value === undefined) ? "" : " " + JSON.stringify(value, encode)) + "\n");
}

function message(what, value) {
	if (typeof value !== "string")
		throw new TypeError(`multitest.${what}: the message must be a string, got ${(value === null) ? "null" : typeof value}`);
	return value;
}

/** Lets the runner start the next instance. */
function next() {
	record("next");
}

/** Sends a message to every other instance, for their wait(). */
function broadcast(text) {
	record("broadcast", message("broadcast", text));
}

/** Blocks until another instance broadcasts this message; other messages are skipped. */
function wait(text) {
	message("wait", text);
	for (;;) {
		const line = readLine();
		if (line === undefined)
			throw new Error(`multitest.wait: the runner closed the input before anyone broadcast ${JSON.stringify(text)}`);
		if (JSON.parse(line) === text)
			return;
	}
}

/** Makes each property a global variable of the instances started after this one. */
function globals(values) {
	if ((typeof values !== "object") || (values === null) || Array.isArray(values))
		throw new TypeError("multitest.globals: expected an object of name: value");
	for (const name of Object.keys(values)) {
		if (!IDENTIFIER.test(name))
			throw new TypeError(`multitest.globals: ${JSON.stringify(name)} is not an identifier`);
	}
	record("globals", values);
}

/** Skips the test: the runner counts it as skipped, and this instance ends now. */
function skip() {
	record("skip");
	exit(0);
}

/* For the main module the runner generates: reads the instance's number and
   the globals of the earlier instances, and defines those globals. */
function begin() {
	const line = readLine();
	if (line === undefined)
		throw new Error("multitest: no instance header on the standard input (tests run with espnow-sim multitest)");
	const header = JSON.parse(line, decode);
	for (const name of Object.keys(header.globals))
		globalThis[name] = header.globals[name];
	return header.instance;
}

const multitest = Object.freeze({ next, broadcast, wait, globals, skip });

export default multitest;
export { next, broadcast, wait, globals, skip, begin };
