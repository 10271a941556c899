/*
 * An app's TypeScript is type-checked before it runs, as mcconfig has tsc
 * check it before xsc compiles it: a type error fails the build, naming the
 * file and line, where before it would have run.
 */
import test, { type ExecutionContext } from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp, ROOT, runApp } from "../../tools/sim/build.ts";
import { ManifestError } from "../../tools/sim/manifest.ts";

const PROJECT = join(ROOT, "manifest.json");

/* An app in a temporary folder: manifest.json (main and helper, and what manifest adds) and the files given. */
function app(t: ExecutionContext, files: Record<string, string>, manifest: Record<string, unknown> = {}): string {
  const folder = mkdtempSync(join(tmpdir(), "xsim-ts-"));
  t.teardown(() => rmSync(folder, { recursive: true, force: true }));
  writeFileSync(join(folder, "manifest.json"), JSON.stringify({ modules: { main: "./main", helper: "./helper" }, ...manifest }));
  writeFileSync(join(folder, "helper.ts"), `export function twice(n: number): number {\n  return n * 2;\n}\n`);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  return folder;
}

function buildError(t: ExecutionContext, folder: string): string {
  const error = t.throws(() => buildApp([join(folder, "manifest.json")]), { instanceOf: ManifestError });
  return error?.message ?? "";
}

const WRONG = `import { twice } from "helper";\n\nconst n: number = twice("four");\ntrace(\`\${n}\\n\`);\n`;
const RIGHT = `import { twice } from "helper";\n\nconst n: number = twice(4);\ntrace(\`\${n}\\n\`);\n`;

test("a type error fails the build, naming the file and line; corrected, the app runs", async (t) => {
  const folder = app(t, { "main.ts": WRONG });
  t.regex(buildError(t, folder), new RegExp(`${join(folder, "main.ts")}:3: Argument of type 'string' is not assignable to parameter of type 'number'`));
  writeFileSync(join(folder, "main.ts"), RIGHT);
  const result = await runApp(buildApp([join(folder, "manifest.json")]));
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "8\n");
});

test("the app's modules are one program: a module's change is checked against its users, every error named", (t) => {
  const folder = app(t, { "main.ts": RIGHT });
  buildApp([join(folder, "manifest.json")]);
  writeFileSync(join(folder, "helper.ts"), `export function twice(n: string): string {\n  const x: number = n;\n  return n + n;\n}\n`);
  const message = buildError(t, folder);
  t.regex(message, new RegExp(`${join(folder, "helper.ts")}:2: Type 'string' is not assignable to type 'number'`));
  t.regex(message, new RegExp(`${join(folder, "main.ts")}:3: `));
});

test("apps are checked with the project's typings: espnow, timer, multitest, instrument, trace", (t) => {
  const lines = [
    `import ESPNow from "espnow";`,
    `import Timer from "timer";`,
    `import { next } from "multitest";`,
    `import { measure } from "instrument";`,
    `new ESPNow().config({ rxbuf: "big" });`,
    `Timer.set("soon");`,
    `next(1);`,
    `measure(42);`,
    `trace.left(1);`,
  ];
  const folder = app(t, { "main.ts": `${lines.join("\n")}\n` }, { include: [PROJECT] });
  const message = buildError(t, folder);
  for (const line of [5, 6, 7, 8, 9]) t.regex(message, new RegExp(`main\\.ts:${line}: `), `line ${line}: ${lines[line - 1]}`);
  writeFileSync(join(folder, "main.ts"), `${lines.slice(0, 4).join("\n")}\nnew ESPNow().config({ rxbuf: 512 });\nTimer.set(() => next(), 1);\nmeasure(() => 42);\ntrace("ok\\n");\n`);
  t.notThrows(() => buildApp([join(folder, "manifest.json")]));
});

test("strict checks apply unless a manifest turns them off, as mcconfig leaves TypeScript 6 its default (strict)", (t) => {
  const loose = `function first(list) {\n  return list[0];\n}\ntrace(\`\${first([1])}\\n\`);\n`;
  t.regex(buildError(t, app(t, { "main.ts": loose })), /main\.ts:1: Parameter 'list' implicitly has an 'any' type/);
  const relaxed = app(t, { "main.ts": loose }, { typescript: { tsconfig: { compilerOptions: { strict: false } } } });
  t.notThrows(() => buildApp([join(relaxed, "manifest.json")]));
});

test("a manifest's typescript section that is not {tsconfig: {compilerOptions}} is refused", (t) => {
  const folder = app(t, { "main.ts": RIGHT }, { typescript: { strict: true } });
  t.regex(buildError(t, folder), /"typescript" must be \{"tsconfig": \{"compilerOptions"/);
});
