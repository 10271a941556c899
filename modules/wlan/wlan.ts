/*
 * WLAN: the subset of MicroPython's network.WLAN that ESP-NOW apps use.
 * An interface must be active before ESP-NOW can send or receive on it; both
 * interfaces share the radio's one channel.
 */

import * as native from "wlan/native";

/* MicroPython's network.MODE_11B, MODE_11G, MODE_11N: WIFI_PROTOCOL_ bits for config({protocol}). */
export const MODE_11B = 1;
export const MODE_11G = 2;
export const MODE_11N = 4;
/** Espressif's long-range mode (not on ESP32-C2 nor ESP8266): with it the radio sends and hears espnow.RATE_LORA_250K and RATE_LORA_500K. */
export const PROTOCOL_LR = 8;
const MODE_11AX = 0x40;

export interface WLANConfig {
  channel?: number;
  pm?: number;
  /** WIFI_PROTOCOL_ bits: MODE_11B | MODE_11G | MODE_11N, PROTOCOL_LR, WLAN.PROTOCOL_DEFAULT */
  protocol?: number;
  /** maximum transmit power, dBm (2..21; in 0.25 dBm steps) */
  txpower?: number;
}

const PARAMETERS = ["channel", "pm", "protocol", "txpower"];

export default class WLAN {
  static readonly IF_STA = 0;
  static readonly IF_AP = 1;
  /** Power saving off: the radio listens all the time (what ESP-NOW receivers want). */
  static readonly PM_NONE = 0;
  static readonly PM_PERFORMANCE = 1;
  static readonly PM_POWERSAVE = 2;
  static readonly MODE_11B = MODE_11B;
  static readonly MODE_11G = MODE_11G;
  static readonly MODE_11N = MODE_11N;
  static readonly PROTOCOL_LR = PROTOCOL_LR;
  /** The chip's default protocols: MODE_11B | MODE_11G | MODE_11N (7), with 11ax (0x40) on the chips that have it. Asked of the glue when read (a preloaded module makes no native call while it loads). */
  static get PROTOCOL_DEFAULT(): number {
    return native.protocolDefault();
  }

  readonly IF_STA = 0;
  readonly IF_AP = 1;
  readonly PM_NONE = 0;
  readonly PM_PERFORMANCE = 1;
  readonly PM_POWERSAVE = 2;

  readonly #iface: number;

  /** new WLAN(WLAN.IF_STA) or new WLAN(WLAN.IF_AP). */
  constructor(iface: number = WLAN.IF_STA) {
    if (iface !== WLAN.IF_STA && iface !== WLAN.IF_AP) throw new RangeError(`WLAN: interface must be WLAN.IF_STA (0) or WLAN.IF_AP (1), got ${String(iface)}`);
    this.#iface = iface;
  }

  /** Turn the interface on or off; returns whether it is on. */
  active(flag?: unknown): boolean {
    return flag === undefined ? native.active(this.#iface) : native.active(this.#iface, !!flag);
  }

  /** config("mac") -> Uint8Array(6); config("channel" | "pm" | "protocol" | "txpower") -> number; config({channel, pm, protocol, txpower}) sets. */
  config(name: "mac"): Uint8Array;
  config(name: "channel" | "pm" | "protocol" | "txpower"): number;
  config(options: WLANConfig): void;
  config(what: string | WLANConfig): Uint8Array | number | void {
    if (typeof what === "string") {
      switch (what) {
        case "mac": return new Uint8Array(native.mac(this.#iface));
        case "channel": return native.channel();
        case "pm": return native.pm();
        case "protocol": return supported(() => native.protocol(this.#iface), "protocol");
        case "txpower": return native.txpower() / 4;
      }
      throw new RangeError(`WLAN.config: unknown parameter "${what}"; expected mac, channel, pm, protocol or txpower`);
    }
    if (typeof what !== "object" || what === null) throw new TypeError("WLAN.config: expected a parameter name or an object such as {channel: 6}");
    for (const name of Object.keys(what)) {
      if (!PARAMETERS.includes(name)) throw new RangeError(`WLAN.config: unknown parameter "${name}"; expected channel, pm, protocol or txpower`);
    }
    const { channel, pm, protocol, txpower } = what;
    if (channel !== undefined && (!Number.isInteger(channel) || channel < 1 || channel > 14)) throw new RangeError(`WLAN.config: channel must be 1..14, got ${String(channel)}`);
    if (pm !== undefined && (!Number.isInteger(pm) || pm < 0 || pm > 2)) throw new RangeError(`WLAN.config: pm must be PM_NONE (0), PM_PERFORMANCE (1) or PM_POWERSAVE (2), got ${String(pm)}`);
    const known = MODE_11B | MODE_11G | MODE_11N | PROTOCOL_LR | MODE_11AX;
    if (protocol !== undefined && (!Number.isInteger(protocol) || protocol <= 0 || (protocol & ~known))) {
      throw new RangeError(`WLAN.config: protocol must be a combination of MODE_11B (1), MODE_11G (2), MODE_11N (4), PROTOCOL_LR (8) and 11ax (0x40), got ${String(protocol)}`);
    }
    if (txpower !== undefined && (typeof txpower !== "number" || !(txpower >= 2 && txpower <= 21))) throw new RangeError(`WLAN.config: txpower must be 2..21 dBm, got ${String(txpower)}`);
    if (channel !== undefined) native.setChannel(channel);
    if (pm !== undefined) native.setPM(pm);
    if (protocol !== undefined) supported(() => native.setProtocol(this.#iface, protocol), "protocol", protocol);
    /* 0.25 dBm steps, cut towards zero as MicroPython's int8 cast does */
    if (txpower !== undefined) native.setTxpower(Math.trunc(txpower * 4));
  }

  /** Leave the access point (ESP8266 rejoins its last one when activated). */
  disconnect(): void {
    native.disconnect();
  }

  /** Whether connected to an access point: never, in this API (it has no connect()). */
  isconnected(): boolean {
    return false;
  }
}

/** The glue's ESP_ERR_NOT_SUPPORTED for protocols, said clearly. */
function supported<T>(call: () => T, what: string, protocol?: number): T {
  try {
    return call();
  } catch (error) {
    if (!(error instanceof Error) || !error.message.includes("ESP_ERR_NOT_SUPPORTED")) throw error;
    const detail = !native.protocolDefault() ? "the ESP8266 has no choice of 802.11 protocols"
      : protocol !== undefined && protocol & PROTOCOL_LR ? "long range (PROTOCOL_LR) is not on this chip (ESP32-C2)"
      : "11ax (0x40) is not on this chip (only ESP32-C5 and C6 have it)";
    throw new Error(`WLAN.config: ${what}: ${detail}: ${error.message}`);
  }
}
