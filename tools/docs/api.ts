/*
 * docs/API.md from the modules' TSDoc: every export of every module an app
 * can import, with its signature and its documentation comment, read by
 * TypeScript's checker. `npm run docs` writes it; tests/docs/api.test.ts
 * fails when it differs from what this makes (a changed export, or a comment).
 *
 *   node --import tsx tools/docs/api.ts [--check]
 */

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const API = join(ROOT, "docs/API.md");

/** The modules an app imports, by name, and their sources. */
export const MODULES: [name: string, source: string][] = [
  ["espnow", "modules/espnow/espnow.ts"],
  ["aioespnow", "modules/espnow/aioespnow.ts"],
  ["espnow/mac", "modules/espnow/mac.ts"],
  ["espnow/pycom", "modules/espnow/pycom.ts"],
  ["wlan", "modules/wlan/wlan.ts"],
  ["espnow-hub", "modules/espnow-hub/hub.ts"],
  ["text/encoder", "modules/text/encoder.ts"],
  ["text/decoder", "modules/text/decoder.ts"],
];

/* The ambient modules the simulator declares: name → .d.ts */
const AMBIENT: [name: string, source: string][] = [
  ["multitest", "hosts/sim/modules/multitest.d.ts"],
  ["instrument", "hosts/sim/instrument.d.ts"],
];

function doc(symbol: ts.Symbol, checker: ts.TypeChecker): string {
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
  return text.replace(/\s*\n\s*/g, " ");
}

function declarationText(node: ts.Node, file: ts.SourceFile): string {
  const printer = ts.createPrinter({ removeComments: true });
  let text: string;
  if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) || ts.isMethodSignature(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) {
    /* the signature only, not the body */
    const copy = ts.isFunctionDeclaration(node)
      ? ts.factory.updateFunctionDeclaration(node, node.modifiers, node.asteriskToken, node.name, node.typeParameters, node.parameters, node.type, undefined)
      : ts.isMethodDeclaration(node)
        ? ts.factory.updateMethodDeclaration(node, node.modifiers, node.asteriskToken, node.name, node.questionToken, node.typeParameters, node.parameters, node.type, undefined)
        : ts.isConstructorDeclaration(node)
          ? ts.factory.updateConstructorDeclaration(node, node.modifiers, node.parameters, undefined)
          : ts.isGetAccessor(node)
            ? ts.factory.updateGetAccessorDeclaration(node, node.modifiers, node.name, node.parameters, node.type, undefined)
            : ts.isSetAccessor(node)
              ? ts.factory.updateSetAccessorDeclaration(node, node.modifiers, node.name, node.parameters, undefined)
              : node;
    text = printer.printNode(ts.EmitHint.Unspecified, copy, file);
  } else if (ts.isVariableDeclaration(node)) {
    const list = node.parent as ts.VariableDeclarationList;
    const kind = list.flags & ts.NodeFlags.Const ? "const" : "let";
    const value = node.initializer && ts.isLiteralExpression(node.initializer) ? ` = ${node.initializer.getText(file)}` : "";
    text = `${kind} ${node.name.getText(file)}${node.type ? `: ${node.type.getText(file)}` : ""}${value}`;
  } else if (ts.isPropertyDeclaration(node) || ts.isPropertySignature(node)) {
    const copy = ts.isPropertyDeclaration(node) ? ts.factory.updatePropertyDeclaration(node, node.modifiers, node.name, node.questionToken ?? node.exclamationToken, node.type, undefined) : node;
    text = printer.printNode(ts.EmitHint.Unspecified, copy, file);
  } else {
    text = printer.printNode(ts.EmitHint.Unspecified, node, file);
  }
  return text.replace(/\s+/g, " ").replace(/;$/, "").replace(/^export (default )?(declare )?/, "");
}

function isPrivate(node: ts.Declaration): boolean {
  const flags = ts.getCombinedModifierFlags(node);
  return Boolean(flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) || (node as ts.NamedDeclaration).name?.kind === ts.SyntaxKind.PrivateIdentifier;
}

function entry(lines: string[], symbol: ts.Symbol, checker: ts.TypeChecker, file: ts.SourceFile, shownName: string, depth: number): void {
  const declarations = (symbol.getDeclarations() ?? []).filter((node) => !isPrivate(node));
  if (declarations.length === 0) return;
  const comment = doc(symbol, checker);
  const head = depth === 0 ? "### " : "- ";
  const signatures = declarations.filter((node) => !ts.isClassDeclaration(node) && !ts.isInterfaceDeclaration(node) && !ts.isModuleDeclaration(node) && !(ts.isFunctionDeclaration(node) && node.body && declarations.length > 1 && declarations.some((other) => other !== node && ts.isFunctionDeclaration(other) && !other.body)));
  if (depth === 0) {
    lines.push(`${head}\`${shownName}\``, "");
    for (const node of declarations) {
      if (ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node)) {
        const heritage = (node.heritageClauses ?? []).map((clause) => clause.getText(file)).join(" ");
        const kind = ts.isClassDeclaration(node) ? "class" : "interface";
        lines.push("```ts", `${kind} ${node.name?.getText(file) ?? shownName}${node.typeParameters ? `<${node.typeParameters.map((p) => p.getText(file)).join(", ")}>` : ""}${heritage ? ` ${heritage}` : ""}`, "```", "");
      }
    }
    if (signatures.length) lines.push("```ts", ...signatures.map((node) => declarationText(node, file)), "```", "");
    if (comment) lines.push(comment, "");
    const members = symbol.members ? [...symbol.members.values()] : [];
    const statics = symbol.exports ? [...symbol.exports.values()].filter((member) => member.name !== "prototype") : [];
    const shown = [...statics.map((member) => ["static ", member] as const), ...members.map((member) => ["", member] as const)];
    const memberLines: string[] = [];
    for (const [prefix, member] of shown) {
      const nodes = (member.getDeclarations() ?? []).filter((node) => !isPrivate(node) && !ts.isTypeParameterDeclaration(node));
      if (nodes.length === 0 || member.name.startsWith("#")) continue;
      const overloads = nodes.filter((node) => !((ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node)) && node.body && nodes.length > 1));
      const text = overloads.map((node) => `\`${declarationText(node, file).replace(/^static /, "")}\``).join(", ");
      const memberDoc = doc(member, checker);
      memberLines.push(`- ${prefix}${text}${memberDoc ? `: ${memberDoc}` : ""}`);
    }
    if (memberLines.length) lines.push(...memberLines, "");
  }
}

export function generate(): string {
  const sources = [...MODULES, ...AMBIENT].filter(([, source]) => existsSync(join(ROOT, source)));
  const program = ts.createProgram(sources.map(([, source]) => join(ROOT, source)).concat(join(ROOT, "typings/app.d.ts")), {
    target: ts.ScriptTarget.ESNext,
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.esnext.d.ts"],
    types: [],
    noEmit: true,
    skipLibCheck: true,
    paths: Object.fromEntries([...MODULES, ["espnow/native", "modules/espnow/native.d.ts"], ["wlan/native", "modules/wlan/native.d.ts"]].map(([name, source]) => [name, [join(ROOT, source)]])),
  });
  const checker = program.getTypeChecker();
  const lines = [
    "# API reference",
    "",
    "Every export of every module an app can import, with its documentation",
    "comment. Generated from the sources by `npm run docs` (tools/docs/api.ts);",
    "tests/docs/api.test.ts checks that it is up to date. How the modules are",
    "used: [the README](../README.md).",
    "",
  ];
  for (const [name, source] of sources) {
    const file = program.getSourceFile(join(ROOT, source));
    if (!file) continue;
    const ambient = AMBIENT.some(([other]) => other === name);
    let moduleSymbol = checker.getSymbolAtLocation(file);
    if (ambient) {
      const declaration = file.statements.find((statement) => ts.isModuleDeclaration(statement) && statement.name.text === name) as ts.ModuleDeclaration | undefined;
      moduleSymbol = declaration ? checker.getSymbolAtLocation(declaration.name) : undefined;
    }
    if (!moduleSymbol) continue;
    lines.push(`## \`${name}\``, "", `Source: [${source}](../${source})`, "");
    const header = file.statements.length ? ts.getLeadingCommentRanges(file.text, 0) : undefined;
    if (header?.length && !ambient) {
      const text = file.text.slice(header[0].pos, header[0].end).replace(/^\/\*+|\*+\/$/g, "").split("\n").map((line) => line.replace(/^\s*\* ?/, "")).join(" ").replace(/\s+/g, " ").trim();
      if (text) lines.push(text, "");
    }
    const exports = checker.getExportsOfModule(moduleSymbol).sort((a, b) => (a.name === "default" ? -1 : b.name === "default" ? 1 : a.name < b.name ? -1 : 1));
    const again = new Map<string, string[]>(); /* module re-exported from → names */
    for (const exported of exports) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const from = symbol.getDeclarations()?.[0]?.getSourceFile();
      if (from && from !== file && !ambient) {
        const where = MODULES.find(([, other]) => join(ROOT, other) === from.fileName)?.[0] ?? relative(ROOT, from.fileName);
        again.set(where, [...(again.get(where) ?? []), exported.name]);
        continue;
      }
      const declared = (symbol.getDeclarations()?.[0] as ts.NamedDeclaration | undefined)?.name?.getText();
      const shown = exported.name === "default" ? `default${declared ? ` (${declared})` : ""}` : exported.name;
      entry(lines, symbol, checker, from ?? file, shown, 0);
    }
    for (const [where, names] of again) {
      lines.push(`### Re-exported from \`${where}\``, "", names.map((exported) => `\`${exported}\``).join(", "), "");
    }
  }
  return `${lines.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = generate();
  if (process.argv.includes("--check")) {
    const current = existsSync(API) ? readFileSync(API, "utf8") : "";
    if (current !== text) {
      process.stderr.write("docs/API.md is not up to date: run npm run docs\n");
      process.exit(1);
    }
  } else {
    writeFileSync(API, text);
    process.stdout.write(`wrote ${relative(process.cwd(), API)}\n`);
  }
}
