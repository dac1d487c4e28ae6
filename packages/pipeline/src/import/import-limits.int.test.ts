import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeZip } from '@mixtape/fixtures';
import { fingerprint } from '../store/fingerprint.js';
import { withStore } from '../store/store.js';
import { CLI, extendedHistory, tempDir } from '../test/helpers.js';

// The built CLI under a file-size limit (`ulimit -f`, in KiB): Node ignores SIGXFSZ, so the write
// that crosses it fails with EFBIG. That is the machine's limit, not a damaged export or a bug.
function importUnderLimit(kib: number, path: string, data: string, tmp: string, json: boolean) {
  const args = [CLI, 'import', 'spotify-export', path, '--data-dir', data, ...(json ? ['--json'] : [])];
  return spawnSync('sh', ['-c', `ulimit -f ${kib} && exec "$@"`, 'sh', process.execPath, ...args], { env: { ...process.env, TMPDIR: tmp }, encoding: 'utf8' });
}

describe('an import past the file-size limit', { timeout: 120_000 }, () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    // About 4 MB of history: past the limit when extracted, and a write-ahead log past it too.
    const history = extendedHistory(8_000);
    await writeFile(join(dir, 'my_spotify_data.zip'), makeZip([{ name: 'Spotify Extended Streaming History/Streaming_History_Audio_2020.json', data: history }]));
    await mkdir(join(dir, 'folder'));
    await writeFile(join(dir, 'folder', 'Streaming_History_Audio_2020.json'), history);
  });
  afterAll(() => cleanup());

  async function setup(name: string): Promise<{ tmp: string; data: string; before: Record<string, string> }> {
    const tmp = join(dir, `${name}-tmp`);
    const data = join(dir, `${name}-data`);
    await mkdir(tmp);
    return { tmp, data, before: await withStore({ dataDir: data }, fingerprint) };
  }

  it('names the limit, not the zip, when extracting crosses it', async () => {
    expect(existsSync(CLI), 'build first: npx tsc -b').toBe(true);
    const { tmp, data, before } = await setup('zip');
    const run = importUnderLimit(400, join(dir, 'my_spotify_data.zip'), data, tmp, false);
    expect(run.status).toBe(1);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('Error:') || l.startsWith('Try:'));
    expect(lines).toEqual([
      `Error: Writing a temp file in ${tmp} went past this shell's file-size limit (ulimit -f); nothing was imported`,
      'Try: raise the limit (ulimit -f unlimited) and run the command again',
    ]);
    expect(readdirSync(tmp)).toEqual([]);
    expect(await withStore({ dataDir: data }, fingerprint)).toEqual(before);
  });

  it('names the limit, not an internal error, when the database crosses it', async () => {
    const { tmp, data, before } = await setup('folder');
    const run = importUnderLimit(400, join(dir, 'folder'), data, tmp, true);
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      error: {
        code: 'file_too_large',
        message: `Writing ${join(data, 'mixtape.duckdb')} went past this shell's file-size limit (ulimit -f); nothing was written`,
        suggestion: 'raise the limit (ulimit -f unlimited) and run the command again',
      },
    });
    expect(await withStore({ dataDir: data }, fingerprint)).toEqual(before);
  });
});
