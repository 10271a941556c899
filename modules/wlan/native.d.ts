/* Types of native.js (modWLAN.c). */

/** Interface iface's state; with flag, set it first. */
export function active(iface: number, flag?: boolean): boolean;
export function mac(iface: number): ArrayBuffer;
export function channel(): number;
export function setChannel(channel: number): void;
export function pm(): number;
export function setPM(pm: number): void;
export function disconnect(): void;
