/**
 * MAC addresses as the air handles them: 6-byte buffers on the wire, lower-case
 * colon-separated strings ("02:45:4e:53:00:01") in maps, logs and the control API.
 */

export const MAC_LEN = 6;
export const BROADCAST = 'ff:ff:ff:ff:ff:ff';

/** Formats 6 bytes as `aa:bb:cc:dd:ee:ff`. */
export function macToString(bytes: Uint8Array): string {
  if (bytes.length !== MAC_LEN) throw new RangeError(`mac: expected ${MAC_LEN} bytes, got ${bytes.length}`);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Parses `aa:bb:cc:dd:ee:ff` (or `-` separators, or 12 hex digits) into 6 bytes. */
export function macFromString(text: string): Buffer {
  const hex = text.replace(/[:-]/g, '');
  if (!/^[0-9a-fA-F]{12}$/.test(hex)) throw new RangeError(`mac: expected "aa:bb:cc:dd:ee:ff", got ${JSON.stringify(text)}`);
  return Buffer.from(hex, 'hex');
}

/** Accepts either form and returns the canonical string. */
export function normaliseMac(mac: string | Uint8Array): string {
  return typeof mac === 'string' ? macToString(macFromString(mac)) : macToString(mac);
}

/** The group bit (bit 0 of the first octet) marks broadcast and multicast addresses. */
export function isGroupMac(mac: string | Uint8Array): boolean {
  const first = typeof mac === 'string' ? parseInt(mac.slice(0, 2), 16) : mac[0];
  return (first & 1) === 1;
}

export function isZeroMac(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0);
}

/**
 * Default addresses for node `index`: locally administered, unicast, and different
 * for the two interfaces so that a test sending to the wrong one fails.
 * STA = 02:45:4e:53:hi:lo ("EN" "S"), AP = 02:45:4e:41:hi:lo ("EN" "A").
 */
export function defaultMacs(index: number): { sta: string; ap: string } {
  const hi = (index >> 8) & 0xff;
  const lo = index & 0xff;
  return {
    sta: macToString(Uint8Array.of(0x02, 0x45, 0x4e, 0x53, hi, lo)),
    ap: macToString(Uint8Array.of(0x02, 0x45, 0x4e, 0x41, hi, lo)),
  };
}
