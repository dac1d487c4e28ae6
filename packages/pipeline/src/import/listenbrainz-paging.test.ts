import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listenbrainz } from '@mixtape/connectors';
import { FakeListenBrainz } from '@mixtape/fixtures';
import type { Store } from '../store/store.js';
import { memoryStore } from '../test/helpers.js';
import { syncListenBrainz } from './listenbrainz-sync.js';

const NOW = Math.floor(Date.now() / 1000);
/** The crowded second: an import that stamped many listens with one time. */
const T = NOW - 5 * 86_400;

describe('ListenBrainz listens: a full page all in one second', () => {
  let store: Store;
  let fake: FakeListenBrainz;
  let client: ReturnType<typeof listenbrainz.listenBrainzClient>;
  const sync = (pageSize?: number) => syncListenBrainz(store, { user: 'listener', client, ...(pageSize ? { pageSize } : {}) });
  const stored = async () => store.one<{ plays: number; tracks: number; crowded: number }>(
    `SELECT count(*)::INTEGER AS plays, count(DISTINCT track_id)::INTEGER AS tracks, (count(*) FILTER (WHERE epoch(played_at) = $1))::INTEGER AS crowded FROM plays WHERE source = 'listenbrainz'`, [T]);
  /** `n` listens in second `at`, each of another track (ListenBrainz keeps one listen per second and track). */
  const crowd = (at: number, n: number, name: string) => {
    for (let i = 0; i < n; i++) fake.addListen(at, { title: `${name} ${i}`, artist: 'Bulk Import' });
  };
  /** 20 listens a minute apart on each side of the crowded second. */
  const around = () => {
    for (let i = 1; i <= 20; i++) {
      fake.addListen(T + 60 * i, { title: `After ${i}`, artist: 'Band' });
      fake.addListen(T - 60 * i, { title: `Before ${i}`, artist: 'Band' });
    }
  };
  const listensRequests = () => fake.seen.filter((r) => r.path.endsWith('/listens')).map((r) => Object.fromEntries(r.query));

  beforeEach(async () => {
    store = await memoryStore();
    fake = new FakeListenBrainz({ user: 'listener', rate: { count: 10_000, windowMs: 1000 } });
    await fake.start();
    client = listenbrainz.listenBrainzClient({ apiUrl: fake.url, env: { MIXTAPE_LISTENBRAINZ_RATE: '1000/1s' } });
  });
  afterEach(async () => {
    store.close();
    await fake.stop();
  });

  it('pages of 100: the second of 250 is read on its own at the server maximum, every listen once, and paging goes on past it', async () => {
    around();
    crowd(T, 250, 'Same');
    const s = await sync(100);
    expect(s).toMatchObject({ added: 290, incomplete: [] });
    expect(await stored()).toEqual({ plays: 290, tracks: 290, crowded: 250 });
    const reqs = listensRequests();
    // The page after the 20 newer listens is all in the crowded second: that second is asked for whole.
    expect(reqs).toContainEqual({ min_ts: String(T - 1), max_ts: String(T + 1), count: '1000' });
    // Then the bound moves past the second, not into it, and the 20 older listens follow.
    expect(reqs.at(-1)).toEqual({ max_ts: String(T), count: '100' });
    // A later forward pass re-reads the second within its overlap and adds nothing.
    const again = await sync(100);
    expect(again).toMatchObject({ direction: 'forwards', added: 0, incomplete: [] });
    expect(await stored()).toEqual({ plays: 290, tracks: 290, crowded: 250 });
  });

  it('the same second met paging forwards: backdated into the overlap, all 150 arrive once', async () => {
    around();
    await sync(100);
    crowd(T - 3 * 3600, 150, 'Late');
    fake.addListen(NOW - 60, { title: 'Today', artist: 'Band' });
    const s = await sync(100);
    expect(s).toMatchObject({ direction: 'forwards', added: 151, incomplete: [] });
    expect(listensRequests()).toContainEqual({ min_ts: String(T - 3 * 3600 - 1), max_ts: String(T - 3 * 3600 + 1), count: '1000' });
    expect(await store.scalar(`SELECT count(*) FROM plays p JOIN tracks t USING (track_id) WHERE t.title LIKE 'Late %'`)).toBe(150);
  });

  it('pages of 1,000: a second of 1,200 is read whole from both ends', async () => {
    around();
    crowd(T, 1200, 'Same');
    const s = await sync();
    expect(s).toMatchObject({ added: 1240, incomplete: [] });
    expect(await stored()).toEqual({ plays: 1240, tracks: 1240, crowded: 1200 });
    const at = (q: Record<string, string>) => listensRequests().filter((r) => JSON.stringify(r) === JSON.stringify(q)).length;
    // The page that met the second, the second ascending, then descending (the same query as that page).
    expect(at({ max_ts: String(T + 1), count: '1000' })).toBe(2);
    expect(at({ min_ts: String(T - 1), max_ts: String(T + 1), count: '1000' })).toBe(1);
  });

  it('a second fuller than the API can show is stored as far as it goes and reported, and paging goes on', async () => {
    around();
    crowd(T, 2300, 'Same');
    const s = await sync();
    expect(s.incomplete).toEqual([{ at: new Date(T * 1000).toISOString(), read: 2000 }]);
    expect(await stored()).toEqual({ plays: 2040, tracks: 2040, crowded: 2000 });
    expect(await store.scalar(`SELECT count(*) FROM plays p JOIN tracks t USING (track_id) WHERE t.title LIKE 'Before %'`)).toBe(20);
  });
});
