import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSpotifyExport } from '../import/spotify-export.js';
import { fingerprint } from './fingerprint.js';
import { withStore } from './store.js';

const SHARED = process.env.MIXTAPE_SHARED_DATA ? join(process.env.MIXTAPE_SHARED_DATA, 'spotify-export') : join(process.cwd(), '..', 'shared', 'data', 'spotify-export');

/** A 3 MB tmpfs: needs root (CI and this project's machines run as root); skipped elsewhere. */
function mountSmallDisk(dir: string): boolean {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    console.log('skipping the full-disk test: cannot mount a tmpfs here (needs root)');
    return false;
  }
}

describe('a full disk', () => {
  const dir = join(tmpdir(), `mixtape-full-${process.pid}`);
  let mounted = false;
  beforeAll(() => {
    mounted = mountSmallDisk(dir);
  });
  afterAll(() => {
    if (mounted) execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives one clear error and keeps what was stored', async (ctx) => {
    if (!mounted) return ctx.skip();
    const store = { dataDir: join(dir, 'data') };
    await withStore(store, (s) => importSpotifyExport(s, join(SHARED, 'person-2')));
    const before = await withStore(store, (s) => fingerprint(s));
    const err = await withStore(store, (s) => importSpotifyExport(s, join(SHARED, 'person-1'))).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'disk_full' });
    expect(await withStore(store, (s) => fingerprint(s))).toEqual(before);
  });
});
