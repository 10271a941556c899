/* Types of native.js (modWLAN.c). */

/** Interface iface's state; with flag, set it first. */
export function active(iface: number, flag?: boolean): boolean;
export function mac(iface: number): ArrayBuffer;
export function channel(): number;
export function setChannel(channel: number): void;
export function pm(): number;
export function setPM(pm: number): void;
/** WIFI_PROTOCOL_ bits of the chip's default (0: the chip has no choice, ESP8266). */
export function protocolDefault(): number;
export function protocol(iface: number): number;
export function setProtocol(iface: number, protocol: number): void;
/** 0.25 dBm units */
export function txpower(): number;
export function setTxpower(quarterDbm: number): void;
export function disconnect(): void;
