/*
 * espnow-hub: what every hub-and-nodes network on ESP-NOW needs, done once,
 * on AIOESPNow. See README.md beside this file for the protocol in full.
 *
 * - Requests and responses: a request carries a 16-bit id chosen by its
 *   sender and its response the same id, so a response is matched to its
 *   request however pings and other traffic interleave, and many requests can
 *   be pending at once.
 * - Reliability end to end, as the ESP-IDF guide recommends (ESP-NOW's own
 *   acknowledgement only says a radio heard a frame): the requester sends
 *   again until the response comes or its time is up; the responder remembers
 *   the responses it gave and answers a repeat from memory, so a handler runs
 *   at most once per request.
 * - Fragmentation: a request or response longer than one frame goes as up to
 *   255 fragments; the receiver acknowledges the fragments it holds with a
 *   bitmap and only the missing ones are sent again.
 * - Relay: a request names the path beyond its first hop; a hub created with
 *   relay: true forwards it (as a request of its own) and returns the answer.
 *   A path is at most max_hops long.
 * - Liveness and channel following: follow(hub) pings the hub whenever it has
 *   been silent for silence_ms; when no pong comes it scans the channels
 *   until the hub answers, so a node finds its hub again after the hub's
 *   router moved it to another channel.
 * - Devices with two MACs: a pong carries both MACs of the device that sent
 *   it, and a response from the other MAC of the device asked is accepted, so
 *   a reply sent from the STA interface answers a request sent to the AP.
 * - Peers are registered when first sent to; when the table is full, the one
 *   used least recently is removed.
 */

import AIOESPNow, { ESPNowError, keyOf, macText, MAX_DATA_LEN, MAX_TOTAL_PEER_NUM } from "aioespnow";
import { isArrayBuffer, isUint8Array } from "espnow";
import WLAN from "wlan";
import Timer from "timer";

/* Frame: magic, kind | FRAGMENT, id (big-endian), [index, count], message bytes. */
const MAGIC = 0xe5;
export const REQUEST = 1, RESPONSE = 2, MESSAGE = 3, PING = 4, PONG = 5, ACK = 6;
const FRAGMENT = 0x80;
export const HEADER_LEN = 4;
export const FRAGMENT_HEADER_LEN = 6;
export const MAX_FRAGMENTS = 255;
/* A response's first byte */
const OK = 0, FAILED = 1;
/* What a response delivered in full leaves of its message */
const EMPTY = new Uint8Array(0);
/* Fragmented requests being reassembled at once, at most: in all, and from one device */
const ASSEMBLIES = 4, ASSEMBLIES_PER_DEVICE = 2;
/* Requests being handled or relayed at once, at most: in all, and from one device; and of those, relayed (more are answered FAILED) */
const HANDLING = 8, HANDLING_PER_DEVICE = 4, RELAYING = 2, RELAYING_PER_DEVICE = 1;
/* Devices whose forgotten answers are kept as ids (tombstones), and ids kept per device */
const TOMBSTONE_DEVICES = 32, TOMBSTONES = 8;
/*
 * What a hub sends because of frames from the air, at most, so that a node
 * that floods it cannot fill its memory with frames waiting to go (each asend
 * costs about 150 slots until its status comes): answers being sent at once,
 * and acknowledgements and pongs in flight. What is not sent now is sent when
 * the requester asks again.
 */
const ANSWERING = 2, REPLIES = 2;
/* What one received fragment costs beyond its bytes, about: its view, its frame's buffer, its slot in the parts */
const PART_COST = 96;
/* Requests and pings pending at once by default: each may have a frame waiting in AIOESPNow (about 2.4 KB) */
const PENDING = 16;
/* Request ids: 1..IDS (16 bits, 0 unused) */
const IDS = 0xffff;
/*
 * Frames of one message handed to AIOESPNow at once, at most: one on the air
 * and one waiting in its lane for the peer, which goes out as soon as the
 * first's status is read. Each costs an asend, a copy of the frame while it
 * waits and a promise, about 150 slots: the 42 fragments of 10 kB over v1
 * sent at once needed more than an ESP32-C3 gives XS. A fragment is made when
 * its turn comes, from the message.
 */
const WINDOW = 2;
/* Responses remembered by default: one per peer ESP-NOW registers at once */
const REMEMBERED = MAX_TOTAL_PEER_NUM;
/* MACs whose device is remembered, at most */
const ALIASES = 64;

export interface HubOptions {
	/** Time between sends of a request that has no response yet (ms). Default 50. */
	retry_ms?: number;
	/** How long request() waits for a response (ms), per hop. Default 2000. */
	timeout_ms?: number;
	/** How many responses are remembered to answer repeated requests. Default 20 (MAX_TOTAL_PEER_NUM). */
	remembered?: number;
	/** Forward requests addressed beyond this node. Default false. */
	relay?: boolean;
	/** The longest path a request may name (hops beyond its first). Default 4. */
	max_hops?: number;
	/** The largest request or response body sent or accepted (bytes). Default 16384. */
	max_message?: number;
	/** Frame length used when fragmenting; 250 in a network that mixes ESP-NOW v1 and v2 nodes. Default MAX_DATA_LEN. */
	frame_len?: number;
	/** How many requests and pings may wait for their answers at once, relayed ones included. Default 16. */
	max_pending?: number;
}

export interface FollowOptions {
	/** Ping the hub when nothing has been heard from it for this long (ms). Default 1000. */
	silence_ms?: number;
	/** How long to wait for a pong on each channel when scanning (ms). Default 150. */
	ping_ms?: number;
	/** The channels to scan, in order from the one after the current. Default 1..13. */
	channels?: number[];
}

/** What follow() reports: "lost" when the hub stops answering, "found" when a scan finds it (ms: how long it was lost). */
export type FollowListener = (event: "lost" | "found", channel: number, ms: number) => void;

/** Answers a request: the response body (or null for an empty one). A throw answers with an error. */
export type Handler = (mac: Uint8Array, body: Uint8Array) => Body | Promise<Body>;
/** What a handler may answer with: bytes, text (sent as UTF-8), or nothing (an empty body). Anything else is answered with an error. */
export type Body = Uint8Array | ArrayBuffer | string | null | undefined;

/** A request's time ran out. */
export class TimeoutError extends Error {
	override name = "TimeoutError";
}

/** The far side answered with an error: its handler threw, it has no handler, it refused to relay... */
export class HubError extends Error {
	override name = "HubError";
}

/** Fragments being put together. */
interface Assembly {
	count: number;
	have: number;
	/** the bytes of the parts held, and about what they cost in memory (PART_COST each more) */
	bytes: number;
	cost: number;
	bitmap: Uint8Array;
	parts: Array<Uint8Array | undefined>;
}

/** Frames going out to one peer, WINDOW at a time. */
interface Round {
	owner: { sending: boolean };
	to: Uint8Array;
	count: number;
	next: number;
	flying: number;
	/** frame i, or null when it need not go (the far side holds it, or the exchange is over) */
	make: (i: number) => Uint8Array | null;
	/** asend's outcome: whether the frame was acknowledged, or its error */
	landed: (outcome: unknown) => void;
	/** called once the round's last frame completes */
	finished: (() => void) | null;
}

/** A request (or ping) this node sent and waits on. */
interface Outgoing {
	kind: number;
	id: number;
	to: Uint8Array;
	message: Uint8Array;
	/** how many frames the message goes as (1: one unfragmented frame) */
	count: number;
	/** fragmented requests: the fragments the responder holds */
	acked: Uint8Array | null;
	/** a fragmented response being received */
	reply: Assembly | null;
	/** frames are being sent */
	sending: boolean;
	resolve: (message: Uint8Array | null) => void;
	/** when it was last sent, and when its time is up (Date.now()) */
	sent: number;
	deadline: number;
}

/** A request this node received: being reassembled, handled or answered. */
interface Incoming {
	mac: Uint8Array;
	/** the requester's device (#device) */
	device: number;
	id: number;
	assembly: Assembly | null;
	/** the response message, once there is one */
	answer: Uint8Array | null;
	/** how many frames the response goes as; 0 once the requester holds them all */
	count: number;
	/** frames of it are being sent */
	sending: boolean;
	ack: Timer | null;
	/** it is being relayed, or was */
	relayed: boolean;
}

interface Following {
	mac: Uint8Array;
	heard: number;
	silence: number;
	ping: number;
	channels: number[];
	listener: FollowListener | null;
	wake: Timer | null;
}

export default class Hub {
	readonly e = new AIOESPNow();
	readonly #retry: number;
	readonly #timeout: number;
	readonly #remembered: number;
	readonly #relay: boolean;
	readonly #maxHops: number;
	readonly #maxMessage: number;
	readonly #frameLen: number;
	readonly #maxPending: number;
	/** the longest request message accepted: hop count, path and body */
	readonly #longest: number;
	/** what one device's fragments being put together may cost (Assembly.cost), at most; twice this for every device's */
	readonly #budget: number;
	/* from a random id, so that a requester that restarts does not repeat the ids a responder remembers */
	#nextId = 1 + Math.floor(Math.random() * IDS);
	readonly #outgoing = new Map<number, Outgoing>();
	/** the one timer of every outgoing request's retries and deadline, and when it fires */
	#wake: Timer | null = null;
	#wakeAt = Infinity;
	/** a device's key -> ids it asked whose answers were forgotten, and where the next goes (its last element) */
	readonly #tombstones = new Map<number, Uint16Array>();
	/** answers being sent, and acknowledgements and pongs in flight (ANSWERING, REPLIES) */
	#answering = 0;
	#replying = 0;
	/** the bytes of the answers remembered, at most twice the longest response's */
	#answerBytes = 0;
	/** the receive loop running: start() starts a new one, which the old one makes way for */
	#receiving = 0;
	/** "device/id" -> a request received, oldest first */
	readonly #incoming = new Map<string, Incoming>();
	/** a MAC's key -> its device's key, for MACs known to share a device */
	readonly #devices = new Map<number, number>();
	/** registered peers, least recently used first */
	readonly #peers = new Map<number, Uint8Array>();
	#handler: Handler | null = null;
	#onMessage: ((mac: Uint8Array, body: Uint8Array) => void) | null = null;
	#following: Following | null = null;
	#running = false;
	#sta: WLAN | null = null;
	/** this device's STA MAC then AP MAC, as a pong carries them */
	#macs: Uint8Array | null = null;

	constructor(options: HubOptions = {}) {
		if (options === null || typeof options !== "object") throw new TypeError(`hub: options must be an object, got ${options === null ? "null" : typeof options}`);
		if (options.relay !== undefined && typeof options.relay !== "boolean") throw new TypeError(`hub: relay must be true or false, got ${shown(options.relay)}`);
		this.#retry = positive(options.retry_ms, 50, "retry_ms");
		this.#timeout = positive(options.timeout_ms, 2000, "timeout_ms");
		this.#remembered = positive(options.remembered, REMEMBERED, "remembered");
		this.#relay = options.relay ?? false;
		this.#maxHops = positive(options.max_hops, 4, "max_hops");
		this.#maxMessage = positive(options.max_message, 16384, "max_message");
		this.#frameLen = positive(options.frame_len, MAX_DATA_LEN, "frame_len");
		this.#maxPending = positive(options.max_pending, PENDING, "max_pending");
		if (this.#maxPending > IDS) throw new RangeError(`hub: max_pending must be at most ${IDS} (a request id has 16 bits), got ${this.#maxPending}`);
		if (this.#frameLen < 16 || this.#frameLen > MAX_DATA_LEN) throw new RangeError(`hub: frame_len must be 16..${MAX_DATA_LEN}, got ${this.#frameLen}`);
		if (this.#maxHops > 255) throw new RangeError(`hub: max_hops must be at most 255 (a request counts its hops in one byte), got ${this.#maxHops}`);
		/* the longest message either way, a request's (hop count, path, body), must go in MAX_FRAGMENTS fragments */
		const carried = MAX_FRAGMENTS * (this.#frameLen - FRAGMENT_HEADER_LEN), path = 1 + 6 * this.#maxHops;
		this.#longest = path + this.#maxMessage;
		/* the longest request, in the fragments of 250-byte frames (ESP-NOW v1's, which a network of v1 and v2 nodes uses) or of frame_len if smaller */
		this.#budget = this.#longest + PART_COST * Math.ceil(this.#longest / (Math.min(this.#frameLen, 250) - FRAGMENT_HEADER_LEN));
		if (this.#longest > carried) throw new RangeError(`hub: max_message must be at most ${carried - path} bytes with frame_len ${this.#frameLen} and max_hops ${this.#maxHops} (${MAX_FRAGMENTS} fragments of ${this.#frameLen - FRAGMENT_HEADER_LEN} bytes, less ${path} for a path), got ${this.#maxMessage}`);
		/* room for 8 frames, so fragments arriving while JS is busy are not dropped (rxbuf takes effect at the next active(true)) */
		this.e.config({ rxbuf: Math.max(this.e.config("rxbuf"), 8 * (16 + this.#frameLen)) });
	}

	/** The largest body a single frame carries (send()'s limit). */
	get max_body(): number {
		return this.#frameLen - HEADER_LEN;
	}

	/** Answer requests with handler. */
	serve(handler: Handler | null): void {
		if (handler !== null && typeof handler !== "function") throw new TypeError(`hub: serve: the handler must be a function or null, got ${describe(handler)}`);
		this.#handler = handler;
	}

	/** Be told of MESSAGE frames (send()'s, unacknowledged at this layer). */
	onMessage(callback: ((mac: Uint8Array, body: Uint8Array) => void) | null): void {
		if (callback !== null && typeof callback !== "function") throw new TypeError(`hub: onMessage: the callback must be a function or null, got ${describe(callback)}`);
		this.#onMessage = callback;
	}

	/** Start receiving (ESP-NOW must be active and a WLAN interface on). */
	start(): void {
		if (this.#running) return;
		this.#running = true;
		this.#receive(++this.#receiving);
	}

	/** Stop: pending requests fail, following ends, ESP-NOW is turned off. */
	stop(): void {
		this.#running = false;
		this.unfollow();
		for (const out of [...this.#outgoing.values()]) this.#finish(out, null);
		Timer.clear(this.#wake);
		this.#wake = null;
		this.#wakeAt = Infinity;
		for (const incoming of this.#incoming.values()) Timer.clear(incoming.ack);
		this.#incoming.clear();
		this.#answerBytes = 0;
		this.e.active(false);
	}

	/**
	 * Send body and resolve the response's body. `to` is the peer, or a path:
	 * [first hop, ..., destination], each hop a hub with relay: true. Rejects
	 * with TimeoutError when no response comes within timeout_ms (default:
	 * timeout_ms per hop), with HubError when the far side answers an error.
	 */
	request(to: Uint8Array | Uint8Array[], body: Uint8Array | string, timeout_ms?: number): Promise<Uint8Array> {
		const path = Array.isArray(to) ? to : [to];
		if (path.length < 1) throw new RangeError("hub: request needs a peer or a path of peers");
		for (const mac of path) checkMac(mac, "request");
		if (path.length - 1 > this.#maxHops) throw new RangeError(`hub: a path may go ${this.#maxHops} hops beyond the first, got ${path.length - 1}`);
		const data = bytesOf(body);
		if (data.length > this.#maxMessage) throw new RangeError(`hub: a request body must be at most ${this.#maxMessage} bytes (max_message), got ${data.length}`);
		const message = new Uint8Array(1 + 6 * (path.length - 1) + data.length);
		message[0] = path.length - 1;
		for (let i = 1; i < path.length; i++) message.set(path[i], 1 + 6 * (i - 1));
		message.set(data, message.length - data.length);
		const timeout = positive(timeout_ms, this.#timeout * path.length, "request: timeout_ms");
		return this.#ask(REQUEST, path[0], message, timeout).then((reply) => {
			if (!reply) throw new TimeoutError(`hub: no response from ${macText(path[0])} within ${timeout} ms`);
			if (reply.length < 1) throw new HubError(`hub: empty response from ${macText(path[0])}`);
			if (reply[0] !== OK) throw new HubError(textOf(reply.subarray(1)));
			return reply.subarray(1);
		});
	}

	/** Send body in one frame, with no response or retransmission. Resolves whether the peer's radio acknowledged. */
	send(mac: Uint8Array, body: Uint8Array | string): Promise<boolean> {
		checkMac(mac, "send");
		const data = bytesOf(body);
		if (data.length > this.max_body) throw new RangeError(`hub: send() carries at most ${this.max_body} bytes in its one frame, got ${data.length}; request() fragments larger bodies`);
		return this.#transmit(mac, frame(MESSAGE, 0, 0, 0, data, 0, data.length));
	}

	/** Ask mac whether it is there: true when its pong comes within timeout_ms. The pong teaches both MACs of its device. */
	ping(mac: Uint8Array, timeout_ms?: number): Promise<boolean> {
		checkMac(mac, "ping");
		return this.#ask(PING, mac, new Uint8Array(0), positive(timeout_ms, 4 * this.#retry, "ping: timeout_ms")).then((reply) => reply !== null);
	}

	/** Whether two MACs are known to be the same device's (its STA and AP). */
	same(a: Uint8Array, b: Uint8Array): boolean {
		checkMac(a, "same");
		checkMac(b, "same");
		return this.#device(a) === this.#device(b);
	}

	/**
	 * Keep in contact with a hub: when it has been silent for silence_ms, ping
	 * it; when no pong comes, scan the channels until it answers on one (and
	 * stay there). One hub is followed at a time.
	 */
	follow(mac: Uint8Array, options: FollowOptions = {}, listener: FollowListener | null = null): void {
		checkMac(mac, "follow");
		if (options === null || typeof options !== "object") throw new TypeError(`hub: follow: options must be an object, got ${describe(options)}`);
		if (listener !== null && typeof listener !== "function") throw new TypeError(`hub: follow: the listener must be a function or null, got ${describe(listener)}`);
		const channels = options.channels ?? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
		if (!Array.isArray(channels) || channels.length === 0 || !channels.every((c) => Number.isInteger(c) && c >= 1 && c <= 14)) throw new RangeError("hub: follow: channels must be a list of channels 1..14");
		this.unfollow();
		const following: Following = {
			mac: mac.slice(),
			heard: Date.now(),
			silence: positive(options.silence_ms, 1000, "silence_ms"),
			ping: positive(options.ping_ms, 150, "ping_ms"),
			channels,
			listener,
			wake: null,
		};
		this.#following = following;
		this.#keepContact(following);
	}

	/** Stop following. */
	unfollow(): void {
		const following = this.#following;
		if (!following) return;
		this.#following = null;
		Timer.clear(following.wake);
		following.wake = null;
	}

	async #keepContact(following: Following): Promise<void> {
		while (this.#following === following) {
			const quiet = Date.now() - following.heard;
			if (quiet < following.silence) {
				await new Promise<void>((resolve) => (following.wake = Timer.set(() => resolve(), following.silence - quiet)));
				following.wake = null;
				continue;
			}
			if (await this.ping(following.mac, 2 * following.ping)) continue;
			if (this.#following !== following) return;
			const lost = Date.now();
			const sta = this.#station();
			following.listener?.("lost", sta.config("channel") as number, 0);
			for (let found = false; !found;) {
				const from = following.channels.indexOf(sta.config("channel") as number);
				for (let i = 1; i <= following.channels.length && !found; i++) {
					if (this.#following !== following) return;
					const channel = following.channels[(from + i) % following.channels.length];
					sta.config({ channel });
					found = await this.ping(following.mac, following.ping);
					if (found) following.listener?.("found", channel, Date.now() - lost);
				}
			}
		}
	}

	/* Send a request or ping, resend until answered; resolves the answer's message, or null when time is up. */
	#ask(kind: number, to: Uint8Array, message: Uint8Array, timeout: number): Promise<Uint8Array | null> {
		if (!this.#running) return Promise.reject(new Error("hub: not started (call start() first)"));
		if (this.#outgoing.size >= this.#maxPending) return Promise.reject(new Error(`hub: ${this.#outgoing.size} requests and pings are pending, the most max_pending allows`));
		const id = this.#freeId();
		if (!id) return Promise.reject(new Error(`hub: no request id is free: all ${IDS} are taken by requests and pings still pending`));
		/* the first frames go out from here, not from the promise's executor: two frames (Promise and the executor) less under each transmission */
		let resolve!: (message: Uint8Array | null) => void, reject!: (reason: unknown) => void;
		const promise = new Promise<Uint8Array | null>((yes, no) => {
			resolve = yes;
			reject = no;
		});
		try {
			const count = this.#count(message), now = Date.now();
			const out: Outgoing = {
				kind, id, to: to.slice(), message, count,
				acked: count > 1 ? new Uint8Array((count + 7) >> 3) : null,
				reply: null, sending: false, resolve, sent: now, deadline: now + timeout,
			};
			this.#outgoing.set(id, out);
			this.#resend(out);
			this.#schedule(Math.min(out.deadline, now + this.#retry));
		} catch (error) {
			reject(error); // as an executor's exception would
		}
		return promise;
	}

	/* The next id no pending request or ping has, or 0 when every one is taken: at most IDS tries (max_pending + 1 at most find one). */
	#freeId(): number {
		if (this.#outgoing.size >= IDS) return 0;
		for (let tries = 0; tries < IDS; tries++) {
			const id = this.#nextId;
			this.#nextId = id >= IDS ? 1 : id + 1;
			if (!this.#outgoing.has(id)) return id;
		}
		return 0;
	}

	/*
	 * One timer for every outgoing request, not two each: a timer costs XS a
	 * remembered slot, which every new timer's registration walks past. It fires
	 * at the earliest retry or deadline due.
	 */
	#schedule(at: number): void {
		if (at >= this.#wakeAt || !this.#running) return;
		Timer.clear(this.#wake);
		this.#wakeAt = at;
		this.#wake = Timer.set(() => this.#onWake(), Math.max(0, at - Date.now()));
	}

	#onWake(): void {
		this.#wake = null;
		this.#wakeAt = Infinity;
		const now = Date.now();
		let next = Infinity;
		for (const out of this.#outgoing.values()) {
			if (now >= out.deadline) {
				this.#finish(out, null);
				continue;
			}
			if (now - out.sent >= this.#retry) this.#resend(out);
			next = Math.min(next, out.deadline, out.sent + this.#retry);
		}
		if (next < Infinity) this.#schedule(next);
	}

	/* The requester drives every retransmission: what the far side lacks goes again. */
	#resend(out: Outgoing): void {
		out.sent = Date.now();
		if (out.sending) return;
		const reply = out.reply, acked = out.acked;
		if (reply) return this.#sendOne(out, out.to, ackFrame(RESPONSE, out.id, reply.count, reply.bitmap));
		if (!acked) return this.#sendOne(out, out.to, this.#frame(out.kind, out.id, out.message, 1, 0));
		if (holds(acked, out.count)) return this.#sendOne(out, out.to, ackFrame(RESPONSE, out.id, 0, null)); // all there: ask for the response
		/* an ACK that comes while the fragments go out spares the ones it lists */
		this.#more(this.#round(out, out.to, out.count, (i) => this.#outgoing.get(out.id) !== out || has(acked, i) ? null : this.#frame(out.kind, out.id, out.message, out.count, i)));
	}

	/* A frame on its own needs no round. */
	#sendOne(owner: { sending: boolean }, to: Uint8Array, f: Uint8Array, finished: (() => void) | null = null): void {
		if (!this.#running) return finished?.();
		owner.sending = true;
		this.#post(to, f, (outcome) => {
			if (typeof outcome !== "boolean") this.#sendFailed(to, outcome);
			owner.sending = false;
			finished?.();
		});
	}

	#round(owner: { sending: boolean }, to: Uint8Array, count: number, make: (i: number) => Uint8Array | null, finished: (() => void) | null = null): Round {
		owner.sending = true;
		const round: Round = { owner, to, count, next: 0, flying: 0, make, finished, landed: (outcome) => {
			if (typeof outcome !== "boolean") this.#sendFailed(to, outcome);
			round.flying--;
			this.#more(round);
		} };
		return round;
	}

	/* Hand the round's next frames to AIOESPNow, up to WINDOW of them; called again as each completes. */
	#more(round: Round): void {
		while (this.#running && round.flying < WINDOW && round.next < round.count) {
			const f = round.make(round.next++);
			if (!f) continue;
			round.flying++;
			this.#post(round.to, f, round.landed);
		}
		if (!round.flying && round.owner.sending) {
			round.owner.sending = false;
			round.finished?.();
		}
	}

	#finish(out: Outgoing, message: Uint8Array | null): void {
		if (this.#outgoing.get(out.id) !== out) return;
		this.#outgoing.delete(out.id);
		out.resolve(message);
	}

	/* How many frames a message goes as: one, or fragments of frame_len bytes. */
	#count(message: Uint8Array): number {
		if (message.length <= this.#frameLen - HEADER_LEN) return 1;
		const share = this.#frameLen - FRAGMENT_HEADER_LEN;
		const count = Math.ceil(message.length / share);
		if (count > MAX_FRAGMENTS) throw new RangeError(`hub: a message of ${message.length} bytes needs ${count} fragments of ${share}; at most ${MAX_FRAGMENTS}`);
		return count;
	}

	/* Frame i of a message that goes as count frames, made when it is sent so that only the frames in flight take memory. */
	#frame(kind: number, id: number, message: Uint8Array, count: number, i: number): Uint8Array {
		if (count === 1) return frame(kind, id, 0, 0, message, 0, message.length);
		const share = this.#frameLen - FRAGMENT_HEADER_LEN;
		return frame(kind, id, i, count, message, i * share, Math.min(message.length, (i + 1) * share));
	}

	/* Send one frame; resolves whether it was acknowledged, never rejects. Not an async function: one called before its first await keeps two frames under the calls it makes (XS_CODE_START_ASYNC, then the generator's run), and this one's lead to the send callbacks. */
	#transmit(mac: Uint8Array, data: Uint8Array): Promise<boolean> {
		if (!this.#running) return Promise.resolve(false);
		try {
			this.#peer(mac);
			return this.e.asend(mac, data, true).then(undefined, (error: unknown) => this.#sendFailed(mac, error));
		} catch (error) {
			return Promise.resolve(this.#sendFailed(mac, error));
		}
	}

	/* An acknowledgement or a pong: not sent when REPLIES are in flight already (the far side asks again). */
	#reply(mac: Uint8Array, data: Uint8Array): void {
		if (this.#replying >= REPLIES) return;
		this.#replying++;
		this.#post(mac, data, (outcome) => {
			this.#replying--;
			if (typeof outcome !== "boolean") this.#sendFailed(mac, outcome);
		});
	}

	/* Send one frame and give done asend's outcome (whether it was acknowledged, or the error): one promise more than asend's, not two as #transmit, since each waits in memory for its status. */
	#post(to: Uint8Array, f: Uint8Array, done: (outcome: unknown) => void): void {
		try {
			this.#peer(to);
			this.e.asend(to, f, true).then(done, done);
		} catch (error) {
			Promise.resolve(error).then(done);
		}
	}

	#sendFailed(mac: Uint8Array, error: unknown): boolean {
		/* stopped, or the peer was evicted while the frame waited its turn: the requester sends again */
		if (!this.#running) return false;
		if (error instanceof ESPNowError && error.code === "ESP_ERR_ESPNOW_NOT_FOUND") {
			this.#peers.delete(keyOf(mac)); // evicted, or ESP-NOW was restarted under the hub: registered again at the next send
			return false;
		}
		trace(`hub: send to ${macText(mac)} failed: ${String(error)}\n`);
		return false;
	}

	/* Register mac if need be, evicting the peer used least recently when the table is full. */
	#peer(mac: Uint8Array): void {
		const key = keyOf(mac);
		const known = this.#peers.get(key);
		if (known) {
			this.#peers.delete(key); // to the end: most recently used
			this.#peers.set(key, known);
			return;
		}
		const address = mac.slice();
		for (;;) {
			if (this.#peers.size >= MAX_TOTAL_PEER_NUM) this.#evict();
			try {
				this.e.add_peer(address);
				break;
			} catch (error) {
				if (!(error instanceof ESPNowError)) throw error;
				if (error.code === "ESP_ERR_ESPNOW_EXIST") break;
				if (error.code !== "ESP_ERR_ESPNOW_FULL" || this.#peers.size === 0) throw error; // full of the app's own peers
				this.#evict();
			}
		}
		this.#peers.set(key, address);
	}

	#evict(): void {
		const [oldest, address] = this.#peers.entries().next().value as [number, Uint8Array];
		this.#peers.delete(oldest);
		try { this.e.del_peer(address); } catch { /* already gone */ }
	}

	/* A MAC's device: the key of the device's STA MAC when known, else its own key. */
	#device(mac: Uint8Array): number {
		const key = keyOf(mac);
		return this.#devices.get(key) ?? key;
	}

	#learn(mac: Uint8Array, device: number): void {
		const key = keyOf(mac);
		this.#devices.delete(key);
		this.#devices.set(key, device);
		while (this.#devices.size > ALIASES) this.#devices.delete(this.#devices.keys().next().value as number);
	}

	/* Frames one at a time; whatever one frame does wrong (or the app's onMessage callback throws) is reported and the next is read. */
	async #receive(loop: number): Promise<void> {
		let failing = false;
		while (this.#running && this.#receiving === loop) {
			let mac: Uint8Array, msg: Uint8Array;
			try {
				[mac, msg] = await this.e.arecv();
				failing = false;
			} catch (error) {
				if (!this.#running || this.#receiving !== loop) return;
				/* ESP-NOW turned off under a running hub: wait until it is on again */
				if (!failing) trace(`hub: receive failed (${String(error)}); trying again every ${this.#retry} ms\n`);
				failing = true;
				await new Promise<void>((resolve) => Timer.set(() => resolve(), this.#retry));
				continue;
			}
			try {
				this.#onFrame(mac, msg);
			} catch (error) {
				trace(`hub: a frame from ${macText(mac)} failed: ${String(error)}\n`);
			}
		}
	}

	#onFrame(mac: Uint8Array, msg: Uint8Array): void {
		if (msg.length < HEADER_LEN || msg[0] !== MAGIC) return;
		let index = 0, count = 1, at = HEADER_LEN;
		if (msg[1] & FRAGMENT) {
			if (msg.length <= FRAGMENT_HEADER_LEN) return;
			index = msg[4];
			count = msg[5];
			at = FRAGMENT_HEADER_LEN;
			if (count < 2 || index >= count) return;
		}
		const id = (msg[2] << 8) | msg[3], data = msg.subarray(at);
		if (id === 0 && (msg[1] & 0x0f) !== MESSAGE) return; // no request has id 0
		const following = this.#following;
		if (following && this.#device(mac) === this.#device(following.mac)) following.heard = Date.now();
		switch (msg[1] & 0x0f) {
			case REQUEST: this.#onRequest(mac, id, index, count, data); break;
			case RESPONSE: this.#onResponse(mac, id, index, count, data); break;
			case MESSAGE: if (count === 1) this.#onMessage?.(mac, data); break;
			case PING: if (count === 1) this.#reply(mac, this.#pong(id)); break;
			case PONG: this.#onPong(mac, id, data); break;
			case ACK: this.#onAck(mac, id, data); break;
		}
	}

	#pong(id: number): Uint8Array {
		if (!this.#macs) {
			this.#macs = new Uint8Array(12);
			this.#macs.set(this.#station().config("mac") as Uint8Array, 0);
			this.#macs.set(new WLAN(WLAN.IF_AP).config("mac") as Uint8Array, 6);
		}
		return frame(PONG, id, 0, 0, this.#macs, 0, 12);
	}

	#onPong(mac: Uint8Array, id: number, data: Uint8Array): void {
		const out = this.#outgoing.get(id);
		if (!out || out.kind !== PING) return;
		if (data.length === 12) {
			const sta = data.subarray(0, 6), ap = data.subarray(6, 12);
			const device = keyOf(sta);
			if (keyOf(mac) !== device && keyOf(mac) !== keyOf(ap)) return; // not the device that says it answers
			this.#learn(sta, device);
			this.#learn(ap, device);
		}
		if (this.#device(mac) !== this.#device(out.to)) return;
		this.#finish(out, data);
	}

	#onResponse(mac: Uint8Array, id: number, index: number, count: number, data: Uint8Array): void {
		const out = this.#outgoing.get(id);
		if (!out || out.kind !== REQUEST) return;
		if (this.#device(mac) !== this.#device(out.to)) {
			/* the other interface of the device asked, which no pong has named yet: learn it, unless it is known as another device's */
			if (this.#devices.has(keyOf(mac))) return;
			this.#learn(mac, this.#device(out.to));
		}
		const tooLong = () => this.#finish(out, failure(`hub: the response from ${macText(mac)} is longer than max_message (${this.#maxMessage} bytes)`));
		if (count === 1) return data.length > 1 + this.#maxMessage ? tooLong() : this.#finish(out, data);
		out.reply ??= assembly(count);
		if (out.reply.count !== count) return;
		add(out.reply, index, data);
		if (out.reply.bytes > 1 + this.#maxMessage) return tooLong();
		if (out.reply.have !== count) return;
		this.#reply(out.to, ackFrame(RESPONSE, id, count, out.reply.bitmap)); // all here: the responder may forget the fragments
		this.#finish(out, joined(out.reply));
	}

	#onAck(mac: Uint8Array, id: number, data: Uint8Array): void {
		if (data.length < 2) return;
		const kind = data[0], count = data[1], bitmap = data.subarray(2);
		if (kind === REQUEST) { // the responder holds these fragments of our request
			const out = this.#outgoing.get(id);
			if (!out?.acked || count !== out.count || bitmap.length !== out.acked.length || this.#device(mac) !== this.#device(out.to)) return;
			for (let i = 0; i < bitmap.length; i++) out.acked[i] |= bitmap[i];
			if (holds(out.acked, count)) out.message = EMPTY; // no fragment of it goes again
		} else if (kind === RESPONSE) { // the requester holds these fragments of our response (count 0: none)
			const key = `${this.#device(mac)}/${id}`, incoming = this.#incoming.get(key);
			if (!incoming?.answer) return;
			this.#incoming.delete(key); // to the end, as a repeat
			this.#incoming.set(key, incoming);
			if (count !== 0 && (count !== incoming.count || bitmap.length !== (count + 7) >> 3)) return;
			if (count !== 0 && holds(bitmap, count)) { // delivered: keep only that it was answered
				this.#answerBytes -= incoming.answer.length;
				incoming.answer = EMPTY;
				incoming.count = 0;
			} else this.#sendAnswer(incoming, count ? bitmap : null);
		}
	}

	#onRequest(mac: Uint8Array, id: number, index: number, count: number, data: Uint8Array): void {
		const device = this.#device(mac), key = `${device}/${id}`;
		let incoming = this.#incoming.get(key);
		if (incoming?.answer) { // a repeat: our response, or our acknowledgement, was lost
			this.#incoming.delete(key); // to the end: an answer still asked for is forgotten last
			this.#incoming.set(key, incoming);
			if (count === 1) this.#sendAnswer(incoming, null);
			else this.#reply(mac, ackFrame(REQUEST, id, count, full(count)));
			return;
		}
		if (incoming && !incoming.assembly) return; // being handled
		if (!incoming) {
			incoming = { mac: mac.slice(), device, id, assembly: null, answer: null, count: 0, sending: false, ack: null, relayed: false };
			this.#remember(key, incoming);
			if (this.#buried(device, id)) return this.#answer(incoming, FAILED, bytesOf(`hub: request ${id} was answered by ${this.#self()} and its answer forgotten (it remembers ${this.#remembered}); it is not handled twice`));
			if (count === 1) return this.#handle(incoming, data);
			incoming.assembly = assembly(count);
		}
		const parts = incoming.assembly!;
		if (parts.count !== count) return;
		add(parts, index, data);
		const refused = parts.bytes > this.#longest // whatever size the sender's fragments are
			? `hub: a request longer than ${this.#longest} bytes (a body of max_message, ${this.#maxMessage} bytes, and a path of max_hops, ${this.#maxHops}) is refused by ${this.#self()}`
			: parts.cost > this.#budget ? `hub: a request in ${count} fragments this small is refused by ${this.#self()}: they would take more than ${this.#budget} bytes of its memory` : null;
		if (refused) {
			Timer.clear(incoming.ack);
			incoming.ack = null;
			incoming.assembly = null;
			return this.#answer(incoming, FAILED, bytesOf(refused));
		}
		this.#limitAssemblies(incoming);
		if (parts.have === count) {
			Timer.clear(incoming.ack);
			incoming.ack = null;
			incoming.assembly = null;
			this.#reply(mac, ackFrame(REQUEST, id, count, parts.bitmap));
			return this.#handle(incoming, joined(parts));
		}
		incoming.ack ??= Timer.set(() => {
			incoming.ack = null;
			if (incoming.assembly) this.#reply(incoming.mac, ackFrame(REQUEST, id, count, incoming.assembly.bitmap));
		}, Math.max(1, this.#retry >> 1));
	}

	/*
	 * Keep at most remembered requests answered (or being put together): the
	 * one asked for least recently of the device that has the most goes first, so that a device that
	 * asks a lot cannot make the others' answers be forgotten. A request being
	 * handled is never forgotten (it would run twice); HANDLING bounds those.
	 */
	#remember(key: string, incoming: Incoming): void {
		this.#incoming.set(key, incoming);
		while (this.#incoming.size > this.#remembered) {
			const held = new Map<number, number>();
			for (const entry of this.#incoming.values()) if (entry.answer || entry.assembly) held.set(entry.device, (held.get(entry.device) ?? 0) + 1);
			const from = most(held);
			if (from === null) return;
			for (const [old, entry] of this.#incoming) {
				if (entry.device === from && (entry.answer || entry.assembly)) {
					this.#forget(old, entry);
					break;
				}
			}
		}
	}

	/* Forget a request received; of one answered, keep its id, so that a late repeat is not handled again. */
	#forget(key: string, entry: Incoming): void {
		Timer.clear(entry.ack);
		entry.ack = null;
		this.#incoming.delete(key);
		if (!entry.answer) return;
		this.#answerBytes -= entry.answer.length;
		let ids = this.#tombstones.get(entry.device);
		if (ids) this.#tombstones.delete(entry.device); // to the end: most recently used
		else ids = new Uint16Array(TOMBSTONES + 1);
		this.#tombstones.set(entry.device, ids);
		while (this.#tombstones.size > TOMBSTONE_DEVICES) this.#tombstones.delete(this.#tombstones.keys().next().value as number);
		ids[ids[TOMBSTONES]] = entry.id;
		ids[TOMBSTONES] = (ids[TOMBSTONES] + 1) % TOMBSTONES;
	}

	/* Keep the answers remembered within twice the longest response: the oldest of the device whose answers take most goes first; never current. */
	#limitAnswers(current: Incoming): void {
		while (this.#answerBytes > 2 * (1 + this.#maxMessage)) {
			const held = new Map<number, number>();
			for (const entry of this.#incoming.values()) if (entry.answer?.length && entry !== current) held.set(entry.device, (held.get(entry.device) ?? 0) + entry.answer.length);
			const from = most(held);
			if (from === null) return;
			for (const [key, entry] of this.#incoming) {
				if (entry.device === from && entry.answer?.length && entry !== current) {
					this.#forget(key, entry);
					break;
				}
			}
		}
	}

	/* Whether device's request id was answered and its answer forgotten. */
	#buried(device: number, id: number): boolean {
		const ids = this.#tombstones.get(device);
		if (!ids) return false;
		for (let i = 0; i < TOMBSTONES; i++) if (ids[i] === id) return true;
		return false;
	}

	/*
	 * What fragments from the air may hold: ASSEMBLIES_PER_DEVICE requests and
	 * #budget from one device, ASSEMBLIES and twice #budget in all. What
	 * goes is the oldest of the device over its share, else of the device that
	 * holds most; never current. The requester of one dropped sends it again.
	 */
	#limitAssemblies(current: Incoming): void {
		for (;;) {
			let total = 0, cost = 0, own = 0, ownCost = 0;
			for (const entry of this.#incoming.values()) {
				if (!entry.assembly) continue;
				total++;
				cost += entry.assembly.cost;
				if (entry.device === current.device) {
					own++;
					ownCost += entry.assembly.cost;
				}
			}
			let from: number | null = null;
			if (own > ASSEMBLIES_PER_DEVICE || ownCost > this.#budget) from = current.device;
			else if (total > ASSEMBLIES || cost > 2 * this.#budget) {
				const held = new Map<number, number>();
				for (const entry of this.#incoming.values()) if (entry.assembly && entry !== current) held.set(entry.device, (held.get(entry.device) ?? 0) + (total > ASSEMBLIES ? 1 : entry.assembly.cost));
				from = most(held);
			}
			if (from === null) return;
			let dropped = false;
			for (const [key, entry] of this.#incoming) {
				if (entry.assembly && entry.device === from && entry !== current) {
					this.#forget(key, entry);
					dropped = true;
					break;
				}
			}
			if (!dropped) return;
		}
	}

	/* A whole request: relay it, or give it to the handler; answer either way. */
	#handle(incoming: Incoming, message: Uint8Array): void {
		const hops = message[0] ?? 0;
		const at = 1 + 6 * hops;
		if (message.length < at) return this.#answer(incoming, FAILED, bytesOf("hub: malformed request (its path is cut short)"));
		const payload = message.subarray(at);
		if (payload.length > this.#maxMessage) return this.#answer(incoming, FAILED, bytesOf(`hub: a request body must be at most ${this.#maxMessage} bytes (max_message) at ${this.#self()}, got ${payload.length}`));
		let all = 0, own = 0, relayed = 0, ownRelayed = 0;
		for (const entry of this.#incoming.values()) {
			if (entry === incoming || entry.answer || entry.assembly) continue;
			all++;
			if (entry.relayed) relayed++;
			if (entry.device !== incoming.device) continue;
			own++;
			if (entry.relayed) ownRelayed++;
		}
		if (own >= HANDLING_PER_DEVICE || all >= HANDLING) return this.#answer(incoming, FAILED, bytesOf(`hub: busy: ${this.#self()} handles ${all} requests at once, ${own} of them from this device (at most ${HANDLING}, ${HANDLING_PER_DEVICE} from one device)`));
		if (hops > 0 && (ownRelayed >= RELAYING_PER_DEVICE || relayed >= RELAYING)) return this.#answer(incoming, FAILED, bytesOf(`hub: busy: ${this.#self()} relays ${relayed} requests at once, ${ownRelayed} of them from this device (at most ${RELAYING}, ${RELAYING_PER_DEVICE} from one device)`));
		if (hops > 0) {
			if (!this.#relay) return this.#answer(incoming, FAILED, bytesOf(`hub: ${this.#self()} does not relay (create its Hub with relay: true)`));
			if (hops > this.#maxHops) return this.#answer(incoming, FAILED, bytesOf(`hub: hop limit: the path goes ${hops} hops beyond ${this.#self()}, at most ${this.#maxHops}`));
			const path: Uint8Array[] = [];
			for (let i = 0; i < hops; i++) path.push(message.subarray(1 + 6 * i, 7 + 6 * i));
			incoming.relayed = true;
			new Promise<Uint8Array>((resolve) => resolve(this.request(path, payload))).then(
				(body) => this.#answer(incoming, OK, body),
				(error: Error) => this.#answer(incoming, FAILED, bytesOf(error instanceof HubError ? error.message : `hub: relay by ${this.#self()}: ${String(error?.message ?? error)}`)),
			);
			return;
		}
		const handler = this.#handler;
		if (!handler) return this.#answer(incoming, FAILED, bytesOf(`hub: ${this.#self()} serves no requests`));
		new Promise<Body>((resolve) => resolve(handler(incoming.mac, payload))).then(
			(result) => {
				const body = bodyOf(result);
				if (body) this.#answer(incoming, OK, body);
				else this.#answer(incoming, FAILED, bytesOf(`hub: the handler at ${this.#self()} returned ${describe(result)}; a handler returns a Uint8Array, an ArrayBuffer, a string or null`));
			},
			(error: unknown) => this.#answer(incoming, FAILED, bytesOf(`hub: the handler at ${this.#self()} failed: ${describeError(error)}`)),
		);
	}

	#answer(incoming: Incoming, status: number, body: Uint8Array): void {
		if (!this.#running) return;
		if (body.length > this.#maxMessage) {
			status = FAILED;
			body = bytesOf(`hub: a response must be at most ${this.#maxMessage} bytes (max_message), the handler gave ${body.length}`);
		}
		const message = new Uint8Array(1 + body.length);
		message[0] = status;
		message.set(body, 1);
		incoming.count = this.#count(message);
		incoming.answer = message;
		this.#answerBytes += message.length;
		this.#limitAnswers(incoming);
		this.#sendAnswer(incoming, null);
	}

	/* Send the response's fragments the requester lacks (bitmap null: all), unless some are still going out. */
	#sendAnswer(incoming: Incoming, bitmap: Uint8Array | null): void {
		if (incoming.sending || incoming.count === 0 || this.#answering >= ANSWERING) return; // the requester asks again
		this.#answering++;
		const finished = () => void this.#answering--;
		if (incoming.count === 1) return this.#sendOne(incoming, incoming.mac, this.#frame(RESPONSE, incoming.id, incoming.answer!, 1, 0), finished);
		const held = bitmap && bitmap.slice(); // the ACK's bitmap alone, not the frame it came in
		this.#more(this.#round(incoming, incoming.mac, incoming.count, (i) => incoming.count === 0 || (held && has(held, i)) ? null : this.#frame(RESPONSE, incoming.id, incoming.answer!, incoming.count, i), finished));
	}

	#self(): string {
		return macText(this.#station().config("mac") as Uint8Array);
	}

	/* The STA interface: its MAC names this device, and follow() moves its channel. */
	#station(): WLAN {
		return (this.#sta ??= new WLAN(WLAN.IF_STA));
	}
}

function frame(kind: number, id: number, index: number, count: number, message: Uint8Array, from: number, to: number): Uint8Array {
	const at = count ? FRAGMENT_HEADER_LEN : HEADER_LEN;
	const f = new Uint8Array(at + to - from);
	f[0] = MAGIC;
	f[1] = count ? kind | FRAGMENT : kind;
	f[2] = id >> 8;
	f[3] = id & 0xff;
	if (count) {
		f[4] = index;
		f[5] = count;
	}
	f.set(message.subarray(from, to), at);
	return f;
}

function ackFrame(kind: number, id: number, count: number, bitmap: Uint8Array | null): Uint8Array {
	const body = new Uint8Array(2 + (bitmap ? bitmap.length : 0));
	body[0] = kind;
	body[1] = count;
	if (bitmap) body.set(bitmap, 2);
	return frame(ACK, id, 0, 0, body, 0, body.length);
}

function assembly(count: number): Assembly {
	return { count, have: 0, bytes: 0, cost: 0, bitmap: new Uint8Array((count + 7) >> 3), parts: new Array(count) };
}

function add(parts: Assembly, index: number, data: Uint8Array): void {
	if (has(parts.bitmap, index)) return;
	parts.bitmap[index >> 3] |= 1 << (index & 7);
	parts.parts[index] = data;
	parts.have++;
	parts.bytes += data.length;
	parts.cost += data.length + PART_COST;
}

/* A response's message that says text failed. */
function failure(text: string): Uint8Array {
	const body = bytesOf(text), message = new Uint8Array(1 + body.length);
	message[0] = FAILED;
	message.set(body, 1);
	return message;
}

function joined(parts: Assembly): Uint8Array {
	let length = 0;
	for (const part of parts.parts) length += part!.length;
	const message = new Uint8Array(length);
	for (let i = 0, at = 0; i < parts.count; at += parts.parts[i]!.length, i++) message.set(parts.parts[i]!, at);
	return message;
}

function has(bitmap: Uint8Array, index: number): boolean {
	return (bitmap[index >> 3] & (1 << (index & 7))) !== 0;
}

/* Whether bitmap lists every one of count fragments. */
function holds(bitmap: Uint8Array, count: number): boolean {
	for (let i = 0; i < count; i++) if (!has(bitmap, i)) return false;
	return true;
}

function full(count: number): Uint8Array {
	const bitmap = new Uint8Array((count + 7) >> 3);
	for (let i = 0; i < count; i++) bitmap[i >> 3] |= 1 << (i & 7);
	return bitmap;
}

function bytesOf(body: Uint8Array | string): Uint8Array {
	if (typeof body === "string") return new Uint8Array(ArrayBuffer.fromString(body));
	if (isUint8Array(body)) return body;
	throw new TypeError(`hub: a body must be a Uint8Array or a string, got ${describe(body)}`);
}

/* What a handler answered with as bytes, or null when it is not something a handler may return. */
function bodyOf(result: unknown): Uint8Array | null {
	if (result === null || result === undefined) return EMPTY;
	if (typeof result === "string") return bytesOf(result);
	if (isUint8Array(result)) return result;
	if (isArrayBuffer(result)) return new Uint8Array(result);
	return null;
}

/* The typed array's own tag (brand checks are espnow's isUint8Array and isArrayBuffer), for messages. */
const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag)!.get!;

/* "a number", "null", "an object (a Uint8Array in name only)": what a value is, for messages. */
function describe(value: unknown): string {
	if (value === null) return "null";
	if (typeof value !== "object") return `${/^[aeiou]/.test(typeof value) ? "an" : "a"} ${typeof value}`;
	if (value instanceof Uint8Array) return "an object that only claims to be a Uint8Array";
	return ArrayBuffer.isView(value) ? `a ${typedArrayTag.call(value) ?? "DataView"}` : "an object";
}

/* A number or another primitive as it is, anything else as what it is: String() of an object may throw. */
function shown(value: unknown): string {
	return value === null || (typeof value !== "object" && typeof value !== "function" && typeof value !== "symbol") ? String(value) : describe(value);
}

/* An error thrown by the app, as text: String() of it may throw too. */
function describeError(error: unknown): string {
	try {
		return String(error);
	} catch {
		return "an error that cannot be shown as text";
	}
}

/* The key with the greatest count (the first of those), or null for none. */
function most(counts: Map<number, number>): number | null {
	let best: number | null = null, count = 0;
	for (const [key, n] of counts) {
		if (n > count) {
			best = key;
			count = n;
		}
	}
	return best;
}

function textOf(bytes: Uint8Array): string {
	return String.fromArrayBuffer(bytes.slice().buffer);
}

function checkMac(mac: unknown, what: string): void {
	if (!isUint8Array(mac) || mac.length !== 6) throw new TypeError(`hub: ${what}: a MAC must be a Uint8Array of 6 bytes`);
}

function positive(value: number | undefined, fallback: number, what: string): number {
	if (value === undefined) return fallback;
	if (!Number.isInteger(value) || value < 1) throw new RangeError(`hub: ${what} must be a positive integer, got ${shown(value)}`);
	return value;
}
