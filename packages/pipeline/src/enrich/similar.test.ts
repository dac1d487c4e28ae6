import type { JsonGetter, RequestOptions } from '@mixtape/connectors';
import { describe, expect, it } from 'vitest';
import type { Store } from '../store/store.js';
import { memoryStore } from '../test/helpers.js';
import { EnrichBatch } from './batch.js';
import { lastfmSource } from './lastfm.js';

const PASSENGERS = 'e110c11f-1c94-4471-a350-c38f46b29389';
const INXS = '481bf5f9-2e7c-4c44-b08a-05b32bc7c00d';
const ONE = '0e8b0bd2-1a2e-4d43-b6a2-0d1d0e3e4e1c';
const MYSTERIOUS = '7b2f1e8d-64a4-4b0b-9d4a-4b5c3b1f0a11';

/** Last.fm answers in the shape of the recorded ones (api-samples/lastfm/navidrome): ids as strings, empty when unknown. */
function lastfmAnswers(): JsonGetter {
  const artistSimilar = {
    similarartists: {
      artist: [
        { name: 'Passengers', mbid: PASSENGERS, match: '1', url: 'https://www.last.fm/music/Passengers', streamable: '0' },
        { name: 'INXS', mbid: INXS, match: '0.9', url: 'https://www.last.fm/music/INXS', streamable: '0' },
      ],
      '@attr': { artist: 'U2' },
    },
  };
  const trackSimilar = {
    similartracks: {
      track: [
        { name: 'One (Remastered)', mbid: ONE.toUpperCase(), match: '0.9', artist: { name: 'U2', mbid: '' } },
        { name: 'Mysterious Ways', mbid: MYSTERIOUS, match: '0.8', artist: { name: 'U2', mbid: '' } },
        { name: 'With or Without You', mbid: '', match: '0.7', artist: { name: 'U2', mbid: '' } },
      ],
    },
  };
  const answers: Record<string, unknown> = {
    'track.getTopTags': { toptags: { tag: [{ name: 'rock', count: 100 }] } },
    'artist.getTopTags': { toptags: { tag: [{ name: 'rock', count: 100 }] } },
    'track.getSimilar': trackSimilar,
    'artist.getSimilar': artistSimilar,
  };
  return {
    get: async <T,>(_path: string, options?: RequestOptions) => {
      const method = String((options?.params as Record<string, unknown> | undefined)?.method);
      return { status: 200, body: answers[method] as T, headers: {}, url: 'https://ws.audioscrobbler.com/2.0/', outcome: 'ok' as const };
    },
  };
}

async function seed(store: Store): Promise<void> {
  await store.run(`
INSERT INTO artists (artist_id, name, name_key, mbid) VALUES
  ('a-u2', 'U2', 'u2', NULL),
  ('a-passengers', 'Passengers (U2 and Brian Eno)', 'passengers u2 and brian eno', '${PASSENGERS}'),
  ('a-inxs', 'INXS', 'inxs', NULL);
INSERT INTO tracks (track_id, kind, title, artist_name, artist_id, name_key, mbid) VALUES
  ('t-seed', 'track', 'Beautiful Day', 'U2', 'a-u2', 'track|u2|beautiful day', NULL),
  ('t-one', 'track', 'One', 'U2', 'a-u2', 'track|u2|one', '${ONE}'),
  ('t-ways', 'track', 'Mysterious Ways', 'U2', 'a-u2', 'track|u2|mysterious ways', '00000000-0000-4000-8000-000000000000'),
  ('t-with', 'track', 'With or Without You', 'U2', 'a-u2', 'track|u2|with or without you', NULL);
INSERT INTO track_keys VALUES ('mbid', '${ONE}', 't-one'), ('mbid', '00000000-0000-4000-8000-000000000000', 't-ways'),
  ('name', 'track|u2|beautiful day', 't-seed'), ('name', 'track|u2|one', 't-one'), ('name', 'track|u2|mysterious ways', 't-ways'),
  ('name', 'track|u2|with or without you', 't-with');`);
}

describe('Last.fm similar items', () => {
  it('are matched by MusicBrainz id first, name second', async () => {
    const store = await memoryStore();
    try {
      await seed(store);
      const outcome = await lastfmSource(lastfmAnswers(), 'key', new Set()).enrich({ track_id: 't-seed', title: 'Beautiful Day', artist_name: 'U2', artist_id: 'a-u2', isrc: null, duration_ms: null });
      const batch = new EnrichBatch();
      outcome.write!(batch);
      await store.transaction(() => batch.write(store));

      // "Passengers" is the stored artist with that MusicBrainz id, whatever its name; INXS is found by name.
      const artists = await store.all<{ to_id: string }>(`SELECT to_id FROM "similar" WHERE from_id = 'a-u2' AND kind = 'artist' ORDER BY weight DESC LIMIT 2`);
      expect(artists.map((r) => r.to_id)).toEqual(['a-passengers', 'a-inxs']);
      expect(await store.scalar(`SELECT count(*) FROM artists WHERE name_key = 'passengers'`)).toBe(0);
      expect(await store.scalar(`SELECT mbid FROM artists WHERE artist_id = 'a-inxs'`)).toBe(INXS);

      const tracks = await store.all<{ to_id: string }>(`SELECT to_id FROM "similar" WHERE from_id = 't-seed' AND kind = 'track' ORDER BY weight DESC`);
      const mysterious = `t${(await store.scalar<string>(`SELECT md5('mbid:${MYSTERIOUS}')`)).slice(0, 15)}`;
      // One: by its id although the title differs; Mysterious Ways: the named track holds another id, so a new
      // track keyed by this one; With or Without You: no id, by name.
      expect(tracks.map((r) => r.to_id)).toEqual(['t-one', mysterious, 't-with']);
      expect(await store.all(`SELECT title, mbid, artist_id FROM tracks WHERE track_id = '${mysterious}'`)).toEqual([{ title: 'Mysterious Ways', mbid: MYSTERIOUS, artist_id: 'a-u2' }]);
      expect(await store.scalar(`SELECT track_id FROM track_keys WHERE key_type = 'mbid' AND key = '${MYSTERIOUS}'`)).toBe(mysterious);
    } finally {
      store.close();
    }
  });
});
