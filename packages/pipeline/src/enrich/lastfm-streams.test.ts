import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastfm } from '@mixtape/connectors';
import { FakeLastfm } from '@mixtape/fixtures';
import { readCheckpoint, writeCheckpoint } from '../runner/checkpoint.js';
import { Store } from '../store/store.js';
import { syncLastfm } from './lastfm-sync.js';

const server = new FakeLastfm({ scrobbles: 450, loved: 3, rate: { count: 50, windowMs: 100 } });
let env: Record<string, string>;
beforeAll(async () => {
  await server.start();
  env = { MIXTAPE_LASTFM_API_URL: `${server.url}/2.0/`, MIXTAPE_LASTFM_RATE: '50/100ms', LASTFM_API_KEY: 'test-key' };
});
afterAll(() => server.stop());

const sync = (store: Store) => {
  const { client, apiKey } = lastfm.lastfmClient({ env });
  return syncLastfm({ store, user: 'rj', client, apiKey });
};

describe('Last.fm streams through the runner', () => {
  it('loved tracks are a declared stream: checkpointed and kept as a raw page like the scrobbles', async () => {
    const store = await Store.open({ dataDir: ':memory:' });
    const s = await sync(store);
    expect(s.loved).toBe(3);
    expect(await readCheckpoint(store, 'lastfm.loved:rj')).toMatchObject({ cursor: null });
    expect(await store.scalar("SELECT count(*) FROM raw_pages WHERE source = 'lastfm' AND stream = 'loved:rj'")).toBe(1);
    expect(await store.scalar("SELECT count(*) FROM library WHERE source = 'lastfm'")).toBe(3);
    store.close();
  });

  it('resumes a pass saved by an older version (a bare page number) at that page, in its window', async () => {
    const store = await Store.open({ dataDir: ':memory:' });
    const window = { from: 0, to: Math.floor(Date.now() / 1000) + 60 };
    await writeCheckpoint(store, 'lastfm.recent:rj', { v: 1, cursor: 2, pending: window, hwm: null, pass: '2026-01-01T00:00:00.000Z' });
    server.seen.length = 0;
    const s = await sync(store);
    expect(s).toMatchObject({ resumed: true, pages: 2, scrobbles: 250 });
    const pages = server.seen.filter((r) => r.query.get('method')?.toLowerCase() === 'user.getrecenttracks').map((r) => r.query.get('page'));
    expect(pages).toEqual(['2', '3']);
    expect(await readCheckpoint(store, 'lastfm.recent:rj')).toMatchObject({ cursor: null, hwm: window });
    store.close();
  });
});
