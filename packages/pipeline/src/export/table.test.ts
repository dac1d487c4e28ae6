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
