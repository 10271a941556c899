/*
 * A firmware host with an app installed as a mod (espnow-sim run --host):
 * the host (hosts/esp32, hosts/esp8266) is built from its manifest as
 * mcconfig builds it, its preloads preloaded and frozen; the app's modules
 * are built as mcrun builds a mod, and the host's entry ("host", its
 * creation.main) runs the mod's "main" with Modules.importNow.
 *
 * The host's manifest includes the Moddable SDK's manifests through
 * $(MODDABLE), which are not here: MODDABLE names hosts/sim/moddable, which
 * stands in for the two our hosts include (examples/manifest_base.json,
 * whose creation is the profile's, and modules/base/modules, the "modules"
 * module). Any other SDK manifest is refused, naming it.
 *
 * What mcrun makes of the app (tools/mcrun.js in the Moddable SDK): native
 * code stops the build ("mod cannot contain native code"); "preload" is
 * ignored with a warning; "creation", "defines" and "strip" are the host's;
 * "typescript" is kept. So the mod is built from a manifest of its modules
 * alone (and its typescript section).
 */

import { existsSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { buildApp, hash, ROOT, SIM_HOST, writeAtomically, type App, type BuildOptions } from "./build.ts";
import { ManifestError, readManifests } from "./manifest.ts";
import { isProfileName, PROFILES, type ProfileName } from "./profile.ts";

/** Where $(MODDABLE) points when a firmware host runs in the simulator. */
export const MODDABLE_STANDIN = join(SIM_HOST, "moddable");

export interface ModApp {
  app: App;
  /** what mcrun would warn about, one line each */
  warnings: string[];
}

function shown(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside.startsWith("..") ? path : inside;
}

/** Builds the host at `host` (a folder with a manifest.json, or a manifest) with the app of `manifests` (and `options.main`) as its mod. */
export function buildModApp(host: string, manifests: string[], options: BuildOptions = {}): ModApp {
  let hostManifest = resolve(host);
  if (existsSync(hostManifest) && statSync(hostManifest).isDirectory()) hostManifest = join(hostManifest, "manifest.json");
  if (!existsSync(hostManifest)) throw new ManifestError(`--host: no host manifest ${shown(hostManifest)}`);
  const variables = { ESPNOW: ROOT, SIM: SIM_HOST, MODDABLE: MODDABLE_STANDIN };
  const mod = manifests.length ? readManifests(manifests, "sim", variables) : undefined;
  const names = new Map(mod?.modules ?? []);
  if (options.main) names.set("main", resolve(options.main));
  if (!names.has("main")) throw new ManifestError(`no module "main" in ${manifests.join(", ") || "the mod"}: the host runs the mod's main`);
  if (mod?.natives.length) {
    throw new ManifestError([
      `${manifests.map(shown).join(", ")}: a mod cannot contain native code, and mcrun refuses to build it ("Mods cannot contain native code"):`,
      ...mod.natives.map((native) => `  ${shown(native)}`),
      `The host has ESP-NOW built in: a mod's manifest lists only its own modules, not the project's manifest.json.`,
    ].join("\n"));
  }
  const warnings = mod?.preload.length ? [`preload is unavailable in mods (mcrun ignores it); these modules request it: ${mod.preload.join(", ")}`] : [];
  const modManifest = { modules: Object.fromEntries([...names].map(([name, source]) => [name, source.replace(/\.(ts|js)$/, "")])), ...(mod?.typescript ? { typescript: { tsconfig: mod.typescript } } : {}) };
  const text = JSON.stringify(modManifest);
  const generated = join(ROOT, "build/sim/mods", hash(text), "manifest.json");
  if (!existsSync(generated)) writeAtomically(generated, text);
  const profile = options.profile ?? mod?.profile;
  if (profile !== undefined && !isProfileName(profile)) throw new ManifestError(`platforms.sim.profile: unknown profile ${profile}; expected ${PROFILES.join(", ")}`);
  try {
    const app = buildApp([hostManifest, generated], { ...options, main: undefined, profile: profile as ProfileName | undefined, mod: names.keys(), variables });
    return { app, warnings };
  } catch (error) {
    const missing = error instanceof ManifestError ? /^manifest not found: (.*)$/.exec(error.message) : null;
    if (missing && missing[1].startsWith(`${MODDABLE_STANDIN}/`)) {
      throw new ManifestError(`${shown(hostManifest)} includes $(MODDABLE)/${relative(MODDABLE_STANDIN, missing[1])}, which the simulator does not stand in for (it has examples/manifest_base.json and modules/base/modules/manifest.json)`);
    }
    throw error;
  }
}
