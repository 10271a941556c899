/* text/encoder, text/decoder and espnow/mac, under XS in the simulator, with the package's manifest. */
import test from "ava";
import { join } from "node:path";
import { ROOT, runScript } from "../../tools/sim/build.ts";

const PACKAGE = join(ROOT, "manifest.json");

async function traced(source: string): Promise<string[]> {
  const result = await runScript(source, [PACKAGE], { timeoutMs: 60000 });
  if (result.code !== 0) throw new Error(`exit ${result.code}:\n${result.stdout}${result.stderr}`);
  return result.stdout.split("\n").filter((line) => line.length > 0);
}

test("TextEncoder encodes UTF-8, a lone surrogate as U+FFFD, and encodeInto writes whole characters only", async (t) => {
  t.deepEqual(await traced(`
    import TextEncoder from "text/encoder";
    const encoder = new TextEncoder();
    trace(Array.from(encoder.encode("aé€😀")).join(",") + "\\n");
    trace(Array.from(encoder.encode("x\\ud800y")).join(",") + "\\n");
    trace(encoder.encode().length + " " + encoder.encoding + "\\n");
    const into = new Uint8Array(4);
    const done = encoder.encodeInto("ab€", into);
    trace(done.read + " " + done.written + " " + Array.from(into).join(",") + "\\n");
  `), ["97,195,169,226,130,172,240,159,152,128", "120,239,191,189,121", "0 utf-8", "2 2 97,98,0,0"]);
});

test("TextDecoder decodes UTF-8, replaces each malformed sequence, drops a BOM, streams and is fatal on request", async (t) => {
  t.deepEqual(await traced(`
    import TextDecoder from "text/decoder";
    const decoder = new TextDecoder();
    const hex = (text) => Array.from(text, (c) => c.codePointAt(0).toString(16)).join(" ");
    trace(hex(decoder.decode(Uint8Array.of(0xef, 0xbb, 0xbf, 0x61, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80))) + "\\n");
    trace(hex(decoder.decode(Uint8Array.of(0x61, 0xe2, 0x82, 0x62, 0xff, 0xed, 0xa0, 0x80))) + "\\n");
    trace(hex(decoder.decode(Uint8Array.of(0xe2, 0x82), { stream: true })) + "|" + hex(decoder.decode(Uint8Array.of(0xac))) + "\\n");
    trace(hex(decoder.decode(Uint8Array.of(0xe2, 0x82))) + "\\n");
    trace(hex(decoder.decode(Uint8Array.of(0x41, 0x42).buffer)) + "\\n");
    try { new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.of(0x80)); } catch (e) { trace(e.name + ": " + e.message + "\\n"); }
    try { new TextDecoder("latin1"); } catch (e) { trace(e.name + "\\n"); }
  `), ["61 e9 1f600", "61 fffd 62 fffd fffd fffd fffd", "|20ac", "fffd", "41 42", "TypeError: decode: malformed UTF-8", "RangeError"]);
});

test("formatMac and parseMac turn MACs into aa:bb:cc:dd:ee:ff and back, and refuse anything else with the text", async (t) => {
  t.deepEqual(await traced(`
    import { formatMac, parseMac } from "espnow/mac";
    trace(formatMac(Uint8Array.of(2, 0x45, 0x4e, 0x53, 0, 1)) + " " + formatMac(Uint8Array.of(0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff).buffer, "") + "\\n");
    for (const text of ["02:45:4e:53:00:01", "AA-BB-CC-DD-EE-FF", "aabbccddeeff"]) trace(Array.from(parseMac(text)).join(",") + "\\n");
    for (const bad of ["02:45:4e:53:00", "02:45-4e:53:00:01", "zz:45:4e:53:00:01"]) {
      try { parseMac(bad); } catch (e) { trace(e.name + ": " + e.message + "\\n"); }
    }
    try { formatMac(Uint8Array.of(1, 2)); } catch (e) { trace(e.name + ": " + e.message + "\\n"); }
  `), [
    "02:45:4e:53:00:01 aabbccddeeff",
    "2,69,78,83,0,1",
    "170,187,204,221,238,255",
    "170,187,204,221,238,255",
    'RangeError: parseMac: expected a MAC such as aa:bb:cc:dd:ee:ff, got "02:45:4e:53:00"',
    'RangeError: parseMac: expected a MAC such as aa:bb:cc:dd:ee:ff, got "02:45-4e:53:00:01"',
    'RangeError: parseMac: expected a MAC such as aa:bb:cc:dd:ee:ff, got "zz:45:4e:53:00:01"',
    "RangeError: formatMac: a MAC is 6 bytes, got 2",
  ]);
});
