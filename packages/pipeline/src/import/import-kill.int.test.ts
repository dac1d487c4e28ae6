import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeZip } from '@mixtape/fixtures';
import { fingerprint } from '../store/fingerprint.js';
import { withStore } from '../store/store.js';
import { CLI, extendedHistory, runCli, tempDir } from '../test/helpers.js';

// Runs the real CLI (built by `tsc -b`) on an export big enough to be stopped while its history
// lies extracted in the temp folder, the way Ctrl-C, SIGTERM or kill -9 would stop it.

describe('an import stopped midway', { timeout: 120_000 }, () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let zip: string;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    zip = join(dir, 'my_spotify_data.zip');
    const history = extendedHistory(8_000);
    await writeFile(zip, makeZip([0, 1].map((k) => ({ name: `Spotify Extended Streaming History/Streaming_History_Audio_${2020 + k}.json`, data: history }))));
  });
  afterAll(() => cleanup());

  /** A private TMPDIR and a fresh store for one case. */
  async function setup(name: string): Promise<{ tmp: string; data: string; before: Record<string, string> }> {
    const tmp = join(dir, `${name}-tmp`);
    const data = join(dir, `${name}-data`);
    await mkdir(tmp);
    const before = await withStore({ dataDir: data }, fingerprint);
    return { tmp, data, before };
  }

  /** True once the import has extracted a history file into the temp folder. */
  const extracted = (tmp: string) => () =>
    readdirSync(tmp).some((d) => d.startsWith('mixtape-import-') && readdirSync(join(tmp, d)).some((f) => statSync(join(tmp, d, f)).size > 0));

  const importZip = (tmp: string, data: string, kill?: Parameters<typeof runCli>[2]) =>
    runCli(['import', 'spotify-export', zip, '--json', '--data-dir', data], { TMPDIR: tmp }, kill);

  it.each(['SIGINT', 'SIGTERM'] as const)('removes the extracted history on %s and dies of it, store unchanged', async (signal) => {
    expect(existsSync(CLI), 'build first: npx tsc -b').toBe(true);
    const { tmp, data, before } = await setup(signal);
    const run = await importZip(tmp, data, { signal, when: extracted(tmp) });
    expect(run.signal).toBe(signal);
    expect(readdirSync(tmp)).toEqual([]);
    expect(await withStore({ dataDir: data }, fingerprint)).toEqual(before);
  });

  it('removes what kill -9 left on the next run, which imports everything', async () => {
    const { tmp, data, before } = await setup('SIGKILL');
    const killed = await importZip(tmp, data, { signal: 'SIGKILL', when: extracted(tmp) });
    expect(killed.signal).toBe('SIGKILL');
    // Nothing can clean up after kill -9: the folder is there, private, until the next import.
    const [left] = readdirSync(tmp);
    expect(left).toMatch(/^mixtape-import-\d+-/);
    expect(statSync(join(tmp, left!)).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(join(tmp, left!))) expect(statSync(join(tmp, left!, f)).mode & 0o777).toBe(0o600);
    expect(await withStore({ dataDir: data }, fingerprint)).toEqual(before);
    const next = await importZip(tmp, data);
    expect(next.code).toBe(0);
    expect(JSON.parse(next.stdout)).toMatchObject({ rowsRead: 16_000, inserted: 8_000 });
    expect(readdirSync(tmp)).toEqual([]);
  });
});
