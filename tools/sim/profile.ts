/*
 * Device profiles: what the simulator host reproduces of one device running
 * Moddable, so that a program that runs in the simulator runs on the device.
 *
 * A node runs in one profile, chosen by `espnow-sim run --profile`, by the
 * app's manifest ("platforms": {"sim": {"profile": "esp8266"}}), by
 * SIM_PROFILE, else esp32c3. The app's own "creation" is merged over the
 * profile's, as mcconfig merges it over the target's.
 *
 * Where the numbers come from (Moddable SDK 8.2.3):
 * - queue: xs/platforms/esp/xsHost.c. On ESP32 a FreeRTOS queue of
 *   MODDEF_TASK_QUEUELENGTH (10) records; a post into a full queue waits
 *   MODDEF_TASK_QUEUEWAIT: portMAX_DELAY in a release build, 20 ticks then
 *   -2 in a debug build. On ESP8266 a linked list, one malloc a post.
 * - creation: build/devices/esp32/targets/esp32c3/manifest.json (one static
 *   block of 94,208 bytes), build/devices/esp32/targets/nodemcu/manifest.json
 *   (the ESP32's fixed-size chunk and slot heaps), build/devices/esp/manifest.json
 *   (ESP8266), keys from examples/manifest_base.json.
 */

export type ProfileName = "esp32c3" | "esp32" | "esp8266";

export const PROFILES: readonly ProfileName[] = ["esp32c3", "esp32", "esp8266"];

export interface Creation {
  /** one block for chunks and slots, in device bytes (0: separate heaps) */
  static: number;
  chunk: { initial: number; incremental: number };
  heap: { initial: number; incremental: number };
  /** slots */
  stack: number;
  keys: { initial: number; incremental: number };
}

export interface Profile {
  name: ProfileName;
  chip: "esp32" | "esp8266";
  /** machine-message queue: records (0: unbounded, one malloc a post) */
  queueLength: number;
  /** a post into a full queue: "block" for ever (release build) or "debug" (20 ticks, then -2) */
  queueWait: "block" | "debug";
  creation: Creation;
}

const KEYS = { initial: 32, incremental: 32 };

const BASE: Record<ProfileName, Profile> = {
  esp32c3: {
    name: "esp32c3",
    chip: "esp32",
    queueLength: 10,
    queueWait: "block",
    creation: { static: 94208, chunk: { initial: 1536, incremental: 512 }, heap: { initial: 512, incremental: 64 }, stack: 384, keys: KEYS },
  },
  esp32: {
    name: "esp32",
    chip: "esp32",
    queueLength: 10,
    queueWait: "block",
    creation: { static: 0, chunk: { initial: 78848, incremental: 0 }, heap: { initial: 4928, incremental: 0 }, stack: 512, keys: KEYS },
  },
  esp8266: {
    name: "esp8266",
    chip: "esp8266",
    queueLength: 0,
    queueWait: "block",
    creation: { static: 32768, chunk: { initial: 1536, incremental: 512 }, heap: { initial: 512, incremental: 64 }, stack: 256, keys: KEYS },
  },
};

export class ProfileError extends Error {
  override name = "ProfileError";
}

export function isProfileName(name: string): name is ProfileName {
  return (PROFILES as readonly string[]).includes(name);
}

/** The profile to use when neither the command line nor the manifest names one. */
export function defaultProfileName(): ProfileName {
  const name = process.env.SIM_PROFILE ?? "esp32c3";
  if (!isProfileName(name)) throw new ProfileError(`SIM_PROFILE: unknown profile ${name}; expected ${PROFILES.join(", ")}`);
  return name;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function merge(into: Record<string, unknown>, from: { [key: string]: Json }, where: string): void {
  for (const [key, value] of Object.entries(from)) {
    const current = into[key];
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      if (current === undefined || typeof current !== "object") into[key] = {};
      merge(into[key] as Record<string, unknown>, value, `${where}.${key}`);
    } else into[key] = value;
  }
}

/** The profile with the manifests' "creation" merged over its own (mcconfig's keys; "main" and the parser's sizes are not memory of the device). */
export function resolveProfile(name: ProfileName, creation: { [key: string]: Json } = {}): Profile {
  const base = BASE[name];
  const merged = structuredClone(base.creation) as unknown as Record<string, unknown>;
  merge(merged, creation, "creation");
  const result: Profile = { ...base, creation: merged as unknown as Creation };
  const c = result.creation;
  const check = (value: unknown, what: string): void => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw new ProfileError(`creation.${what} must be a whole number of bytes or slots, got ${String(value)}`);
  };
  check(c.static, "static");
  check(c.chunk.initial, "chunk.initial");
  check(c.chunk.incremental, "chunk.incremental");
  check(c.heap.initial, "heap.initial");
  check(c.heap.incremental, "heap.incremental");
  check(c.stack, "stack");
  check(c.keys.initial, "keys.initial");
  check(c.keys.incremental, "keys.incremental");
  return result;
}

/** The simulator host's arguments for a profile (hosts/sim/main.c reads them). */
export function profileArgs(profile: Profile): string[] {
  const c = profile.creation;
  return [
    "--profile", profile.name,
    "--queue", String(profile.queueLength),
    "--queue-wait", profile.queueWait,
    "--static", String(c.static),
    "--chunk", `${c.chunk.initial}:${c.chunk.incremental}`,
    "--heap", `${c.heap.initial}:${c.heap.incremental}`,
    "--keys", `${c.keys.initial}:${c.keys.incremental}`,
    "--stack", String(c.stack),
  ];
}
