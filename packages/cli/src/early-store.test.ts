import { describe, expect, it } from 'vitest';
import { earlyStoreOptions, LIGHT_STORE_THREADS } from './early-store.js';

const light = { threads: LIGHT_STORE_THREADS };

describe('earlyStoreOptions (the store bin/run.js opens while oclif loads)', () => {
  it('names the store of the commands that open it first, with one DuckDB worker thread', () => {
    expect(LIGHT_STORE_THREADS).toBe(1);
    expect(earlyStoreOptions(['status'])).toEqual(light);
    expect(earlyStoreOptions(['status', '--json'])).toEqual(light);
    expect(earlyStoreOptions(['playlist', 'list'])).toEqual(light);
    expect(earlyStoreOptions(['playlist:show', 'mixtape-recommendations'])).toEqual(light);
    expect(earlyStoreOptions(['recommend', '--count', '30'])).toEqual(light);
  });

  it('reads --data-dir in both spellings, the last one winning as in oclif', () => {
    expect(earlyStoreOptions(['status', '--data-dir', '/tmp/x'])).toEqual({ dataDir: '/tmp/x', ...light });
    expect(earlyStoreOptions(['playlist', 'list', '--data-dir=/tmp/y'])).toEqual({ dataDir: '/tmp/y', ...light });
    expect(earlyStoreOptions(['status', '--data-dir', '/a', '--data-dir=/b'])).toEqual({ dataDir: '/b', ...light });
  });

  it('opens nothing for other commands, help, or a --data-dir oclif will refuse', () => {
    expect(earlyStoreOptions([])).toBeUndefined();
    expect(earlyStoreOptions(['import', 'spotify-export', 'x.zip'])).toBeUndefined();
    expect(earlyStoreOptions(['playlist', 'push', 'x'])).toBeUndefined();
    expect(earlyStoreOptions(['playlist'])).toBeUndefined();
    expect(earlyStoreOptions(['status', '--help'])).toBeUndefined();
    expect(earlyStoreOptions(['status', '-h'])).toBeUndefined();
    expect(earlyStoreOptions(['status', '--data-dir'])).toBeUndefined();
    expect(earlyStoreOptions(['status', '--data-dir', '--json'])).toBeUndefined();
    expect(earlyStoreOptions(['status', '--data-dir='])).toBeUndefined();
  });
});
