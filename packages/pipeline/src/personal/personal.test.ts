import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withStore } from '../store/store.js';
import { demoDataDir } from '../test/helpers.js';
import { recordFeedback } from './feedback.js';
import { recommendPersonal } from './recommend.js';
import { trainPersonal } from './train.js';
import { writeRecommendations } from './write-out.js';

describe('personal model: train, recommend, feedback', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await demoDataDir());
  });
  afterAll(() => cleanup());

  it('refuses to recommend before training', async () => {
    await expect(recommendPersonal({ store: { dataDir: dir }, count: 5 })).rejects.toMatchObject({ code: 'no_model' });
  });

  it('trains, saves int8 with a same-code float32 comparison, and registers the model', async () => {
    const umask = process.umask(0o022);
    const s = await trainPersonal({ store: { dataDir: dir }, dataDir: dir }).finally(() => process.umask(umask));
    // Only its owner can read the model: folders 0700, files 0600.
    for (const p of [dirname(s.path), s.path, ...readdirSync(s.path).map((f) => join(s.path, f))]) {
      expect(`${p} ${(statSync(p).mode & 0o777).toString(8)}`).toBe(`${p} ${statSync(p).isDirectory() ? '700' : '600'}`);
    }
    expect(s.dtype).toBe('int8');
    expect(s.stats.plays).toBeGreaterThan(3000);
    expect(s.quantization!.bytesInt8).toBeLessThan(s.quantization!.bytesFloat32 / 3);
    expect(s.quantization!.topKOverlap).toBeGreaterThan(0.8);
    // Not enriched, the demo listener's tracks have only their artist as a feature: their held-out
    // plays choose the hybrid without its tag score. int8 is compared on the chosen model.
    expect(s.settings.scores.map((c) => c.name)).toEqual(['hybrid', 'factors and features', 'factors only']);
    expect(s.settings.chosen).toBe('factors and features');
    const [hybrid, chosen] = s.settings.scores.map((c) => c.ndcg);
    expect(chosen! / hybrid!).toBeGreaterThan(1.05);
    expect(s.quantization!.ndcgFloat32).toBe(chosen);
    await withStore({ dataDir: dir }, async (store) => {
      expect(await store.scalar("SELECT count(*) FROM models WHERE kind = 'personal'")).toBe(1);
    });
  });

  it('recommends a varied playlist with reasons, then learns from a ban and a like at once', async () => {
    const r = await recommendPersonal({ store: { dataDir: dir }, count: 25, explore: 0.3, seed: 1 });
    expect(r.tracks).toHaveLength(25);
    expect(new Set(r.tracks.map((t) => t.track_id)).size).toBe(25);
    expect(r.tracks.every((t) => t.reason.length > 0)).toBe(true);
    expect(r.tracks.some((t) => t.arm === 'new')).toBe(true);
    // No artist wall: among the first 12 picks no artist twice in a row and none more than twice.
    const head = r.tracks.slice(0, 12).map((t) => t.artist);
    for (let i = 1; i < head.length; i++) expect(head[i]).not.toBe(head[i - 1]);
    for (const a of new Set(head)) expect(head.filter((x) => x === a).length).toBeLessThanOrEqual(2);
    // Nothing heard in the last two days of the history comes back.
    await withStore({ dataDir: dir }, async (store) => {
      const recent = await store.all<{ track_id: string }>(`SELECT DISTINCT track_id FROM plays WHERE played_at >= (SELECT max(played_at) FROM plays) - INTERVAL 2 DAY`);
      expect(recent.length).toBeGreaterThan(0);
      const ids = new Set(r.tracks.map((t) => t.track_id));
      for (const t of recent) expect(ids.has(t.track_id)).toBe(false);
    });
    const banned = r.tracks[0]!;
    const fb = await recordFeedback({ store: { dataDir: dir }, track: banned.track_id, kind: 'ban' });
    expect(fb.kind).toBe('ban');
    const after = await recommendPersonal({ store: { dataDir: dir }, count: 25, explore: 0.3, seed: 1 });
    expect(after.tracks.map((t) => t.track_id)).not.toContain(banned.track_id);
    await withStore({ dataDir: dir }, async (store) => {
      expect(await store.scalar('SELECT count(*) FROM listener_state')).toBe(1);
      expect(await store.scalar("SELECT arm FROM feedback WHERE kind = 'ban'")).toBe(banned.arm);
    });
  });

  it('writes the recommendations as a playlist file', async () => {
    await recommendPersonal({ store: { dataDir: dir }, count: 10, seed: 2 });
    await writeRecommendations({ dataDir: dir }, join(dir, 'picks.m3u8'));
    const text = await readFile(join(dir, 'picks.m3u8'), 'utf8');
    expect(text.startsWith('#EXTM3U')).toBe(true);
    expect(text.match(/#EXTINF/g)).toHaveLength(10);
    await expect(writeRecommendations({ dataDir: dir }, join(dir, 'picks.doc'))).rejects.toMatchObject({ code: 'unknown_format' });
  });

  it('finds seeds by "Artist - Title" and refuses unknown ones', async () => {
    await expect(recommendPersonal({ store: { dataDir: dir }, count: 5, seedArtist: 'Nobody At All' })).rejects.toMatchObject({ code: 'unknown_artist' });
    await expect(recordFeedback({ store: { dataDir: dir }, track: 'Nobody - Nothing', kind: 'like' })).rejects.toMatchObject({ code: 'unknown_track' });
  });
});
