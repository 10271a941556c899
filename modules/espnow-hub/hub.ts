/*
 * espnow-hub: what every hub-and-nodes network on ESP-NOW needs, done once.
 *
 * A request carries a 16-bit id chosen by its sender; its response carries
 * the same id, so a response is matched to its request however other traffic
 * (pings, other requests) interleaves, and several requests can be pending at
 * once. ESP-NOW's own acknowledgement only says a radio heard a frame, and a
 * lost acknowledgement looks like a lost frame; so, as the ESP-IDF guide
 * recommends, reliability is end to end: the requester sends the request
 * again until its response arrives (or the time is up), and the responder
 * remembers the responses it gave, answering a repeated request from memory
 * without calling its handler again. Every request is so handled at most
 * once and answered (if the air allows) exactly once.
 *
 * Frame: magic (0xE5), kind (REQUEST 1, RESPONSE 2, MESSAGE 3), id (2 bytes,
 * big-endian), then the body.
 *
 * Peers are registered when first needed; when the table is full (20
 * peers), the peer used least recently is removed.
 */

import AIOESPNow, { ESPNowError, keyOf, macText, MAX_DATA_LEN, MAX_TOTAL_PEER_NUM } from "aioespnow";
import Timer from "timer";

const MAGIC = 0xe5;
export const REQUEST = 1, RESPONSE = 2, MESSAGE = 3;
export const HEADER_LEN = 4;
/** The largest body a frame carries. */
export const MAX_BODY_LEN = MAX_DATA_LEN - HEADER_LEN;

export interface HubOptions {
	/** Time between sends of a request that has no response yet (ms). Default 50. */
	retry_ms?: number;
	/** How long request() waits for a response (ms). Default 2000. */
	timeout_ms?: number;
	/** How many responses are remembered for duplicate requests. Default 256. */
	remembered?: number;
}

/** Answers a request: the response body (or null for an empty one). */
export type Handler = (mac: Uint8Array, body: Uint8Array) => Uint8Array | string | null | Promise<Uint8Array | string | null>;

interface Pending {
	resolve: (body: Uint8Array) => void;
	reject: (error: Error) => void;
	frame: Uint8Array;
	mac: Uint8Array;
	retry: Timer | null;
	deadline: Timer | null;
}

export class TimeoutError extends Error {
	override name = "TimeoutError";
}

export default class Hub {
	readonly e = new AIOESPNow();
	readonly #retry: number;
	readonly #timeout: number;
	readonly #remembered: number;
	#nextId = 1;
	readonly #pending = new Map<number, Pending>();
	/** (mac, id) -> the response given, or null while the handler runs */
	readonly #answers = new Map<string, Uint8Array | null>();
	/** registered peers, least recently used first */
	readonly #peers = new Map<number, Uint8Array>();
	#handler: Handler | null = null;
	#onMessage: ((mac: Uint8Array, body: Uint8Array) => void) | null = null;
	#running = false;

	constructor(options: HubOptions = {}) {
		this.#retry = options.retry_ms ?? 50;
		this.#timeout = options.timeout_ms ?? 2000;
		this.#remembered = options.remembered ?? 256;
	}

	/** Answer requests with handler. */
	serve(handler: Handler | null): void {
		this.#handler = handler;
	}

	/** Be told of MESSAGE frames (send()'s, unacknowledged at this layer). */
	onMessage(callback: ((mac: Uint8Array, body: Uint8Array) => void) | null): void {
		this.#onMessage = callback;
	}

	/** Start receiving (ESP-NOW must be active and a WLAN interface on). */
	start(): void {
		if (this.#running) return;
		this.#running = true;
		this.#receive();
	}

	/** Stop receiving: pending requests fail. */
	stop(): void {
		this.#running = false;
		for (const [id, pending] of this.#pending) this.#settle(id, pending, new Error("hub: stopped"));
		this.e.active(false);
	}

	/** Send body to mac and resolve its response; TimeoutError when none comes within timeout_ms. */
	request(mac: Uint8Array, body: Uint8Array | string, timeout_ms: number = this.#timeout): Promise<Uint8Array> {
		const id = this.#nextId;
		this.#nextId = this.#nextId === 0xffff ? 1 : this.#nextId + 1;
		const frame = encode(REQUEST, id, body);
		return new Promise((resolve, reject) => {
			const pending: Pending = { resolve, reject, frame, mac: mac.slice(), retry: null, deadline: null };
			this.#pending.set(id, pending);
			pending.deadline = Timer.set(() => this.#settle(id, pending, new TimeoutError(`hub: no response from ${macText(mac)} to request ${id} within ${timeout_ms} ms`)), timeout_ms);
			pending.retry = Timer.repeat(() => this.#transmit(pending.mac, pending.frame), this.#retry);
			this.#transmit(pending.mac, frame);
		});
	}

	/** Send body once, with no response or retransmission. Resolves whether the peer's radio acknowledged. */
	send(mac: Uint8Array, body: Uint8Array | string): Promise<boolean> {
		return this.#transmit(mac, encode(MESSAGE, 0, body));
	}

	async #transmit(mac: Uint8Array, frame: Uint8Array): Promise<boolean> {
		this.#peer(mac);
		try {
			return await this.e.asend(mac, frame, true);
		} catch (error) {
			if (!this.#running) return false;
			throw error;
		}
	}

	/** Register mac if need be, evicting the peer used least recently when the table is full. */
	#peer(mac: Uint8Array): void {
		const key = keyOf(mac);
		const known = this.#peers.get(key);
		if (known) {
			this.#peers.delete(key); // to the end: most recently used
			this.#peers.set(key, known);
			return;
		}
		if (mac[0] & 1) return this.#register(key, mac); // broadcast: never evicted first, but counted
		while (this.#peers.size >= MAX_TOTAL_PEER_NUM) {
			const [oldest, address] = this.#peers.entries().next().value as [number, Uint8Array];
			this.#peers.delete(oldest);
			try { this.e.del_peer(address); } catch { /* already gone */ }
		}
		this.#register(key, mac);
	}

	#register(key: number, mac: Uint8Array): void {
		const address = mac.slice();
		try {
			this.e.add_peer(address);
		} catch (error) {
			if (!(error instanceof ESPNowError && error.code === "ESP_ERR_ESPNOW_EXIST")) throw error;
		}
		this.#peers.set(key, address);
	}

	async #receive(): Promise<void> {
		while (this.#running) {
			let mac: Uint8Array, msg: Uint8Array;
			try {
				[mac, msg] = await this.e.arecv();
			} catch (error) {
				if (!this.#running) return;
				throw error;
			}
			if (msg.length < HEADER_LEN || msg[0] !== MAGIC) continue;
			const kind = msg[1], id = (msg[2] << 8) | msg[3], body = msg.subarray(HEADER_LEN);
			if (kind === RESPONSE) {
				const pending = this.#pending.get(id);
				if (pending && keyOf(pending.mac) === keyOf(mac)) this.#settle(id, pending, null, body);
			} else if (kind === REQUEST) {
				this.#answer(mac, id, body);
			} else if (kind === MESSAGE) {
				this.#onMessage?.(mac, body);
			}
		}
	}

	#answer(mac: Uint8Array, id: number, body: Uint8Array): void {
		const key = `${keyOf(mac)}/${id}`;
		if (this.#answers.has(key)) {
			const given = this.#answers.get(key);
			if (given) this.#transmit(mac, given); // a repeat: the response was lost
			return; // null: the handler is still at work
		}
		if (!this.#handler) return;
		this.#answers.set(key, null);
		while (this.#answers.size > this.#remembered) this.#answers.delete(this.#answers.keys().next().value as string);
		Promise.resolve(this.#handler(mac, body)).then((result) => {
			const frame = encode(RESPONSE, id, result ?? new Uint8Array(0));
			this.#answers.set(key, frame);
			return this.#transmit(mac, frame);
		}, (error: unknown) => {
			this.#answers.delete(key); // a later repeat tries again
			trace(`hub: handler failed for request ${id} from ${macText(mac)}: ${String(error)}\n`);
		});
	}

	#settle(id: number, pending: Pending, error: Error | null, body?: Uint8Array): void {
		this.#pending.delete(id);
		Timer.clear(pending.retry);
		Timer.clear(pending.deadline);
		if (error) pending.reject(error);
		else pending.resolve(body!);
	}
}

function encode(kind: number, id: number, body: Uint8Array | string): Uint8Array {
	const data = typeof body === "string" ? new Uint8Array(ArrayBuffer.fromString(body)) : body;
	if (data.length > MAX_BODY_LEN) throw new RangeError(`hub: a body must be 0..${MAX_BODY_LEN} bytes, got ${data.length}`);
	const frame = new Uint8Array(HEADER_LEN + data.length);
	frame[0] = MAGIC;
	frame[1] = kind;
	frame[2] = id >> 8;
	frame[3] = id & 0xff;
	frame.set(data, HEADER_LEN);
	return frame;
}

