import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The built CLI (tests run after `tsc -b`, as the README's test command does). */
export const BIN = resolve(fileURLToPath(import.meta.url), '../../../bin/run.js');

const run = promisify(execFile);

/**
 * Runs the built CLI; returns stdout, stderr and the exit code without throwing. Past `timeoutMs`
 * the command is killed and `killed` is true; `fileSizeLimitKib` runs it under `ulimit -f`, where a
 * write past the limit fails with EFBIG. A number is read as `timeoutMs`.
 */
export async function mixtape(
  args: string[],
  env: Record<string, string>,
  options: number | { fileSizeLimitKib?: number; timeoutMs?: number } = {},
): Promise<{ stdout: string; stderr: string; code: number; killed: boolean }> {
  const o = typeof options === 'number' ? { timeoutMs: options } : options;
  const [cmd, argv] = o.fileSizeLimitKib === undefined
    ? [process.execPath, [BIN, ...args]]
    : ['sh', ['-c', `ulimit -f ${o.fileSizeLimitKib} && exec "$@"`, 'sh', process.execPath, BIN, ...args]];
  try {
    const { stdout, stderr } = await run(cmd, argv, { env: { ...process.env, ...env }, maxBuffer: 64 << 20, timeout: o.timeoutMs ?? 0, killSignal: 'SIGKILL' });
    return { stdout, stderr, code: 0, killed: false };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number; killed?: boolean };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code, killed: err.killed === true };
  }
}
