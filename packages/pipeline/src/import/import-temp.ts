import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storageError } from '@mixtape/core';
import { removeTemporaryDirSync } from '../store/private-dir.js';

/**
 * Private temp folders for the files an import extracts (a whole listening history, IP addresses
 * included). Each is `mixtape-import-<pid>-XXXXXX`, mode 0700, removed when the import ends, on
 * SIGINT/SIGTERM/SIGHUP and at exit; one left by a killed process (kill -9) is removed by the next
 * import, which sees that its pid is gone.
 */
const PREFIX = 'mixtape-import-';
// With `.removing-<pid>`: one that a signal handler renamed aside and could not remove (removeDirSync).
const OURS = /^mixtape-import-(\d+)-[A-Za-z0-9]{6}(?:\.removing-\d+)?$/;
/** Folders of versions that did not put the pid in the name: removed once they are a day old. */
const LEGACY = /^mixtape-import-[A-Za-z0-9]{6}$/;
const LEGACY_AGE_MS = 86_400_000;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const live = new Set<string>();

function removeLiveSync(): void {
  for (const dir of live) removeTemporaryDirSync(dir, "the import's");
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeLiveSync();
  uninstall();
  // Die of the signal as if no handler had been installed, unless the command handles it itself.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('exit', removeLiveSync);
}

function uninstall(): void {
  for (const s of SIGNALS) process.off(s, onSignal);
  process.off('exit', removeLiveSync);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes import folders in `base` left by processes that no longer run. Returns what it removed. */
export function sweepStaleImportDirs(base = tmpdir()): string[] {
  let names: string[];
  try {
    names = readdirSync(base).filter((n) => n.startsWith(PREFIX));
  } catch {
    return [];
  }
  const removed: string[] = [];
  const uid = process.getuid?.();
  for (const name of names) {
    const full = join(base, name);
    try {
      const st = lstatSync(full);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
      const pid = OURS.exec(name)?.[1];
      const stale = pid !== undefined ? Number(pid) !== process.pid && !alive(Number(pid)) : LEGACY.test(name) && Date.now() - st.mtimeMs > LEGACY_AGE_MS;
      if (!stale) continue;
      rmSync(full, { recursive: true, force: true });
      removed.push(full);
    } catch {
      // Gone already, or not ours to remove: the next import tries again.
    }
  }
  return removed;
}

/** A fresh private folder for one import's files; `remove()` deletes it (call it in `finally`). */
export async function createImportDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  sweepStaleImportDirs();
  let dir: string;
  try {
    dir = await mkdtemp(join(tmpdir(), `${PREFIX}${process.pid}-`));
  } catch (err) {
    throw storageError(err, { where: `a temp folder in ${tmpdir()}`, remedy: 'point TMPDIR at a larger disk', outcome: 'nothing was imported' }) ?? err;
  }
  if (live.size === 0) install();
  live.add(dir);
  return {
    dir,
    remove: async () => {
      live.delete(dir);
      if (live.size === 0) uninstall();
      await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
    },
  };
}
