import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listenbrainz } from '@mixtape/connectors';
import { FakeListenBrainz } from '@mixtape/fixtures';
import type { Store } from '../store/store.js';
import { memoryStore } from '../test/helpers.js';
import { syncListenBrainz } from './listenbrainz-sync.js';

const NOW = Math.floor(Date.now() / 1000);
const ALISON = '8ee5a6e5-9a8f-4d7e-8d38-3b1c0f0f6a01';
const NEVER_HEARD = '3c0f4e55-1f2b-4d7e-9a44-6f0e5b7c2a10';
const UNKNOWN = '0f0f0f0f-0000-4000-8000-000000000004';

describe('ListenBrainz loves and hates through the API, in the same sync as the listens', () => {
  let store: Store;
  let fake: FakeListenBrainz;
  let client: ReturnType<typeof listenbrainz.listenBrainzClient>;
  let vapourMsid: string;
  const sync = (feedbackPageSize?: number) => syncListenBrainz(store, { user: 'listener', client, ...(feedbackPageSize ? { feedbackPageSize } : {}) });
  const recorded = () => store.all(`SELECT f.kind, t.title, epoch(f.feedback_at)::BIGINT AS at FROM feedback f JOIN tracks t USING (track_id) ORDER BY f.feedback_at, t.title`);
  const feedbackRequests = () => fake.seen.filter((r) => r.path.endsWith('/get-feedback')).map((r) => Object.fromEntries(r.query));

  beforeEach(async () => {
    store = await memoryStore();
    fake = new FakeListenBrainz({ user: 'listener' });
    fake.addListen(NOW - 7200, { title: 'Alison', artist: 'Slowdive' }, { mbid_mapping: { recording_mbid: ALISON, artist_mbids: [], recording_name: 'Alison' } });
    vapourMsid = fake.addListen(NOW - 3600, { title: 'Vapour Trail', artist: 'Ride' }).recording_msid;
    // A love by MBID, a hate by the MessyBrainz id of a listen, a love of a recording never listened
    // to here (named by metadata=true), one ListenBrainz has no names for, and one withdrawn.
    fake.setFeedback(1, { mbid: ALISON }, NOW - 5000);
    fake.setFeedback(-1, { msid: vapourMsid }, NOW - 4000);
    fake.setFeedback(1, { mbid: NEVER_HEARD, track: { title: 'Sweetness and Light', artist: 'Lush' } }, NOW - 3000);
    fake.setFeedback(1, { mbid: UNKNOWN }, NOW - 2000);
    fake.setFeedback(1, { msid: '11111111-2222-4333-8444-555555555555' }, NOW - 1500);
    fake.setFeedback(0, { msid: '11111111-2222-4333-8444-555555555555' });
    await fake.start();
    client = listenbrainz.listenBrainzClient({ apiUrl: fake.url, env: { MIXTAPE_LISTENBRAINZ_RATE: '1000/1s' } });
  });
  afterEach(async () => {
    store.close();
    await fake.stop();
  });

  it('loves become likes and hates bans, found by MBID, by a listen\'s MessyBrainz id, or by the names ListenBrainz gives', async () => {
    const s = await sync();
    expect(s).toMatchObject({ added: 2, feedback: 3, feedbackDetail: { read: 4, pages: 1, likes: 2, bans: 1, duplicates: 0, unresolved: 1 } });
    expect(await recorded()).toEqual([
      { kind: 'like', title: 'Alison', at: NOW - 5000 },
      { kind: 'ban', title: 'Vapour Trail', at: NOW - 4000 },
      { kind: 'like', title: 'Sweetness and Light', at: NOW - 3000 },
    ]);
    expect(feedbackRequests()).toEqual([{ offset: '0', count: '1000', metadata: 'true' }]);
  });

  it('a rerun reads only down to the newest feedback already read; a changed score arrives as new feedback', async () => {
    await sync();
    const again = await sync();
    // The newest item (NOW - 2000) is re-read and recognised; nothing is recorded twice.
    expect(again).toMatchObject({ feedback: 0, feedbackDetail: { read: 1, likes: 0, bans: 0, unresolved: 1 } });
    // The listener turns the hate of Vapour Trail into a love: the server renews its time.
    fake.setFeedback(1, { msid: vapourMsid }, NOW - 100);
    const later = await sync();
    expect(later).toMatchObject({ feedback: 1, feedbackDetail: { likes: 1, bans: 0 } });
    expect((await recorded()).slice(-1)).toEqual([{ kind: 'like', title: 'Vapour Trail', at: NOW - 100 }]);
    expect(await store.scalar('SELECT count(*) FROM feedback')).toBe(4);
  });

  it('pages by offset, newest first, and stops at the first page that reaches what the last pass read', async () => {
    const first = await sync(2);
    // Four items listed (the withdrawn one is not), two a page: the third page is empty.
    expect(first).toMatchObject({ feedback: 3, feedbackDetail: { pages: 3, read: 4 } });
    expect(feedbackRequests().map((q) => q.offset)).toEqual(['0', '2', '4']);
    for (let i = 1; i <= 3; i++) fake.setFeedback(1, { mbid: ALISON.replace(/01$/, `1${i}`), track: { title: `New Love ${i}`, artist: 'Lush' } }, NOW - 50 + i);
    const s = await sync(2);
    // Seven items now: the three new loves and the newest old one fill offsets 0 and 2; offset 4
    // reaches older feedback and ends the pass before offset 6, which a full read would need.
    expect(feedbackRequests().map((q) => q.offset)).toEqual(['0', '2', '4', '0', '2', '4']);
    expect(s).toMatchObject({ feedback: 3, feedbackDetail: { likes: 3, read: 4, duplicates: 0, unresolved: 1 } });
    expect((await recorded()).slice(-3)).toEqual([1, 2, 3].map((i) => ({ kind: 'like', title: `New Love ${i}`, at: NOW - 50 + i })));
  });

  it('a user ListenBrainz does not know is a clear error', async () => {
    await expect(syncListenBrainz(store, { user: 'nobody', client })).rejects.toMatchObject({ code: 'unknown_user' });
  });
});
