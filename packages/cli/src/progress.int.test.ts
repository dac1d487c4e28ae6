import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, mixtape } from './test/run-cli.js';

const run = promisify(execFile);

/**
 * Runs the built CLI on a pseudo-terminal (util-linux `script`), as a person at a terminal would:
 * stdout and stderr both reach the terminal, captured here with their control sequences.
 */
async function onTerminal(args: string[]): Promise<string> {
  const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const { stdout } = await run('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, TZ: 'UTC' } });
  return stdout;
}

describe('progress on a terminal, and none elsewhere (built CLI)', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mixtape-cli-progress-'));
    file = join(dir, 'scrobbles.csv');
    await writeFile(file, ['uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid', '1720688820,"11 Jul 2024, 09:07",A,,,,Real,', '1720689820,"11 Jul 2024, 09:23",B,,,,Other,'].join('\n'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('draws the import progress on a terminal and clears it before the summary', async () => {
    const out = await onTerminal(['import', 'scrobbles', file, '--data-dir', join(dir, 'a')]);
    expect(out).toContain('\x1b[1G0 rows · parsing scrobbles.csv\x1b[0K');
    expect(out).toContain('\x1b[1G2 rows · writing to the database\x1b[0K');
    // Erased before the summary, which starts at the left margin.
    expect(out).toContain('\x1b[2Kformat: lastfm-csv\r\nread 2 rows: 2 new plays');
  });

  it('prints no progress with --json on a terminal: the output is the JSON alone', async () => {
    const out = await onTerminal(['import', 'scrobbles', file, '--data-dir', join(dir, 'b'), '--json']);
    expect(out).not.toContain('\x1b');
    expect(out).not.toContain('rows ·');
    expect(JSON.parse(out)).toMatchObject({ rowsRead: 2, inserted: 2 });
  });

  it('prints no progress when the output is not a terminal', async () => {
    const r = await mixtape(['import', 'scrobbles', file, '--data-dir', join(dir, 'c')], {});
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('\x1b');
    expect(r.stdout).toMatch(/^format: lastfm-csv\nread 2 rows: 2 new plays, 0 already stored, none rejected\n/);
  });
});
