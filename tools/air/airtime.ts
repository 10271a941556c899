/**
 * How long one ESP-NOW frame occupies its channel. MODEL.md derives every constant.
 *
 * A frame's time is DIFS + mean backoff + the data PPDU, plus SIFS + ACK PPDU when
 * it is unicast. The PPDU is the PLCP preamble and header followed by the MPDU
 * (MAC header, action frame body, FCS) at the PHY rate.
 */
import { espNowMpduLength } from './frame.ts';

/** Legacy PHY rates in Mbit/s: 802.11b DSSS/CCK and 802.11g ERP-OFDM. */
export const LEGACY_RATES = [1, 2, 5.5, 11, 6, 9, 12, 18, 24, 36, 48, 54] as const;
/** 802.11n HT20 rates, one stream, MCS0..7 with the long (800 ns) guard interval. */
export const HT_LGI_RATES = [6.5, 13, 19.5, 26, 39, 52, 58.5, 65] as const;
/**
 * The same MCS with the short (400 ns) guard interval, rounded to 0.1 Mbit/s. MCS6's
 * 65 Mbit/s is MCS7's with the long interval: the air takes 65 as MCS7 LGI.
 */
export const HT_SGI_RATES = [7.2, 14.4, 21.7, 28.9, 43.3, 57.8, 65, 72.2] as const;
/** Espressif's long-range (LR) PHY: 1/4 and 1/2 Mbit/s, heard only by radios with WIFI_PROTOCOL_LR. */
export const LR_RATES = [0.25, 0.5] as const;
/** Every PHY rate in Mbit/s that the air accepts. */
export const PHY_RATES: readonly number[] = [...LEGACY_RATES, ...HT_LGI_RATES, ...HT_SGI_RATES.filter((r) => r !== 65), ...LR_RATES];
export type PhyRate = number;

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

export function isLr(rate: PhyRate): boolean {
  return rate === 0.25 || rate === 0.5;
}

export function isHt(rate: PhyRate): boolean {
  return (HT_LGI_RATES as readonly number[]).includes(rate) || (HT_SGI_RATES as readonly number[]).includes(rate);
}

/** The 802.11 family a rate belongs to, as WIFI_PROTOCOL_ bits name them: a receiver hears a frame only if its protocol has the frame's bit. */
export type Phy = '11b' | '11g' | '11n' | 'lr';
export const PROTOCOL_BITS: Record<Phy, number> = { '11b': 1, '11g': 2, '11n': 4, 'lr': 8 };

export function phyOf(rate: PhyRate): Phy {
  if (isLr(rate)) return 'lr';
  if (isDsss(rate)) return '11b';
  return isHt(rate) ? '11n' : '11g';
}

/** Long preamble (192 us) at 1 and 2 Mbit/s and for LR, short preamble (96 us) at 5.5 and 11. */
export function usesLongPreamble(rate: PhyRate): boolean {
  return rate === 1 || rate === 2 || isLr(rate);
}

export function slotUs(rate: PhyRate): number {
  return isDsss(rate) || isLr(rate) ? SLOT_DSSS_US : SLOT_OFDM_US;
}

/** The HT-mixed preamble of one stream: L-STF, L-LTF, L-SIG, HT-SIG, HT-STF, one HT-LTF. */
export const HT_PREAMBLE_US = 36;

/** Duration of a PPDU carrying `bytes` of MPDU at `rate`. */
export function ppduUs(bytes: number, rate: PhyRate): number {
  if (isDsss(rate) || isLr(rate)) {
    const plcp = usesLongPreamble(rate) ? 192 : 96;
    return plcp + Math.ceil((bytes * 8) / rate);
  }
  if (isHt(rate) && (HT_SGI_RATES as readonly number[]).includes(rate) && rate !== 65) {
    /* 3.6 us symbols carrying what the MCS's 4 us symbols carry */
    const bitsPerSymbol = Math.round(rate * 3.6);
    const symbols = Math.ceil((16 + 8 * bytes + 6) / bitsPerSymbol);
    return HT_PREAMBLE_US + Math.ceil(symbols * 3.6) + SIGNAL_EXTENSION_US;
  }
  const bitsPerSymbol = rate * 4;
  const symbols = Math.ceil((16 + 8 * bytes + 6) / bitsPerSymbol);
  return (isHt(rate) ? HT_PREAMBLE_US : 20) + 4 * symbols + SIGNAL_EXTENSION_US;
}

/**
 * The rate an ACK to a frame at `rate` is sent at: the highest mandatory rate of the
 * same modulation family not above the data rate (1, 2 for DSSS/CCK; 6, 12, 24 for OFDM,
 * HT included); an LR frame's ACK is sent at its own rate.
 */
export function ackRate(rate: PhyRate): PhyRate {
  if (isLr(rate)) return rate; /* LR frames are acknowledged in LR */
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
