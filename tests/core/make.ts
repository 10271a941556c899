/* Runs make in a folder of C tests (tests/c, tests/glue), for the ava tests that drive them. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Run {
  code: number;
  output: string;
}

/** make -C folder target, from the repository's root: its exit status and all it printed. */
export function make(folder: string, target: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile('make', ['-C', folder, target], { cwd: root, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}
