import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listenbrainz } from '@mixtape/connectors';
import { FakeListenBrainz } from '@mixtape/fixtures';
import type { Store } from '../store/store.js';
import { memoryStore } from '../test/helpers.js';
import { syncListenBrainz } from './listenbrainz-sync.js';

const HOUR = 3600;
const NOW = Math.floor(Date.now() / 1000);
/** Listen i (0 = newest): track i % 40, three hours apart, the newest an hour ago. */
const at = (i: number) => NOW - HOUR - i * 3 * HOUR;
const track = (i: number) => ({ title: `Song ${i % 40}`, artist: `Band ${i % 7}`, album: 'LP' });

describe('mixtape import listenbrainz --user: the API, newest first, incremental', () => {
  let store: Store;
  let fake: FakeListenBrainz;
  let client: ReturnType<typeof listenbrainz.listenBrainzClient>;
  const sync = (o: { overlapDays?: number } = {}) => syncListenBrainz(store, { user: 'listener', client, pageSize: 100, ...o });
  const plays = async () => Number(await store.scalar(`SELECT count(*) FROM plays WHERE source = 'listenbrainz'`));
  const listensRequests = () => fake.seen.filter((r) => r.path.endsWith('/listens'));

  beforeEach(async () => {
    store = await memoryStore();
    fake = new FakeListenBrainz({ user: 'listener' });
    for (let i = 0; i < 250; i++) fake.addListen(at(i), track(i));
    await fake.start();
    client = listenbrainz.listenBrainzClient({ apiUrl: fake.url, env: {} });
  });
  afterEach(async () => {
    store.close();
    await fake.stop();
  });

  it('the first sync pages backwards with max_ts to the oldest listen; a rerun with nothing new adds 0 rows', async () => {
    const first = await sync();
    // 100, then 100 and 52 (each page re-reads the second of the last listen before it); one more request reads the (empty) feedback.
    expect(first).toMatchObject({ direction: 'backwards', listens: 252, added: 250, duplicates: 2, pages: 3, requests: 4, feedback: 0, feedbackDetail: { read: 0, pages: 1 }, incomplete: [] });
    const bounds = listensRequests().map((r) => Number(r.query.get('max_ts')));
    // The first bound is the pass start (now), then one second inside each page's oldest listen.
    expect(bounds[0]).toBeGreaterThanOrEqual(NOW + 1);
    expect(bounds.slice(1)).toEqual([at(99) + 1, at(198) + 1]);
    expect(await plays()).toBe(250);
    expect(await store.scalar(`SELECT epoch(max(played_at))::BIGINT FROM plays`)).toBe(at(0));

    const again = await sync();
    // Forwards from the newest listen minus 14 days: 112 listens (3 h apart) re-read, none new.
    expect(again).toMatchObject({ direction: 'forwards', from: new Date((at(0) - 14 * 86_400) * 1000).toISOString(), added: 0, listens: 113, duplicates: 113 });
    expect(listensRequests().slice(3).map((r) => r.query.get('min_ts'))).toEqual([String(at(0) - 14 * 86_400), String(at(12) - 1)]);
    expect(await plays()).toBe(250);
  });

  it('a listen submitted late with an old time is caught by the overlap; one older than the overlap is not', async () => {
    await sync();
    fake.addListen(at(0) - 3 * 86_400 - 600, { title: 'Late Song', artist: 'Offline Band' });
    fake.addListen(at(0) - 20 * 86_400 - 600, { title: 'Very Late Song', artist: 'Offline Band' });
    fake.addListen(NOW - 60, { title: 'New Song', artist: 'Band 1' });
    const s = await sync();
    expect(s).toMatchObject({ added: 2, direction: 'forwards' });
    expect(await store.all(`SELECT t.title FROM plays p JOIN tracks t USING (track_id) WHERE t.title NOT LIKE 'Song %' ORDER BY p.played_at`))
      .toEqual([{ title: 'Late Song' }, { title: 'New Song' }]);
    // The wider overlap of a later run reads it too.
    expect(await sync({ overlapDays: 30 })).toMatchObject({ added: 1 });
    expect(await plays()).toBe(253);
  });

  it('429 with Retry-After and X-RateLimit headers, and a 503, are waited out and retried', async () => {
    fake.inject({ kind: 'status', status: 429, count: 1, skip: 1, path: /listens$/, body: { code: 429, error: 'Too many requests' }, headers: { 'retry-after': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-in': '1' } });
    // Faults are taken in order: this one counts from the request after the 429's retry.
    fake.inject({ kind: 'status', status: 503, count: 1, skip: 1, path: /listens$/, body: { code: 503, error: 'Service Unavailable' } });
    const s = await sync();
    expect(s).toMatchObject({ added: 250, pages: 3, requests: 6 });
    const seen = listensRequests();
    expect(seen.map((r) => r.status)).toEqual([200, 429, 200, 503, 200]);
    // The retried request waited the second the server asked for.
    expect(seen[2]!.at - seen[1]!.at).toBeGreaterThanOrEqual(950);
    expect(seen[2]!.query.get('max_ts')).toBe(seen[1]!.query.get('max_ts'));
  });

  it('follows X-RateLimit-Remaining: a used-up window pauses before the server must refuse', async () => {
    await fake.stop();
    fake = new FakeListenBrainz({ user: 'listener', rate: { count: 2, windowMs: 1000 } });
    for (let i = 0; i < 250; i++) fake.addListen(at(i), track(i));
    await fake.start();
    client = listenbrainz.listenBrainzClient({ apiUrl: fake.url, env: {} });
    const s = await syncListenBrainz(store, { user: 'listener', client, pageSize: 50 });
    expect(s).toMatchObject({ added: 250, pages: 6 });
    expect(listensRequests().filter((r) => r.status === 429)).toEqual([]);
  });

  it('a sync stopped by an error resumes at its checkpoint and loses nothing', async () => {
    fake.inject({ kind: 'status', status: 400, count: 1, skip: 2, path: /listens$/, body: { code: 400, error: 'Bad request' } });
    await expect(sync()).rejects.toMatchObject({ code: 'request_failed' });
    expect(await plays()).toBe(199);
    const s = await sync();
    expect(s).toMatchObject({ resumed: true, direction: 'backwards', added: 51, pages: 1 });
    expect(await plays()).toBe(250);
    expect(await store.all(`SELECT status FROM runs WHERE job = 'import listenbrainz listener' ORDER BY run_id`)).toEqual([{ status: 'failed' }, { status: 'ok' }]);
  });

  it('an unknown user is a clear error', async () => {
    await expect(syncListenBrainz(store, { user: 'nobody', client })).rejects.toMatchObject({ code: 'unknown_user', message: 'ListenBrainz has no user "nobody"' });
  });
});
