/*
 * WLAN: the subset of MicroPython's network.WLAN that ESP-NOW apps use.
 * An interface must be active before ESP-NOW can send or receive on it; both
 * interfaces share the radio's one channel.
 */

import * as native from "wlan/native";

export interface WLANConfig {
  channel?: number;
  pm?: number;
}

export default class WLAN {
  static readonly IF_STA = 0;
  static readonly IF_AP = 1;
  /** Power saving off: the radio listens all the time (what ESP-NOW receivers want). */
  static readonly PM_NONE = 0;
  static readonly PM_PERFORMANCE = 1;
  static readonly PM_POWERSAVE = 2;

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

  /** config("mac") -> Uint8Array(6), config("channel") or config("pm") -> number; config({channel, pm}) sets. */
  config(name: "mac"): Uint8Array;
  config(name: "channel" | "pm"): number;
  config(options: WLANConfig): void;
  config(what: string | WLANConfig): Uint8Array | number | void {
    if (typeof what === "string") {
      switch (what) {
        case "mac": return new Uint8Array(native.mac(this.#iface));
        case "channel": return native.channel();
        case "pm": return native.pm();
      }
      throw new RangeError(`WLAN.config: unknown parameter "${what}"; expected mac, channel or pm`);
    }
    if (typeof what !== "object" || what === null) throw new TypeError("WLAN.config: expected a parameter name or an object such as {channel: 6}");
    for (const name of Object.keys(what)) {
      if (name !== "channel" && name !== "pm") throw new RangeError(`WLAN.config: unknown parameter "${name}"; expected channel or pm`);
    }
    const { channel, pm } = what;
    if (channel !== undefined && (!Number.isInteger(channel) || channel < 1 || channel > 14)) throw new RangeError(`WLAN.config: channel must be 1..14, got ${String(channel)}`);
    if (pm !== undefined && (!Number.isInteger(pm) || pm < 0 || pm > 2)) throw new RangeError(`WLAN.config: pm must be PM_NONE (0), PM_PERFORMANCE (1) or PM_POWERSAVE (2), got ${String(pm)}`);
    if (channel !== undefined) native.setChannel(channel);
    if (pm !== undefined) native.setPM(pm);
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
