import { describe, expect, it } from 'vitest';
import { earlyStoreOptions } from './early-store.js';

describe('earlyStoreOptions (the store bin/run.js opens while oclif loads)', () => {
  it('names the store of the commands that open it first', () => {
    expect(earlyStoreOptions(['status'])).toEqual({});
    expect(earlyStoreOptions(['status', '--json'])).toEqual({});
    expect(earlyStoreOptions(['playlist', 'list'])).toEqual({});
    expect(earlyStoreOptions(['playlist:show', 'mixtape-recommendations'])).toEqual({});
    expect(earlyStoreOptions(['recommend', '--count', '30'])).toEqual({});
  });

  it('reads --data-dir in both spellings, the last one winning as in oclif', () => {
    expect(earlyStoreOptions(['status', '--data-dir', '/tmp/x'])).toEqual({ dataDir: '/tmp/x' });
    expect(earlyStoreOptions(['playlist', 'list', '--data-dir=/tmp/y'])).toEqual({ dataDir: '/tmp/y' });
    expect(earlyStoreOptions(['status', '--data-dir', '/a', '--data-dir=/b'])).toEqual({ dataDir: '/b' });
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
