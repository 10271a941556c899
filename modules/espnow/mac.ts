/*
 * MAC addresses as text: "aa:bb:cc:dd:ee:ff", the form ESP-IDF and
 * MicroPython print, and back.
 */

/**
 * A 6-byte MAC as text, two lower-case hex digits a byte: `formatMac(mac)`
 * is "02:45:4e:53:00:01". `separator` goes between the bytes (":" by default;
 * "" gives "02454e530001").
 */
export function formatMac(mac: Uint8Array | ArrayBuffer, separator: string = ":"): string {
  const bytes = mac instanceof ArrayBuffer ? new Uint8Array(mac) : mac;
  if (!(bytes instanceof Uint8Array)) throw new TypeError("formatMac: mac must be a Uint8Array or an ArrayBuffer");
  if (bytes.length !== 6) throw new RangeError(`formatMac: a MAC is 6 bytes, got ${bytes.length}`);
  let text = "";
  for (let i = 0; i < 6; i++) text += (i ? separator : "") + (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
  return text;
}

/**
 * The 6 bytes of a MAC written as six two-digit hex bytes separated by ":"
 * or "-" ("aa:bb:cc:dd:ee:ff", "AA-BB-CC-DD-EE-FF"), or twelve hex digits
 * ("aabbccddeeff"), in a new Uint8Array. Anything else is a TypeError or
 * RangeError that shows the text.
 */
export function parseMac(text: string): Uint8Array {
  if (typeof text !== "string") throw new TypeError(`parseMac: expected a string, got ${typeof text}`);
  const match = /^([0-9a-f]{2})([:-]?)([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})$/i.exec(text);
  if (!match) throw new RangeError(`parseMac: expected a MAC such as aa:bb:cc:dd:ee:ff, got "${text}"`);
  const mac = new Uint8Array(6);
  for (let i = 0; i < 6; i++) mac[i] = parseInt(match[i < 1 ? 1 : i + 2], 16);
  return mac;
}
