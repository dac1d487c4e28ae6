import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The built CLI (tests run after `tsc -b`, as the README's test command does). */
export const BIN = resolve(fileURLToPath(import.meta.url), '../../../bin/run.js');

const run = promisify(execFile);

/**
 * Runs the built CLI; returns stdout, stderr and the exit code without throwing. `fileSizeLimitKib`
 * runs it under `ulimit -f`, where a write past the limit fails with EFBIG.
 */
export async function mixtape(args: string[], env: Record<string, string>, options: { fileSizeLimitKib?: number } = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  const [cmd, argv] = options.fileSizeLimitKib === undefined
    ? [process.execPath, [BIN, ...args]]
    : ['sh', ['-c', `ulimit -f ${options.fileSizeLimitKib} && exec "$@"`, 'sh', process.execPath, BIN, ...args]];
  try {
    const { stdout, stderr } = await run(cmd, argv, { env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}
