/*
 * Help after a mistake: "did you mean" for a name one letter (or letter case)
 * away from a known one, and a hint after the errors new ESP-NOW apps meet
 * first, read from what a node printed.
 */

/** The edit distance of a and b (Levenshtein: insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}

/** "; did you mean X?" when name differs from a known one only in letter case or by one letter, else "". */
export function nearest(name: string, known: Iterable<string>): string {
  const candidates = [...known];
  const close = candidates.find((candidate) => candidate !== name && candidate.toLowerCase() === name.toLowerCase())
    ?? candidates.find((candidate) => editDistance(candidate, name) === 1);
  return close ? `; did you mean ${close}?` : "";
}

/** What a node's output line calls for: [a key, so that each hint is given once, and the hint], or undefined. */
export function hintFor(line: string, modules: Iterable<string>): [string, string] | undefined {
  if (/\bESP_ERR_ESPNOW_IF\b/.test(line)) {
    return ["IF", "no active WLAN interface: new WLAN(WLAN.IF_STA).active(true) (IF_AP for a peer added with ifidx 1) before sending or receiving"];
  }
  if (/\bESP_ERR_ESPNOW_NOT_FOUND\b/.test(line)) {
    return ["NOT_FOUND", "that MAC is not a registered peer: add_peer(mac) first (to answer a sender too, and for broadcast, ff:ff:ff:ff:ff:ff)"];
  }
  if (/\bESP_ERR_ESPNOW_CHAN\b/.test(line)) {
    return ["CHAN", "the peer's channel (add_peer's channel; 0 means the radio's current one) must be the radio's channel, sta.config(\"channel\"); set it with sta.config({channel}) on every device"];
  }
  if (/\bESP_ERR_ESPNOW_NOT_INIT\b/.test(line)) {
    return ["NOT_INIT", "ESP-NOW is off: call active(true) on the ESPNow object first"];
  }
  const missing = /module "([^"]+)" not found/.exec(line);
  if (missing) {
    const guess = nearest(missing[1], modules);
    if (guess) return [`module ${missing[1]}`, `module "${missing[1]}"${guess.replace(/^; did you mean (.*)\?$/, ": did you mean \"$1\"?")}`];
  }
  return undefined;
}
