import { describe, expect, it } from 'vitest';
import type { Stream } from '@mixtape/connectors';
import { Store } from '../store/store.js';
import { readCheckpoint, upgradeCheckpoint, writeCheckpoint } from './checkpoint.js';
import { runStream } from './run-stream.js';

describe('checkpoints', () => {
  it('upgrades old and broken shapes instead of crashing', () => {
    expect(upgradeCheckpoint({ offset: 100 })).toEqual({ v: 1, cursor: { offset: 100 }, pending: null, hwm: null });
    expect(upgradeCheckpoint('not json')).toEqual({ v: 1, cursor: null, pending: null, hwm: null });
    expect(upgradeCheckpoint(null)).toEqual({ v: 1, cursor: null, pending: null, hwm: null });
    expect(upgradeCheckpoint('{"v":1,"cursor":null,"pending":null,"hwm":"x","pass":"p"}')).toEqual({ v: 1, cursor: null, pending: null, hwm: 'x', pass: 'p' });
  });

  it('keeps a failed page out with its checkpoint, and moves the mark only when the stream ends', async () => {
    const store = await Store.open({ dataDir: ':memory:' });
    await store.run('CREATE TABLE t (v INTEGER)');
    let failAt = 2;
    const stream = (): Stream<number, number> => ({
      name: 'nums',
      async *read(from) {
        for (let p = from ?? 0; p < 4; p++) yield { records: [p], raw: { p }, key: `p=${p}`, next: p < 3 ? p + 1 : undefined };
      },
    });
    const job = {
      key: 'test.nums', source: 'test', stream,
      write: async (page: { records: number[] }) => {
        if (page.records[0] === failAt) throw new Error('disk full');
        await store.run('INSERT INTO t VALUES ($1)', [page.records[0]!]);
        return 1;
      },
      mark: (page: { records: number[] }, pending: number | null) => Math.max(pending ?? 0, page.records[0]!),
    };
    await expect(runStream(store, job)).rejects.toThrow('disk full');
    expect(await store.scalar('SELECT count(*) FROM t')).toBe(2);
    expect(await readCheckpoint(store, 'test.nums')).toMatchObject({ cursor: 2, pending: 1, hwm: null });
    failAt = -1;
    const r = await runStream(store, job);
    expect(r).toMatchObject({ resumed: true, pages: 2 });
    expect((await store.all<{ v: number }>('SELECT v FROM t ORDER BY v')).map((x) => x.v)).toEqual([0, 1, 2, 3]);
    expect(await readCheckpoint(store, 'test.nums')).toMatchObject({ cursor: null, hwm: 3 });
    await writeCheckpoint(store, 'test.other', { v: 1, cursor: null, pending: null, hwm: null });
    store.close();
  });
});
