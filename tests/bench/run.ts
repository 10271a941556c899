/* npm run bench: every tests/bench/*.bench.ts, one after the other. */

import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const folder = dirname(fileURLToPath(import.meta.url));
for (const file of readdirSync(folder).filter((name) => name.endsWith(".bench.ts")).sort()) {
  console.log(`\n=== ${file}`);
  await import(join(folder, file));
}
