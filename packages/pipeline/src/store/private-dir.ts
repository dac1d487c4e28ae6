import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MixtapeError } from '@mixtape/core/base';

/** Owner-only: the history says where someone was and when, so no other user may read it. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

function ownedByMe(uid: number): boolean {
  return typeof process.getuid === 'function' && process.getuid() === uid;
}

/**
 * Makes `dir` (and any missing parent) with mode 0700 and tightens an existing one this user owns,
 * which older versions made 0755. Each missing level is made on its own, without `recursive`:
 * Node's recursive mkdir loops forever on a path like /proc/nope, this fails at once.
 */
export function ensurePrivateDir(dir: string): void {
  const target = resolve(dir);
  const missing: string[] = [];
  for (let p = target; !existsSync(p); p = dirname(p)) {
    missing.unshift(p);
    if (dirname(p) === p) break;
  }
  try {
    for (const p of missing) mkdirSync(p, { mode: PRIVATE_DIR_MODE });
    const st = statSync(target);
    if (!st.isDirectory()) throw Object.assign(new Error(`${target} is not a folder`), { code: 'ENOTDIR' });
    if ((st.mode & 0o077) !== 0 && ownedByMe(st.uid)) chmodSync(target, PRIVATE_DIR_MODE);
  } catch (cause) {
    const why = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    throw new MixtapeError('data_dir_unusable', `Cannot use ${dir} as the data dir (${why})`, {
      suggestion: 'pass a folder you can write with --data-dir or MIXTAPE_DATA_DIR',
      cause,
    });
  }
}

/** Makes a file this user owns readable by nobody else; one that does not exist is left alone. */
export function makePrivate(path: string): void {
  try {
    const st = statSync(path);
    if ((st.mode & 0o077) !== 0 && ownedByMe(st.uid)) chmodSync(path, PRIVATE_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** `makePrivate` for a folder this user owns and everything in it (a saved model). */
export function makePrivateTree(dir: string): void {
  const st = statSync(dir);
  if (ownedByMe(st.uid)) chmodSync(dir, PRIVATE_DIR_MODE);
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, name);
    const entry = statSync(p);
    if (ownedByMe(entry.uid)) chmodSync(p, entry.isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE);
  }
}

/**
 * Removes `dir` and everything in it, also while another thread still writes there (DuckDB makes
 * and deletes its write-ahead log on its own threads, so a plain recursive remove can fail with
 * ENOTEMPTY: a file appeared after the folder was emptied). The folder is first renamed aside, so
 * files made by path land nowhere, then removed with retries. Never throws, since it runs in signal
 * and exit handlers: returns undefined when nothing is left, else the folder left and why.
 */
export function removeDirSync(dir: string): { left: string; code: string } | undefined {
  let target = dir;
  try {
    const aside = `${dir}.removing-${process.pid}`;
    renameSync(dir, aside);
    target = aside;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  }
  try {
    rmSync(target, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
    return undefined;
  } catch (err) {
    return { left: target, code: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
  }
}

/** `removeDirSync` for a temporary folder of the listener's data: one that cannot be removed is named on stderr (`what` says whose). */
export function removeTemporaryDirSync(dir: string, what: string): void {
  const left = removeDirSync(dir);
  if (left) process.stderr.write(`mixtape: could not remove ${what} temporary folder ${left.left} (${left.code}); remove it by hand\n`);
}
