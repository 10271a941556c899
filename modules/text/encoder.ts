/*
 * TextEncoder under the module name the Moddable SDK gives it ("text/encoder"),
 * for the simulator: an app imports `TextEncoder from "text/encoder"` and the
 * same import builds for a device with the SDK's own module (its manifest
 * modules/data/text/encoder). UTF-8 only, as the Encoding Standard says; a
 * lone surrogate is encoded as U+FFFD.
 */

/** What encodeInto did: UTF-16 code units read from the string, bytes written. */
export interface EncodeIntoResult {
  read: number;
  written: number;
}

/* The UTF-8 length of the code point at index i of text, and the code point; a lone surrogate is U+FFFD. */
function codePointAt(text: string, i: number): [codePoint: number, units: number] {
  const unit = text.charCodeAt(i);
  if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
    const next = text.charCodeAt(i + 1);
    if (next >= 0xdc00 && next <= 0xdfff) return [0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00), 2];
  }
  if (unit >= 0xd800 && unit <= 0xdfff) return [0xfffd, 1];
  return [unit, 1];
}

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

function put(codePoint: number, into: Uint8Array, at: number): void {
  if (codePoint < 0x80) {
    into[at] = codePoint;
  } else if (codePoint < 0x800) {
    into[at] = 0xc0 | (codePoint >> 6);
    into[at + 1] = 0x80 | (codePoint & 0x3f);
  } else if (codePoint < 0x10000) {
    into[at] = 0xe0 | (codePoint >> 12);
    into[at + 1] = 0x80 | ((codePoint >> 6) & 0x3f);
    into[at + 2] = 0x80 | (codePoint & 0x3f);
  } else {
    into[at] = 0xf0 | (codePoint >> 18);
    into[at + 1] = 0x80 | ((codePoint >> 12) & 0x3f);
    into[at + 2] = 0x80 | ((codePoint >> 6) & 0x3f);
    into[at + 3] = 0x80 | (codePoint & 0x3f);
  }
}

/** Encodes strings as UTF-8, as the web platform's `TextEncoder`. */
export default class TextEncoder {
  /** Always "utf-8". */
  get encoding(): "utf-8" {
    return "utf-8";
  }

  /** The UTF-8 bytes of `input` (converted to a string; absent: ""), in a new Uint8Array. */
  encode(input: string = ""): Uint8Array {
    const text = String(input);
    let length = 0;
    for (let i = 0; i < text.length;) {
      const [codePoint, units] = codePointAt(text, i);
      length += utf8Length(codePoint);
      i += units;
    }
    const bytes = new Uint8Array(length);
    let at = 0;
    for (let i = 0; i < text.length;) {
      const [codePoint, units] = codePointAt(text, i);
      put(codePoint, bytes, at);
      at += utf8Length(codePoint);
      i += units;
    }
    return bytes;
  }

  /** Writes as much of `input` as fits into `destination`, whole characters only. */
  encodeInto(input: string, destination: Uint8Array): EncodeIntoResult {
    if (!(destination instanceof Uint8Array)) throw new TypeError("encodeInto: destination must be a Uint8Array");
    const text = String(input);
    let read = 0;
    let written = 0;
    while (read < text.length) {
      const [codePoint, units] = codePointAt(text, read);
      const length = utf8Length(codePoint);
      if (written + length > destination.length) break;
      put(codePoint, destination, written);
      written += length;
      read += units;
    }
    return { read, written };
  }
}
