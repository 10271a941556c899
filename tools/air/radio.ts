/**
 * Received signal strength from positions, and the frame loss it causes.
 * MODEL.md lists the constants and where they come from.
 */
import type { PhyRate } from './airtime.ts';

export interface RadioModel {
  /** Transmit power, dBm. ESP32 transmits up to about 20 dBm. */
  txPowerDbm: number;
  /** Path loss at the 1 m reference distance, dB (free space at 2.4 GHz: 40 dB). */
  pathLossAt1mDb: number;
  /** Log-distance exponent: 2 in free space, about 3 indoors. */
  exponent: number;
  /** Width of the loss curve around the sensitivity floor, dB. */
  lossSlopeDb: number;
}

export const DEFAULT_RADIO: RadioModel = {
  txPowerDbm: 20,
  pathLossAt1mDb: 40,
  exponent: 3,
  lossSlopeDb: 2,
};

export const RSSI_MIN = -127;
export const RSSI_MAX = 0;

/** Receiver sensitivity by rate, dBm: rounded ESP32 datasheet figures (HT20 by MCS, either guard interval; LR from Espressif's figure of about 8 dB over 1 Mbit/s). */
export const SENSITIVITY_DBM: Record<number, number> = {
  0.25: -105,
  0.5: -102,
  1: -98,
  2: -96,
  5.5: -93,
  11: -88,
  6: -93,
  9: -91,
  12: -89,
  18: -87,
  24: -84,
  36: -80,
  48: -77,
  54: -75,
  6.5: -92, 7.2: -92,
  13: -89, 14.4: -89,
  19.5: -87, 21.7: -87,
  26: -84, 28.9: -84,
  39: -80, 43.3: -80,
  52: -76, 57.8: -76,
  58.5: -74,
  65: -73,
  72.2: -72,
};

export function distance(a: { x: number; y: number }, b: { x: number; y: number }): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/**
 * Log-distance path loss: RSSI = Ptx - PL(1 m) - 10 n log10(d / 1 m), with d taken
 * as at least 1 m, rounded to a whole dBm and clamped to -127..0.
 */
export function rssiAt(distanceM: number, model: RadioModel = DEFAULT_RADIO): number {
  const d = Math.max(1, distanceM);
  const rssi = model.txPowerDbm - model.pathLossAt1mDb - 10 * model.exponent * Math.log10(d);
  return Math.min(RSSI_MAX, Math.max(RSSI_MIN, Math.round(rssi)));
}

/**
 * Probability that a frame received at `rssi` is lost: a logistic curve that is 50%
 * at the rate's sensitivity floor, about 0.7% 10 dB above it and about 99.3% 10 dB below.
 */
export function rssiLossProbability(rssi: number, rate: PhyRate, model: RadioModel = DEFAULT_RADIO): number {
  return 1 / (1 + Math.exp((rssi - SENSITIVITY_DBM[rate]) / model.lossSlopeDb));
}

/** Combines independent loss probabilities: the frame survives only if it survives each. */
export function combineLoss(...probabilities: number[]): number {
  return 1 - probabilities.reduce((survive, p) => survive * (1 - p), 1);
}
