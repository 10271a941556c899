/*
 * The host functions of modESPNow.c: the only `@` declarations of ESP-NOW.
 * espnow.ts gives them their API; see there for the shapes.
 *
 * Private to espnow.ts: it claims them as it loads (at preload time on a
 * device and in the simulator), and claim() refuses everyone after it, so an
 * app that imports espnow/native gets nothing from it.
 */

class Radio @ "xs_espnow_destructor" {
	constructor(rxbuf, onWake) @ "xs_espnow";
	start() @ "xs_espnow_start";
	close() @ "xs_espnow_close";
	receive(out, target, timeoutMs, mode, senders) @ "xs_espnow_receive";
	any() @ "xs_espnow_any";
	send(mac, message, sync) @ "xs_espnow_radio_send";
	logSends(on) @ "xs_espnow_log_sends";
	nextSendStatus(meta) @ "xs_espnow_next_send_status";
	stats() @ "xs_espnow_stats";
	setPMK(pmk) @ "xs_espnow_set_pmk";
	addPeer(mac, lmk, channel, ifidx, encrypt) @ "xs_espnow_add_peer";
	modPeer(mac, lmk, channel, ifidx, encrypt) @ "xs_espnow_mod_peer";
	delPeer(mac) @ "xs_espnow_del_peer";
	getPeer(mac, out) @ "xs_espnow_get_peer";
	fetchPeer(first, out) @ "xs_espnow_fetch_peer";
	peerCount(out) @ "xs_espnow_peer_count";
	setRate(rate) @ "xs_espnow_set_rate";
	static setReceiving(state) @ "xs_espnow_set_receiving";
	static maxDataLength() @ "xs_espnow_max_data_len";
	static errorName(errno) @ "xs_espnow_error_name";
}
Object.freeze(Radio.prototype);

/* ESPNow.prototype's own irecv, recv, recvinto, next and send */
function irecv(timeout_ms) @ "xs_espnow_irecv";
function recv(timeout_ms) @ "xs_espnow_recv";
function recvinto(data, timeout_ms) @ "xs_espnow_recvinto";
function next() @ "xs_espnow_next";
function send(first, second, sync) @ "xs_espnow_send";

/* for AIOESPNow, through ESPNow */
function sendsSettled(radio) @ "xs_espnow_sends_settled";

let claimed = false;

/** { Radio, irecv, recv, recvinto, next, send, sendsSettled } the first time; TypeError after. */
export function claim() {
	if (claimed)
		throw new TypeError("espnow/native is private to the espnow module");
	claimed = true;
	return { Radio, irecv, recv, recvinto, next, send, sendsSettled };
}
