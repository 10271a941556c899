/*
 * Footprint (`npm run bench`): text, data and bss of each file of the portable
 * C (modules/espnow/core) and of the binding (modules/espnow/modESPNow.c and
 * modESPNowBytes.c),
 * compiled for an ESP32-C3's RISC-V at -Os with Debian's cross compiler, as
 * they would be linked with -Wl,--gc-sections (sections no function of the
 * file uses are still counted: the figures are per file, not per firmware).
 * A second figure links the same objects together (a relocatable link,
 * `-r -Wl,--gc-sections`) from the firmware's roots: the host functions
 * native.js declares (`@ "xs_..."`) and the core functions the ESP32 and
 * ESP8266 glue call, so that what nothing reaches is not counted. Neither
 * figure is relaxed (each call to another function is an auipc and a jalr
 * pair that the firmware's final link may shorten); the target is the
 * per-file sum.
 * The binding compiles against XS's own headers and a stand-in for
 * Moddable's xsHost.h (footprint/xsHost.h), without mxDebug, as a release
 * build does; modESPNowBytes.c, which reads XS's slots through its internal
 * xsAll.h, against XS's sources and a stand-in platform header
 * (footprint/footprint_xs.h, as XSPLATFORM). A binding file that does not
 * compile that way is not counted, and the output says so. Then the
 * bytecode: the size of the .xsb that xsc -c -e (mcconfig's release build)
 * writes for the TypeScript as the simulator's build compiled it
 * (build/sim/js), computed by XS's own compiler from the sources in
 * @agoric/xsnap with a main of ours (footprint/xsbsize.c; those sources have
 * no xsc), per file: its symbols, code and host table. Given a real xsc
 * (XSC=.../xsc), its files' sizes are printed beside, to compare.
 *
 * The compiler: RISCV_GCC, else riscv64-linux-gnu-gcc on PATH
 * (apt-get install gcc-riscv64-linux-gnu; on Debian 12 that removes
 * gcc-multilib, which the m32 simulator needs: `apt-get download
 * gcc-12-riscv64-linux-gnu` and dpkg -x keep both). Prints figures; fails on
 * nothing but a compile or link error.
 */

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { ROOT } from "../../tools/sim/build.ts";

const XS = join(ROOT, "node_modules/@agoric/xsnap/moddable/xs");
const CORE = join(ROOT, "modules/espnow/core");
const FLAGS = ["-march=rv32imc", "-mabi=ilp32", "-Os", "-fno-pic", "-fno-pie", "-ffunction-sections", "-fdata-sections", "-std=gnu11"];

const compiler = process.env.RISCV_GCC ?? "riscv64-linux-gnu-gcc";
const size = process.env.RISCV_SIZE ?? "riscv64-linux-gnu-size";

function sizes(object: string): number[] {
  return spawnSync(size, [object], { encoding: "utf8" }).stdout.trim().split("\n")[1].trim().split(/\s+/).slice(0, 3).map(Number);
}

function available(command: string): boolean {
  return spawnSync(command, ["--version"], { encoding: "utf8" }).status === 0;
}

console.log("\nC for RISC-V (rv32imc, ilp32, -Os, -ffunction-sections, no PIC as ESP-IDF builds), bytes:");
if (!available(compiler) || !available(size)) {
  console.log(`  (no RISC-V cross compiler: ${compiler} or ${size} is missing; set RISCV_GCC and RISCV_SIZE, or apt-get install gcc-riscv64-linux-gnu, which on Debian 12 removes gcc-multilib: reinstall it for the m32 simulator, or dpkg -x the compiler's package)`);
} else {
  const folder = mkdtempSync(join(tmpdir(), "espnow-footprint-"));
  try {
    /* newlib's headers where Debian has them (libnewlib-dev), as ESP-IDF's libc; else the cross compiler's glibc */
    const gccInclude = spawnSync(compiler, ["-print-file-name=include"], { encoding: "utf8" }).stdout.trim();
    const libc = existsSync("/usr/include/newlib") ? ["-nostdinc", "-isystem", gccInclude, "-isystem", "/usr/include/newlib"] : [];
    const files: [string, string[]][] = [
      ...readdirSync(CORE).filter((name) => name.endsWith(".c")).sort().map((name): [string, string[]] => [join(CORE, name), [`-I${CORE}`]]),
      [join(ROOT, "modules/espnow/modESPNow.c"), [`-I${join(ROOT, "tests/bench/footprint")}`, `-I${XS}/includes`, `-I${join(ROOT, "modules/espnow")}`]],
      [join(ROOT, "modules/espnow/modESPNowBytes.c"), ["-DINCLUDE_XSPLATFORM", '-DXSPLATFORM="footprint_xs.h"', `-I${join(ROOT, "tests/bench/footprint")}`, `-I${XS}/includes`, `-I${XS}/sources`, `-I${XS}/platforms`, `-I${join(ROOT, "modules/espnow")}`]],
    ];
    const uncounted: string[] = [];
    const objects: string[] = [];
    const totals = { core: [0, 0, 0], all: [0, 0, 0] };
    console.log("  file                      text    data     bss");
    for (const [source, includes] of files) {
      const object = join(folder, `${basename(source, ".c")}.o`);
      const cc = spawnSync(compiler, [...FLAGS, ...libc, ...includes, "-c", source, "-o", object], { encoding: "utf8" });
      if (cc.status !== 0) {
        /* the core and modESPNow.c need nothing but the C library and XS's public headers: their failure is an error */
        if (!source.endsWith("modESPNowBytes.c")) throw new Error(`${basename(source)}: ${cc.stderr}`);
        uncounted.push(`${basename(source)} (does not compile without the SDK: ${cc.stderr.split("\n").find((line) => line.includes("error")) ?? cc.stderr.trim()})`);
        continue;
      }
      objects.push(object);
      const [text, data, bss] = sizes(object);
      for (const [i, value] of [text, data, bss].entries()) {
        totals.all[i] += value;
        if (source.startsWith(CORE)) totals.core[i] += value;
      }
      console.log(`  ${basename(source).padEnd(22)} ${String(text).padStart(7)} ${String(data).padStart(7)} ${String(bss).padStart(7)}`);
    }
    const row = (name: string, [text, data, bss]: number[]) => console.log(`  ${name.padEnd(22)} ${String(text).padStart(7)} ${String(data).padStart(7)} ${String(bss).padStart(7)}`);
    row("core", totals.core);
    row("core + binding", totals.all);
    for (const line of uncounted) console.log(`  NOT COUNTED: ${line}`);
    /* the firmware's roots: native.js's host functions and the core functions the glue calls */
    const hosts = [...readFileSync(join(ROOT, "modules/espnow/native.js"), "utf8").matchAll(/@\s*"(xs_\w+)"/g)].map((match) => match[1]);
    const glue = ["esp32/espnow_esp32.c", "esp8266/espnow_esp8266.c"].map((file) => readFileSync(join(ROOT, "modules/espnow", file), "utf8")).join("\n");
    const called = [...new Set([...glue.matchAll(/\b(espnow_(?:core|ring|tx_stats|stats|error)_\w+)\s*\(/g)].map((match) => match[1]))];
    const roots = [...new Set([...hosts, ...called])].sort();
    const linked = join(folder, "linked.o");
    const ld = spawnSync(compiler, [...FLAGS, "-r", "-nostdlib", "-Wl,--gc-sections", ...roots.map((root) => `-Wl,-u,${root}`), ...objects, "-o", linked], { encoding: "utf8" });
    if (ld.status !== 0) throw new Error(`linking: ${ld.stderr}`);
    console.log(`\nThe same objects linked together with --gc-sections from ${hosts.length} host functions and ${called.length} core functions the glue calls, bytes:`);
    row(uncounted.length ? "linked (see NOT COUNTED)" : "linked", sizes(linked));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

console.log("\nBytecode of espnow, aioespnow and espnow/native: the .xsb a release build's xsc -c -e writes, bytes:");
const compiled = join(ROOT, "build/sim/js/modules/espnow");
const modules = [join(compiled, "espnow.js"), join(compiled, "aioespnow.js"), join(ROOT, "modules/espnow/native.js")];
if (!existsSync(modules[0]) || !existsSync(modules[1])) {
  console.log(`  (not measured: ${compiled} has no espnow.js and aioespnow.js yet; any simulator build that uses them writes them, e.g. the AIOESPNow benchmark)`);
} else {
  const folder = mkdtempSync(join(tmpdir(), "espnow-xsb-"));
  try {
    /* XS's own compiler, from the sources the simulator runs, behind a main of ours: footprint/xsbsize.c */
    const tool = join(folder, "xsbsize");
    const parser = ["xsBigInt", "xsCode", "xsCommon", "xsdtoa", "xsLexical", "xsre", "xsScope", "xsScript", "xsSourceMap", "xsSyntaxical", "xsTree"].map((name) => join(XS, "sources", `${name}.c`));
    const cc = spawnSync("gcc", ["-O1", "-w", "-DmxCompile=1", `-I${XS}/includes`, `-I${XS}/platforms`, `-I${XS}/sources`, join(ROOT, "tests/bench/footprint/xsbsize.c"), ...parser, "-o", tool, "-lm"], { encoding: "utf8" });
    if (cc.status !== 0) throw new Error(`building xsbsize: ${cc.stderr}`);
    const run = spawnSync(tool, modules, { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`xsbsize: ${run.stdout}${run.stderr}`);
    /* XSC: a real xsc as well, whose files are listed beside (Moddable's, of any XS version) */
    const xsc = process.env.XSC;
    const heads = ["symbols", "code", "hosts", "xsb", ...(xsc ? ["xsc's"] : [])];
    console.log(`  ${"file".padEnd(20)} ${heads.map((head) => head.padStart(7)).join(" ")}`);
    const total = [0, 0, 0, 0, 0];
    for (const line of run.stdout.trim().split("\n")) {
      const [source, ...figures] = line.split(" ");
      const row = figures.map(Number);
      if (xsc) {
        const real = spawnSync(xsc, ["-c", "-e", "-o", folder, source], { encoding: "utf8" });
        if (real.status !== 0) throw new Error(`xsc ${basename(source)}: ${real.stdout}${real.stderr}`);
        row.push(statSync(join(folder, `${basename(source, ".js")}.xsb`)).size);
      }
      row.forEach((value, i) => (total[i] += value));
      console.log(`  ${basename(source, ".js").padEnd(20)} ${row.map((value) => String(value).padStart(7)).join(" ")}`);
    }
    console.log(`  ${"all".padEnd(20)} ${total.slice(0, heads.length).map((value) => String(value).padStart(7)).join(" ")}`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
