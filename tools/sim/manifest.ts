/*
 * Reads Moddable manifests the way mcconfig does, for one platform:
 * "include", "modules" (with "*" and folder wildcards), "platforms" (the
 * platform's own section, else "..."; an "error" there stops the build),
 * "defines" (flattened to MODDEF_ names), "preload", "creation" (merged,
 * later manifests over earlier ones) and, in the simulator's own platform
 * section, "profile" (the device the simulator reproduces: profile.ts).
 *
 * A module entry names a source without its extension; the .js or .ts file
 * is the module, and a .c file of the same name beside it is native code the
 * app's program must include, as mcconfig builds it for a device.
 */

import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

export interface Resolved {
  /** module name → absolute path of its .js or .ts source */
  modules: Map<string, string>;
  /** absolute paths of native sources */
  natives: string[];
  /** MODDEF_... → value */
  defines: Map<string, string>;
  /** folders of the native sources' headers */
  includes: string[];
  /** manifests read, in order */
  manifests: string[];
  /** module names listed in "preload", in order */
  preload: string[];
  /** the "creation" sections merged */
  creation: { [key: string]: Json };
  /** the device profile a "platforms" section of the platform names, if any */
  profile?: string;
  /** "typescript.tsconfig" sections merged (mcconfig's compiler options for .ts modules) */
  typescript?: { compilerOptions?: { [key: string]: Json } };
}

export class ManifestError extends Error {
  override name = "ManifestError";
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Section = { [key: string]: Json };

const SCRIPT_EXTENSIONS = [".ts", ".js"];
const NATIVE_EXTENSIONS = [".c"];

function isSection(value: Json | undefined): value is Section {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function strings(value: Json | undefined, where: string): string[] {
  if (value === undefined) return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value as string[];
  throw new ManifestError(`${where}: expected a string or an array of strings`);
}

function expand(text: string, variables: Map<string, string>, where: string): string {
  return text.replace(/\$\(([A-Za-z0-9_]+)\)/g, (_, name: string) => {
    const value = variables.get(name) ?? process.env[name];
    if (value === undefined) throw new ManifestError(`${where}: unknown variable $(${name})`);
    return value;
  });
}

function flattenDefines(prefix: string, value: Json, into: Map<string, string>): void {
  if (isSection(value)) {
    for (const [key, item] of Object.entries(value)) flattenDefines(`${prefix}_${key.toUpperCase()}`, item, into);
  } else if (typeof value === "boolean") {
    into.set(prefix, value ? "1" : "0");
  } else if (typeof value === "number") {
    into.set(prefix, String(value));
  } else if (typeof value === "string") {
    into.set(prefix, JSON.stringify(value));
  }
}

function mergeSection(into: Section, from: Section): void {
  for (const [key, value] of Object.entries(from)) {
    const current = into[key];
    if (isSection(value) && isSection(current)) mergeSection(current, value);
    else into[key] = isSection(value) ? structuredClone(value) : value;
  }
}

export class ManifestReader {
  readonly platform: string;
  readonly variables: Map<string, string>;
  private readonly result: Resolved = {
    modules: new Map(),
    natives: [],
    defines: new Map(),
    includes: [],
    manifests: [],
    preload: [],
    creation: {},
  };

  constructor(platform: string, variables: Record<string, string> = {}) {
    this.platform = platform;
    this.variables = new Map(Object.entries(variables));
  }

  read(path: string): Resolved {
    this.readManifest(resolve(path));
    return this.result;
  }

  private readManifest(path: string): void {
    if (this.result.manifests.includes(path)) return;
    if (!existsSync(path)) throw new ManifestError(`manifest not found: ${path}`);
    let manifest: Json;
    try {
      manifest = JSON.parse(readFileSync(path, "utf8")) as Json;
    } catch (error) {
      throw new ManifestError(`${path}: not valid JSON: ${(error as Error).message}`);
    }
    if (!isSection(manifest)) throw new ManifestError(`${path}: a manifest is a JSON object`);
    this.result.manifests.push(path);
    const variables = new Map(this.variables);
    variables.set("MANIFEST", dirname(path));
    const build = manifest.build;
    if (isSection(build)) {
      for (const [name, value] of Object.entries(build)) {
        if (typeof value === "string") variables.set(name, expand(value, variables, path));
      }
    }
    this.readSection(manifest, path, variables);
    const platforms = manifest.platforms;
    if (platforms !== undefined) {
      if (!isSection(platforms)) throw new ManifestError(`${path}: "platforms" must be an object`);
      const section = platforms[this.platform] ?? platforms["..."];
      if (section !== undefined) {
        if (!isSection(section)) throw new ManifestError(`${path}: platforms.${this.platform} must be an object`);
        if (typeof section.error === "string") throw new ManifestError(`${path}: ${section.error}`);
        if (section.profile !== undefined) {
          if (typeof section.profile !== "string") throw new ManifestError(`${path}: platforms.${this.platform}.profile must be a profile name`);
          this.result.profile = section.profile;
        }
        this.readSection(section, path, variables);
      }
    }
  }

  private readSection(section: Section, path: string, variables: Map<string, string>): void {
    const folder = dirname(path);
    const locate = (entry: string, where: string): string => resolve(folder, expand(entry, variables, where));
    for (const include of strings(section.include, `${path}: "include"`)) {
      const target = locate(include, path);
      this.readManifest(existsSync(target) && statSync(target).isDirectory() ? join(target, "manifest.json") : target);
    }
    if (section.modules !== undefined) {
      if (!isSection(section.modules)) throw new ManifestError(`${path}: "modules" must be an object`);
      for (const [name, sources] of Object.entries(section.modules)) {
        for (const source of strings(sources, `${path}: modules.${name}`)) {
          this.addModule(name, locate(source, path), path);
        }
      }
    }
    if (section.defines !== undefined) flattenDefines("MODDEF", section.defines, this.result.defines);
    for (const name of strings(section.preload, `${path}: "preload"`)) {
      if (!this.result.preload.includes(name)) this.result.preload.push(name);
    }
    if (section.creation !== undefined) {
      if (!isSection(section.creation)) throw new ManifestError(`${path}: "creation" must be an object`);
      mergeSection(this.result.creation, section.creation);
    }
    if (section.typescript !== undefined) {
      const tsconfig = isSection(section.typescript) ? section.typescript.tsconfig : undefined;
      if (!isSection(tsconfig) || (tsconfig.compilerOptions !== undefined && !isSection(tsconfig.compilerOptions))) {
        throw new ManifestError(`${path}: "typescript" must be {"tsconfig": {"compilerOptions": {...}}}`);
      }
      this.result.typescript ??= {};
      mergeSection(this.result.typescript, tsconfig);
    }
  }

  private addModule(name: string, source: string, manifest: string): void {
    if (name === "*") {
      if (source.endsWith("/*")) {
        const folder = source.slice(0, -2);
        if (!existsSync(folder)) throw new ManifestError(`${manifest}: folder not found: ${folder}`);
        const bases = new Set<string>();
        for (const file of readdirSync(folder).sort()) {
          if (file.endsWith(".d.ts")) continue;
          const match = /^(.*)\.(ts|js|c)$/.exec(file);
          if (match) bases.add(match[1]);
        }
        for (const base of bases) this.addSource(base, join(folder, base), manifest);
      } else {
        this.addSource(basename(source), source, manifest);
      }
      return;
    }
    this.addSource(name, source, manifest);
  }

  private addSource(name: string, base: string, manifest: string): void {
    const stripped = base.replace(/\.(ts|js|c)$/, "");
    let found = false;
    for (const extension of SCRIPT_EXTENSIONS) {
      if (existsSync(stripped + extension)) {
        this.result.modules.set(name, stripped + extension);
        found = true;
        break;
      }
    }
    for (const extension of NATIVE_EXTENSIONS) {
      const native = stripped + extension;
      if (existsSync(native)) {
        if (!this.result.natives.includes(native)) this.result.natives.push(native);
        const folder = dirname(native);
        if (!this.result.includes.includes(folder)) this.result.includes.push(folder);
        found = true;
      }
    }
    /* A header listed as a module puts its folder on the include path, as mcconfig does. */
    if (existsSync(stripped + ".h")) {
      const folder = dirname(stripped);
      if (!this.result.includes.includes(folder)) this.result.includes.push(folder);
      found = true;
    }
    if (!found) throw new ManifestError(`${manifest}: module "${name}": no ${stripped}.ts, .js, .c or .h`);
  }
}

export function readManifests(paths: string[], platform: string, variables: Record<string, string> = {}): Resolved {
  const reader = new ManifestReader(platform, variables);
  let result: Resolved | undefined;
  for (const path of paths) result = reader.read(path);
  if (!result) throw new ManifestError("no manifest given");
  return result;
}
