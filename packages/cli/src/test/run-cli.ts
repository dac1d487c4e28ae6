import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The built CLI (tests run after `tsc -b`, as the README's test command does). */
export const BIN = resolve(fileURLToPath(import.meta.url), '../../../bin/run.js');

const run = promisify(execFile);

/** Runs the built CLI; returns stdout, stderr and the exit code without throwing. */
export async function mixtape(args: string[], env: Record<string, string>): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}
