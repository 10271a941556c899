/*
 * The documents stand alone: no link in a Markdown file or a TSDoc comment
 * leaves the repository, and every relative link reaches a file or folder of
 * it (and, for "#anchor" links into Markdown, a heading there).
 */
import test from "ava";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { ROOT } from "../../tools/sim/build.ts";

const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" })
  .split("\n")
  .filter((file) => file && existsSync(join(ROOT, file)));

/* GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/`/g, "").replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of withoutCode(markdown).matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const base = anchor(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count ? `${base}-${count}` : base);
  }
  return result;
}

/* Code is not a link: fenced blocks and inline code are blanked out. */
function withoutCode(markdown: string): string {
  return markdown.replace(/^```[^]*?^```/gm, "").replace(/`[^`\n]*`/g, "``");
}

/** What is wrong with one link target written in file, or null. */
export function problem(file: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) return `${target} leaves the repository`;
  const [path, hash] = target.split("#", 2);
  const absolute = path ? resolve(ROOT, dirname(file), decodeURI(path)) : join(ROOT, file);
  const inside = relative(ROOT, absolute);
  if (inside.startsWith("..") || inside.startsWith("/")) return `${target} points outside the repository`;
  if (!existsSync(absolute)) return `${target}: no such file in the repository`;
  if (hash && absolute.endsWith(".md") && statSync(absolute).isFile() && !anchors(readFileSync(absolute, "utf8")).has(hash)) {
    return `${target}: no heading #${hash} in ${inside}`;
  }
  return null;
}

test("no link in a Markdown file leaves the repository, and every relative one resolves", (t) => {
  const markdown = files.filter((file) => file.endsWith(".md"));
  t.true(markdown.includes("README.md"));
  const problems: string[] = [];
  for (const file of markdown) {
    const text = withoutCode(readFileSync(join(ROOT, file), "utf8"));
    const targets = [
      ...[...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]),
      ...[...text.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)].map((match) => match[1]),
      ...[...text.matchAll(/<((?:https?|ftp|mailto):[^>\s]+)>/g)].map((match) => match[1]),
      ...[...text.matchAll(/(?<![(<\w])(https?:\/\/[^\s)>\]]+)/g)].map((match) => match[1]),
    ];
    for (const target of targets) {
      const wrong = problem(file, target);
      if (wrong) problems.push(`${file}: ${wrong}`);
    }
  }
  t.deepEqual(problems, []);
});

test("no TSDoc link or URL in the sources leaves the repository", (t) => {
  const sources = files.filter((file) => /\.(ts|js|c|h|mjs)$/.test(file) && !file.startsWith("tests/"));
  const problems: string[] = [];
  for (const file of sources) {
    const text = readFileSync(join(ROOT, file), "utf8");
    for (const comment of text.match(/\/\*[^]*?\*\/|\/\/.*$/gm) ?? []) {
      for (const [, target] of comment.matchAll(/\{@link(?:code|plain)?\s+([^\s|}]+)/g)) {
        if (/[/.]/.test(target)) {
          const wrong = problem(file, target);
          if (wrong) problems.push(`${file}: ${wrong}`);
        }
      }
      for (const [url] of comment.matchAll(/https?:\/\/\S+/g)) problems.push(`${file}: ${url} leaves the repository`);
    }
  }
  t.deepEqual(problems, []);
});

test("the checks catch a link out, a ../ link and a broken anchor", (t) => {
  t.regex(problem("README.md", "https://example.com/") ?? "", /leaves the repository/);
  t.regex(problem("README.md", "../elsewhere/spec.md") ?? "", /outside the repository/);
  t.regex(problem("README.md", "#no-such-heading") ?? "", /no heading/);
  t.regex(problem("README.md", "docs/none.md") ?? "", /no such file/);
  t.is(problem("README.md", "#quick-start"), null);
  t.is(problem("docs/API.md", "../README.md#your-own-project"), null);
});
