/* docs/API.md is what tools/docs/api.ts makes from the modules' sources now: every export, with its TSDoc. */
import test from "ava";
import { readFileSync } from "node:fs";
import { API, generate, MODULES } from "../../tools/docs/api.ts";

test("docs/API.md is up to date with the modules' exports and comments (npm run docs rewrites it)", (t) => {
  t.is(readFileSync(API, "utf8"), generate(), "docs/API.md differs from the sources: run npm run docs");
});

test("docs/API.md has a section for every module and an entry for the exports an app uses most", (t) => {
  const text = readFileSync(API, "utf8");
  for (const [name] of MODULES.filter(([name]) => name !== "espnow/pycom")) t.regex(text, new RegExp(`^## \`${name}\`$`, "m"));
  for (const entry of ["default (ESPNow)", "ESPNowError", "formatMac", "parseMac", "default (TextEncoder)", "default (TextDecoder)", "default (WLAN)", "default (Hub)"]) {
    t.regex(text, new RegExp(`^### \`${entry.replace(/[()]/g, "\\$&")}\`$`, "m"));
  }
});
