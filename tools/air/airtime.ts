/**
 * How long one ESP-NOW frame occupies its channel. MODEL.md derives every constant.
 *
 * A frame's time is DIFS + mean backoff + the data PPDU, plus SIFS + ACK PPDU when
 * it is unicast. The PPDU is the PLCP preamble and header followed by the MPDU
 * (MAC header, action frame body, FCS) at the PHY rate.
 */
import { espNowMpduLength } from './frame.ts';

/** PHY rates in Mbit/s that the air accepts: 802.11b DSSS/CCK and 802.11g ERP-OFDM. */
export const PHY_RATES = [1, 2, 5.5, 11, 6, 9, 12, 18, 24, 36, 48, 54] as const;
export type PhyRate = (typeof PHY_RATES)[number];

export const SIFS_US = 10;
export const SLOT_DSSS_US = 20;
export const SLOT_OFDM_US = 9;
/** CWmin of 802.11g (ERP) stations, which is what an ESP32 in its default b/g/n mode is. */
export const CW_MIN = 15;
/** 802.11g OFDM frames in 2.4 GHz are followed by 6 us of signal extension. */
export const SIGNAL_EXTENSION_US = 6;
export const ACK_LENGTH = 14;

export function isPhyRate(rate: number): rate is PhyRate {
  return (PHY_RATES as readonly number[]).includes(rate);
}

/** 1, 2, 5.5 and 11 Mbit/s are DSSS/CCK (802.11b); the others are OFDM. */
export function isDsss(rate: PhyRate): boolean {
  return rate === 1 || rate === 2 || rate === 5.5 || rate === 11;
}

/** Long preamble (192 us) at 1 and 2 Mbit/s, short preamble (96 us) at 5.5 and 11. */
export function usesLongPreamble(rate: PhyRate): boolean {
  return rate === 1 || rate === 2;
}

export function slotUs(rate: PhyRate): number {
  return isDsss(rate) ? SLOT_DSSS_US : SLOT_OFDM_US;
}

/** Duration of a PPDU carrying `bytes` of MPDU at `rate`. */
export function ppduUs(bytes: number, rate: PhyRate): number {
  if (isDsss(rate)) {
    const plcp = usesLongPreamble(rate) ? 192 : 96;
    return plcp + Math.ceil((bytes * 8) / rate);
  }
  const bitsPerSymbol = rate * 4;
  const symbols = Math.ceil((16 + 8 * bytes + 6) / bitsPerSymbol);
  return 20 + 4 * symbols + SIGNAL_EXTENSION_US;
}

/**
 * The rate an ACK to a frame at `rate` is sent at: the highest mandatory rate of the
 * same modulation family not above the data rate (1, 2 for DSSS/CCK; 6, 12, 24 for OFDM).
 */
export function ackRate(rate: PhyRate): PhyRate {
  if (isDsss(rate)) return rate >= 2 ? 2 : 1;
  if (rate >= 24) return 24;
  if (rate >= 12) return 12;
  return 6;
}

export interface FrameTime {
  /** DIFS: SIFS + 2 slots. */
  difsUs: number;
  /** Mean backoff: CWmin / 2 slots. */
  backoffUs: number;
  /** The data PPDU. */
  dataUs: number;
  /** SIFS + ACK PPDU for unicast, 0 for group frames. */
  ackUs: number;
  /** Everything: the time the frame holds its channel. */
  totalUs: number;
}

/** Time on the air of an MPDU of `mpduBytes` at `rate`. */
export function mpduTime(mpduBytes: number, rate: PhyRate, unicast: boolean): FrameTime {
  const slot = slotUs(rate);
  const difsUs = SIFS_US + 2 * slot;
  const backoffUs = (CW_MIN / 2) * slot;
  const dataUs = ppduUs(mpduBytes, rate);
  const ackUs = unicast ? SIFS_US + ppduUs(ACK_LENGTH, ackRate(rate)) : 0;
  return { difsUs, backoffUs, dataUs, ackUs, totalUs: difsUs + backoffUs + dataUs + ackUs };
}

export interface FrameTimeOptions {
  /** ESP-NOW payload (the vendor element bodies), 0..1490 bytes. */
  payloadLength: number;
  rate: PhyRate;
  /** Unicast frames are ACKed; broadcast and multicast are not. */
  unicast: boolean;
  /** CCMP adds an 8-byte header and an 8-byte MIC. */
  encrypted?: boolean;
}

/** The analytic time one ESP-NOW frame holds its channel, in microseconds. */
export function frameTime(options: FrameTimeOptions): FrameTime {
  return mpduTime(espNowMpduLength(options.payloadLength, options.encrypted ?? false), options.rate, options.unicast);
}

/** Saturation throughput in frames per second: one sender keeping the channel busy. */
export function saturationFramesPerSecond(options: FrameTimeOptions): number {
  return 1e6 / frameTime(options).totalUs;
}
