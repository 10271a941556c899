/**
 * ESP-NOW frames as they go over the air: an 802.11 management frame of subtype
 * Action, laid out as ESP-IDF's ESP-NOW documentation describes, optionally
 * protected with CCMP (AES-128-CCM, IEEE 802.11-2012 clause 11.4.3).
 *
 *   MAC header (24)  FC=0xd0 flags | duration | A1=dest | A2=src | A3=ff:ff:ff:ff:ff:ff | seq ctl
 *   [CCMP header (8)]                     only when protected
 *   category (1) = 127
 *   OUI (3) = 18:fe:34
 *   random (4)
 *   vendor element(s): 221 | length | 18:fe:34 | type 4 | version | body (<= 250)
 *   [MIC (8)]                             only when protected
 *   FCS (4)                               CRC-32 of everything before it
 *
 * A body longer than 250 bytes (ESP-NOW v2) does not fit one element, whose length
 * octet tops out at 255; it is split into consecutive elements of 250 bytes at most,
 * each with the full OUI/type/version prefix. MODEL.md explains the choice.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';

export const MAC_HEADER_LENGTH = 24;
export const CATEGORY_VENDOR = 127;
export const ESPRESSIF_OUI = Buffer.from([0x18, 0xfe, 0x34]);
export const ELEMENT_VENDOR = 221;
export const ESPNOW_TYPE = 4;
export const ELEMENT_BODY_MAX = 250;
export const CCMP_HEADER_LENGTH = 8;
export const CCMP_MIC_LENGTH = 8;
export const FCS_LENGTH = 4;
export const ADDRESS3 = Buffer.alloc(6, 0xff);

const FC_ACTION = 0xd0;
const FC_RETRY = 0x08;
const FC_PROTECTED = 0x40;

/** Number of vendor elements a payload of `length` bytes needs (at least one). */
export function elementCount(length: number): number {
  return Math.max(1, Math.ceil(length / ELEMENT_BODY_MAX));
}

/** Length of the action frame body (category through the last element). */
export function actionBodyLength(payloadLength: number): number {
  return 1 + 3 + 4 + elementCount(payloadLength) * 7 + payloadLength;
}

/** Length of the whole MPDU, FCS included, for an ESP-NOW payload. */
export function espNowMpduLength(payloadLength: number, encrypted: boolean): number {
  const ccmp = encrypted ? CCMP_HEADER_LENGTH + CCMP_MIC_LENGTH : 0;
  return MAC_HEADER_LENGTH + actionBodyLength(payloadLength) + ccmp + FCS_LENGTH;
}

export interface FrameFields {
  dst: Uint8Array;
  src: Uint8Array;
  /** 12-bit 802.11 sequence number. */
  sequence: number;
  retry: boolean;
  /** The Duration/ID field: the NAV the frame sets, in microseconds. */
  durationUs: number;
  /** ESP-NOW version octet of the vendor elements. */
  version: number;
  /** The 4 random octets after the OUI. */
  random: Uint8Array;
  payload: Uint8Array;
}

export interface CcmpParams {
  /** The 16-byte temporal key (see deriveKey). */
  key: Uint8Array;
  /** 48-bit packet number, unique per key. */
  pn: number;
}

/** The action frame body: category, OUI, random octets, vendor elements. */
export function encodeActionBody(version: number, random: Uint8Array, payload: Uint8Array): Buffer {
  const out = Buffer.alloc(actionBodyLength(payload.length));
  out[0] = CATEGORY_VENDOR;
  ESPRESSIF_OUI.copy(out, 1);
  Buffer.from(random).copy(out, 4, 0, 4);
  let at = 8;
  const chunks = elementCount(payload.length);
  for (let i = 0; i < chunks; i++) {
    const chunk = payload.subarray(i * ELEMENT_BODY_MAX, (i + 1) * ELEMENT_BODY_MAX);
    out[at] = ELEMENT_VENDOR;
    out[at + 1] = 5 + chunk.length;
    ESPRESSIF_OUI.copy(out, at + 2);
    out[at + 5] = ESPNOW_TYPE;
    out[at + 6] = version;
    Buffer.from(chunk).copy(out, at + 7);
    at += 7 + chunk.length;
  }
  return out;
}

function encodeMacHeader(f: FrameFields, protectedFrame: boolean): Buffer {
  const h = Buffer.alloc(MAC_HEADER_LENGTH);
  h[0] = FC_ACTION;
  h[1] = (f.retry ? FC_RETRY : 0) | (protectedFrame ? FC_PROTECTED : 0);
  h.writeUInt16LE(Math.min(0x7fff, Math.ceil(f.durationUs)), 2);
  Buffer.from(f.dst).copy(h, 4);
  Buffer.from(f.src).copy(h, 10);
  ADDRESS3.copy(h, 16);
  h.writeUInt16LE((f.sequence & 0xfff) << 4, 22);
  return h;
}

/** Builds the complete frame, FCS included; encrypted with CCMP when `ccmp` is given. */
export function encodeFrame(f: FrameFields, ccmp?: CcmpParams): Buffer {
  const header = encodeMacHeader(f, ccmp !== undefined);
  const body = encodeActionBody(f.version, f.random, f.payload);
  let parts: Buffer[];
  if (ccmp) {
    const { ciphertext, mic } = ccmpEncrypt(ccmp.key, ccmp.pn, header, body);
    parts = [header, ccmpHeader(ccmp.pn), ciphertext, mic];
  } else {
    parts = [header, body];
  }
  const withoutFcs = Buffer.concat(parts);
  const fcs = Buffer.alloc(FCS_LENGTH);
  fcs.writeUInt32LE(crc32(withoutFcs), 0);
  return Buffer.concat([withoutFcs, fcs]);
}

export interface DecodedFrame {
  dst: Buffer;
  src: Buffer;
  protected: boolean;
  version: number;
  payload: Buffer;
}

export type DecodeResult =
  | { ok: true; frame: DecodedFrame }
  | { ok: false; reason: 'malformed' | 'no-key' | 'key-mismatch' };

/**
 * Parses a frame as a receiver does. `keyFor(src)` returns the temporal key the
 * receiver holds for that transmitter address, if any.
 */
export function decodeFrame(bytes: Uint8Array, keyFor: (src: Buffer) => Uint8Array | undefined): DecodeResult {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < MAC_HEADER_LENGTH + FCS_LENGTH) return { ok: false, reason: 'malformed' };
  const end = buf.length - FCS_LENGTH;
  if (crc32(buf.subarray(0, end)) !== buf.readUInt32LE(end)) return { ok: false, reason: 'malformed' };
  if (buf[0] !== FC_ACTION) return { ok: false, reason: 'malformed' };
  const header = buf.subarray(0, MAC_HEADER_LENGTH);
  const dst = Buffer.from(buf.subarray(4, 10));
  const src = Buffer.from(buf.subarray(10, 16));
  const isProtected = (buf[1] & FC_PROTECTED) !== 0;
  let body: Buffer;
  if (isProtected) {
    const key = keyFor(src);
    if (!key) return { ok: false, reason: 'no-key' };
    const at = MAC_HEADER_LENGTH;
    if (end - at < CCMP_HEADER_LENGTH + CCMP_MIC_LENGTH) return { ok: false, reason: 'malformed' };
    const pn = ccmpHeaderPn(buf.subarray(at, at + CCMP_HEADER_LENGTH));
    const ciphertext = buf.subarray(at + CCMP_HEADER_LENGTH, end - CCMP_MIC_LENGTH);
    const mic = buf.subarray(end - CCMP_MIC_LENGTH, end);
    const plain = ccmpDecrypt(key, pn, header, ciphertext, mic);
    if (!plain) return { ok: false, reason: 'key-mismatch' };
    body = plain;
  } else {
    body = buf.subarray(MAC_HEADER_LENGTH, end);
  }
  const parsed = parseActionBody(body);
  if (!parsed) return { ok: false, reason: 'malformed' };
  return { ok: true, frame: { dst, src, protected: isProtected, version: parsed.version, payload: parsed.payload } };
}

/** Extracts the ESP-NOW payload from an action frame body; undefined if it is not ESP-NOW. */
export function parseActionBody(body: Buffer): { version: number; payload: Buffer } | undefined {
  if (body.length < 8 || body[0] !== CATEGORY_VENDOR || !body.subarray(1, 4).equals(ESPRESSIF_OUI)) return undefined;
  const chunks: Buffer[] = [];
  let version = -1;
  let at = 8;
  while (at + 2 <= body.length) {
    const id = body[at];
    const len = body[at + 1];
    if (at + 2 + len > body.length) return undefined;
    const content = body.subarray(at + 2, at + 2 + len);
    if (id === ELEMENT_VENDOR && len >= 5 && content.subarray(0, 3).equals(ESPRESSIF_OUI) && content[3] === ESPNOW_TYPE) {
      version = content[4];
      chunks.push(content.subarray(5));
    }
    at += 2 + len;
  }
  if (at !== body.length || version < 0) return undefined;
  return { version, payload: Buffer.concat(chunks) };
}

/**
 * The CCMP temporal key for a peer: its LMK encrypted with the PMK, one AES-128
 * block (ECB). ESP-IDF documents that "PMK is used to encrypt LMK with AES-128";
 * that the result is used directly as the CCMP key is this simulator's choice.
 */
export function deriveKey(pmk: Uint8Array, lmk: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-128-ecb', pmk, null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(lmk), cipher.final()]);
}

/** CCMP header: PN0 PN1 reserved (ExtIV|KeyID 0) PN2 PN3 PN4 PN5. */
function ccmpHeader(pn: number): Buffer {
  const pnBytes = pnLittleEndian(pn);
  return Buffer.from([pnBytes[0], pnBytes[1], 0, 0x20, pnBytes[2], pnBytes[3], pnBytes[4], pnBytes[5]]);
}

function ccmpHeaderPn(h: Buffer): number {
  return h[0] + h[1] * 2 ** 8 + h[4] * 2 ** 16 + h[5] * 2 ** 24 + h[6] * 2 ** 32 + h[7] * 2 ** 40;
}

function pnLittleEndian(pn: number): number[] {
  const out: number[] = [];
  let v = pn;
  for (let i = 0; i < 6; i++) {
    out.push(v % 256);
    v = Math.floor(v / 256);
  }
  return out;
}

/**
 * Nonce: flags (priority 0, management bit 0x10 as for protected management frames)
 * | A2 | PN5..PN0.
 */
function ccmpNonce(header: Buffer, pn: number): Buffer {
  return Buffer.concat([Buffer.from([0x10]), header.subarray(10, 16), Buffer.from(pnLittleEndian(pn).reverse())]);
}

/**
 * AAD: frame control with Retry, PwrMgt and MoreData cleared and Protected set,
 * A1 A2 A3, and sequence control with the sequence number cleared.
 */
function ccmpAad(header: Buffer): Buffer {
  const aad = Buffer.alloc(22);
  aad[0] = header[0];
  aad[1] = (header[1] & ~(0x08 | 0x10 | 0x20)) | FC_PROTECTED;
  header.copy(aad, 2, 4, 22);
  aad[20] = header[22] & 0x0f;
  aad[21] = 0;
  return aad;
}

function ccmpEncrypt(key: Uint8Array, pn: number, header: Buffer, plain: Buffer): { ciphertext: Buffer; mic: Buffer } {
  const cipher = createCipheriv('aes-128-ccm', key, ccmpNonce(header, pn), { authTagLength: CCMP_MIC_LENGTH });
  cipher.setAAD(ccmpAad(header), { plaintextLength: plain.length });
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { ciphertext, mic: cipher.getAuthTag() };
}

function ccmpDecrypt(key: Uint8Array, pn: number, header: Buffer, ciphertext: Buffer, mic: Buffer): Buffer | undefined {
  try {
    const decipher = createDecipheriv('aes-128-ccm', key, ccmpNonce(header, pn), { authTagLength: CCMP_MIC_LENGTH });
    decipher.setAuthTag(mic);
    decipher.setAAD(ccmpAad(header), { plaintextLength: ciphertext.length });
    const plain = decipher.update(ciphertext);
    decipher.final();
    return plain;
  } catch {
    return undefined;
  }
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** IEEE 802.3 CRC-32, the 802.11 FCS. */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
