import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoExport } from '@mixtape/fixtures';
import { importSpotifyExport } from '../import/spotify-export.js';
import { fingerprint } from './fingerprint.js';
import { tempDir } from '../test/helpers.js';
import { withStore } from './store.js';

const SHARED = process.env.MIXTAPE_SHARED_DATA ? join(process.env.MIXTAPE_SHARED_DATA, 'spotify-export') : join(process.cwd(), '..', 'shared', 'data', 'spotify-export');
if (!existsSync(SHARED)) throw new Error(`${SHARED} is missing: the full-disk conformance tests need ../shared/data beside the repository (or MIXTAPE_SHARED_DATA)`);

/** A small tmpfs (3 MB unless told): needs root (CI and this project's machines run as root); the tests fail without it. */
function mountSmallDisk(dir: string, size = '3m'): boolean {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
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

  it('gives one clear error and keeps what was stored', async () => {
    if (!mounted) throw new Error('cannot mount a small tmpfs to fill: run the conformance tests as root (CI does)');
    const store = { dataDir: join(dir, 'data') };
    await withStore(store, (s) => importSpotifyExport(s, join(SHARED, 'person-2')));
    const before = await withStore(store, (s) => fingerprint(s));
    const err = await withStore(store, (s) => importSpotifyExport(s, join(SHARED, 'person-1'))).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'disk_full' });
    expect(await withStore(store, (s) => fingerprint(s))).toEqual(before);
  });
});

describe('a full temp disk while a zip is extracted', () => {
  const tmp = join(tmpdir(), `mixtape-full-tmp-${process.pid}`);
  let mounted = false;
  let data: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    mounted = mountSmallDisk(tmp, '1m');
    data = await tempDir();
  });
  afterAll(async () => {
    if (mounted) execFileSync('umount', [tmp]);
    rmSync(tmp, { recursive: true, force: true });
    await data.cleanup();
  });

  it('says the disk is full instead of blaming the zip, and keeps what was stored', async () => {
    if (!mounted) throw new Error('cannot mount a small tmpfs to fill: run the conformance tests as root (CI does)');
    const zip = join(data.dir, 'my_spotify_data.zip');
    await writeFile(zip, demoExport().zip);
    const store = { dataDir: join(data.dir, 'data') };
    const before = await withStore(store, (s) => fingerprint(s));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const err = await withStore(store, (s) => importSpotifyExport(s, zip)).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'disk_full', message: `The disk holding a temp file in ${tmp} is full; nothing was imported` });
    } finally {
      process.env.TMPDIR = saved;
    }
    expect(readdirSync(tmp)).toEqual([]);
    expect(await withStore(store, (s) => fingerprint(s))).toEqual(before);
  });
});
