/*
 * TextDecoder under the module name the Moddable SDK gives it ("text/decoder"),
 * for the simulator: an app imports `TextDecoder from "text/decoder"` and the
 * same import builds for a device with the SDK's own module (its manifest
 * modules/data/text/decoder). UTF-8 only; malformed bytes become U+FFFD (one
 * for each maximal invalid sequence, as the Encoding Standard's decoder
 * does), or throw a TypeError with `fatal`.
 */

export interface TextDecoderOptions {
  /** throw a TypeError on malformed input instead of writing U+FFFD */
  fatal?: boolean;
  /** keep a leading byte order mark in the text */
  ignoreBOM?: boolean;
}

export interface TextDecodeOptions {
  /** more input follows: keep an incomplete sequence at the end for the next call */
  stream?: boolean;
}

function bytesOf(input: ArrayBufferLike | ArrayBufferView | undefined): Uint8Array {
  if (input === undefined) return new Uint8Array(0);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (input instanceof ArrayBuffer || (typeof SharedArrayBuffer === "function" && input instanceof SharedArrayBuffer)) return new Uint8Array(input);
  throw new TypeError("decode: input must be an ArrayBuffer or a view of one");
}

/** Decodes UTF-8 bytes to a string, as the web platform's `TextDecoder`. */
export default class TextDecoder {
  readonly #fatal: boolean;
  readonly #ignoreBOM: boolean;
  /* the decoder's state between streamed calls: the sequence begun, and whether the BOM check is done */
  #needed = 0;
  #seen = 0;
  #codePoint = 0;
  #lower = 0x80;
  #upper = 0xbf;
  #started = false;

  constructor(label: string = "utf-8", options: TextDecoderOptions = {}) {
    const name = String(label).trim().toLowerCase();
    if (name !== "utf-8" && name !== "utf8" && name !== "unicode-1-1-utf-8") {
      throw new RangeError(`TextDecoder: only utf-8 is supported, got ${String(label)}`);
    }
    this.#fatal = Boolean(options.fatal);
    this.#ignoreBOM = Boolean(options.ignoreBOM);
  }

  /** Always "utf-8". */
  get encoding(): "utf-8" {
    return "utf-8";
  }

  get fatal(): boolean {
    return this.#fatal;
  }

  get ignoreBOM(): boolean {
    return this.#ignoreBOM;
  }

  /** The text of `input`; with `{stream: true}`, a sequence cut at the end is completed by the next call. */
  decode(input?: ArrayBufferLike | ArrayBufferView, options: TextDecodeOptions = {}): string {
    const bytes = bytesOf(input);
    const units: number[] = [];
    let text = "";
    const emit = (codePoint: number): void => {
      if (!this.#started) {
        this.#started = true;
        if (codePoint === 0xfeff && !this.#ignoreBOM) return;
      }
      if (codePoint < 0x10000) units.push(codePoint);
      else units.push(0xd800 + ((codePoint - 0x10000) >> 10), 0xdc00 + ((codePoint - 0x10000) & 0x3ff));
      if (units.length >= 4096) text += String.fromCharCode(...units.splice(0));
    };
    const malformed = (): void => {
      this.#reset();
      if (this.#fatal) {
        this.#started = false;
        throw new TypeError("decode: malformed UTF-8");
      }
      emit(0xfffd);
    };
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (this.#needed === 0) {
        if (byte < 0x80) emit(byte);
        else if (byte >= 0xc2 && byte <= 0xdf) this.#begin(1, byte & 0x1f);
        else if (byte >= 0xe0 && byte <= 0xef) {
          this.#begin(2, byte & 0x0f);
          if (byte === 0xe0) this.#lower = 0xa0;
          if (byte === 0xed) this.#upper = 0x9f;
        } else if (byte >= 0xf0 && byte <= 0xf4) {
          this.#begin(3, byte & 0x07);
          if (byte === 0xf0) this.#lower = 0x90;
          if (byte === 0xf4) this.#upper = 0x8f;
        } else malformed();
      } else if (byte < this.#lower || byte > this.#upper) {
        malformed();
        i--; /* the byte that broke the sequence may begin the next one */
      } else {
        this.#lower = 0x80;
        this.#upper = 0xbf;
        this.#codePoint = (this.#codePoint << 6) | (byte & 0x3f);
        if (++this.#seen === this.#needed) {
          const codePoint = this.#codePoint;
          this.#reset();
          emit(codePoint);
        }
      }
    }
    if (!options.stream) {
      if (this.#needed !== 0) malformed();
      this.#started = false;
    }
    return text + String.fromCharCode(...units);
  }

  #begin(needed: number, bits: number): void {
    this.#needed = needed;
    this.#seen = 0;
    this.#codePoint = bits;
  }

  #reset(): void {
    this.#needed = 0;
    this.#seen = 0;
    this.#codePoint = 0;
    this.#lower = 0x80;
    this.#upper = 0xbf;
  }
}
