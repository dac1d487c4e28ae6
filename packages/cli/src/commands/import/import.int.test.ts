import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprint, withStore } from '@mixtape/pipeline';
import { mixtape } from '../../test/run-cli.js';

const HEADER = 'uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid';

describe('mixtape import (built): impossible rows and files of the wrong shape', () => {
  let dir: string;
  let data: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mixtape-cli-import-'));
    data = join(dir, 'data');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const store = () => withStore({ dataDir: data }, fingerprint);

  it('counts impossible plays by reason in the --json summary and exits 0', async () => {
    const file = join(dir, 'StreamingHistory_music_0.json');
    await writeFile(file, JSON.stringify([
      { endTime: '2099-01-01 10:00', artistName: 'A', trackName: 'Future', msPlayed: 1000 },
      { endTime: '1969-12-31 23:59', artistName: 'A', trackName: 'Past', msPlayed: 1000 },
      { endTime: '2024-01-01 10:00', artistName: 'A', trackName: 'Negative', msPlayed: -5000 },
      { endTime: '2024-01-01 11:00', artistName: 'A', trackName: 'Huge', msPlayed: 1e14 },
      { endTime: '2024-01-01 12:00', artistName: 'A', trackName: 'Good', msPlayed: 1000 },
    ]));
    const r = await mixtape(['import', 'spotify-export', file, '--data-dir', data, '--json'], {});
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      rowsRead: 5, inserted: 1, newTracks: 1,
      rejected: { played_in_future: 1, played_before_2000: 1, negative_ms_played: 1, ms_played_over_24h: 1 },
    });
    const text = await mixtape(['import', 'scrobbles', await scrobbleFile(), '--data-dir', data], {});
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/1 new plays, 0 already stored, rejected 1 played_in_future, 1 played_before_2000/);
  });

  async function scrobbleFile(): Promise<string> {
    const file = join(dir, 'scrobbles.csv');
    await writeFile(file, [HEADER, '4102444800,"01 Jan 2100, 00:00",A,,,,Future,', '-100,"31 Dec 1969, 23:58",A,,,,Past,', '1720688820,"11 Jul 2024, 09:07",A,,,,Real,'].join('\n'));
    return file;
  }

  it('refuses a history file of the wrong shape with wrong_format, naming it, and changes nothing', async () => {
    await mixtape(['import', 'scrobbles', await scrobbleFile(), '--data-dir', data], {});
    const before = await store();
    const file = join(dir, 'StreamingHistory_music_1.json');
    await writeFile(file, '[{"foo":1},{"foo":2}]');
    const r = await mixtape(['import', 'spotify-export', file, '--data-dir', data, '--json'], {});
    expect(r.code).toBe(1);
    const err = (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error;
    expect(err.code).toBe('wrong_format');
    expect(err.message).toContain('StreamingHistory_music_1.json is not a Spotify account-data streaming history file: no row has the keys endTime, msPlayed');
    const forced = await mixtape(['import', 'scrobbles', join(dir, 'scrobbles.csv'), '--format', 'librefm-csv', '--data-dir', data], {});
    expect(forced.code).toBe(1);
    expect(forced.stderr).toMatch(/^Error: scrobbles\.csv is not a librefm-csv file: no row has a header with artist, track and time/m);
    expect(await store()).toEqual(before);
  });
});
