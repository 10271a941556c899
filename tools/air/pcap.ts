/**
 * A pcap (libpcap classic format, microsecond timestamps) writer for 802.11 frames
 * with a radiotap header: link type 127 (LINKTYPE_IEEE802_11_RADIOTAP).
 *
 * Radiotap fields present (bitmap 0x0000002e): Flags (FCS at end, short preamble),
 * Rate (500 kbit/s units), Channel (MHz and flags), dBm antenna signal.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { isDsss, usesLongPreamble, type PhyRate } from './airtime.ts';

export const LINKTYPE_IEEE802_11_RADIOTAP = 127;
const RADIOTAP_LENGTH = 15;
const PRESENT_FLAGS = 1 << 1;
const PRESENT_RATE = 1 << 2;
const PRESENT_CHANNEL = 1 << 3;
const PRESENT_DBM_ANTSIGNAL = 1 << 5;
const FLAG_SHORT_PREAMBLE = 0x02;
const FLAG_FCS_AT_END = 0x10;
const CHAN_CCK = 0x0020;
const CHAN_OFDM = 0x0040;
const CHAN_2GHZ = 0x0080;

/** Centre frequency of a 2.4 GHz channel, 1..14. */
export function channelFrequencyMHz(channel: number): number {
  return channel === 14 ? 2484 : 2407 + 5 * channel;
}

export interface CaptureInfo {
  /** Start of the frame on the air, microseconds since the Unix epoch. */
  timeUs: number;
  rate: PhyRate;
  channel: number;
  rssi: number;
}

export function radiotapHeader(info: CaptureInfo): Buffer {
  const h = Buffer.alloc(RADIOTAP_LENGTH);
  h[0] = 0;
  h[1] = 0;
  h.writeUInt16LE(RADIOTAP_LENGTH, 2);
  h.writeUInt32LE(PRESENT_FLAGS | PRESENT_RATE | PRESENT_CHANNEL | PRESENT_DBM_ANTSIGNAL, 4);
  const shortPreamble = isDsss(info.rate) && !usesLongPreamble(info.rate);
  h[8] = FLAG_FCS_AT_END | (shortPreamble ? FLAG_SHORT_PREAMBLE : 0);
  h[9] = info.rate * 2;
  h.writeUInt16LE(channelFrequencyMHz(info.channel), 10);
  h.writeUInt16LE(CHAN_2GHZ | (isDsss(info.rate) ? CHAN_CCK : CHAN_OFDM), 12);
  h.writeInt8(info.rssi, 14);
  return h;
}

export class PcapWriter {
  private fd: number | undefined;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0xa1b2c3d4, 0);
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeInt32LE(0, 8);
    header.writeUInt32LE(0, 12);
    header.writeUInt32LE(65535, 16);
    header.writeUInt32LE(LINKTYPE_IEEE802_11_RADIOTAP, 20);
    writeSync(this.fd, header);
  }

  /** Appends one frame (FCS included) with its radiotap header. */
  write(frame: Uint8Array, info: CaptureInfo): void {
    if (this.fd === undefined) return;
    const radiotap = radiotapHeader(info);
    const record = Buffer.alloc(16);
    const micros = Math.floor(info.timeUs);
    record.writeUInt32LE(Math.floor(micros / 1e6), 0);
    record.writeUInt32LE(micros % 1e6, 4);
    const length = radiotap.length + frame.length;
    record.writeUInt32LE(length, 8);
    record.writeUInt32LE(length, 12);
    writeSync(this.fd, Buffer.concat([record, radiotap, frame]));
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
