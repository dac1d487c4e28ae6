import { describe, expect, it } from 'vitest';
import { Store } from './store.js';

describe('Store.concurrently (independent reads side by side)', () => {
  it('answers each read in its place, from the same database', async () => {
    const store = await Store.open({ dataDir: ':memory:' });
    try {
      await store.run(`INSERT INTO runs (run_id, job, status, started_at) VALUES (7, 'demo', 'ok', current_timestamp)`);
      const [a, b, c] = await store.concurrently(
        (s) => s.scalar<number>('SELECT count(*) FROM runs'),
        async (s) => (await s.all<{ job: string }>('SELECT job FROM runs')).map((r) => r.job),
        (s) => s.scalar<number>('SELECT 40 + 2'),
      );
      expect([a, b, c]).toEqual([1, ['demo'], 42]);
    } finally {
      store.close();
    }
  });

  it('rejects with a failed read, and the store goes on working', async () => {
    const store = await Store.open({ dataDir: ':memory:' });
    try {
      await expect(store.concurrently((s) => s.scalar('SELECT 1'), (s) => s.all('SELECT * FROM no_such_table'))).rejects.toThrow(/no_such_table/);
      expect(await store.scalar('SELECT 2')).toBe(2);
    } finally {
      store.close();
    }
  });
});
