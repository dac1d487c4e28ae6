import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from './store.js';

// bin/run.js starts opening the store before oclif has parsed the command (Store.openEarly).
describe('a store opened early', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mixtape-early-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is handed to the next open of the same file, once', async () => {
    const early = Store.openEarly({ dataDir: join(dir, 'a') })!;
    const store = await Store.open({ dataDir: join(dir, 'a') });
    expect(store).toBe(await early);
    expect(await store.scalar('SELECT count(*) FROM plays')).toBe(0);
    store.close();
    // Taken once: the next open is a store of its own.
    const again = await Store.open({ dataDir: join(dir, 'a') });
    expect(again).not.toBe(store);
    again.close();
  });

  it("runs with the worker threads it was asked for (a light command's one), or DuckDB's default", async () => {
    const light = await Store.open({ dataDir: join(dir, 'a'), threads: 1 });
    expect(Number(await light.scalar("SELECT current_setting('threads')"))).toBe(1);
    light.close();
    // Without the option the store keeps DuckDB's own default, as an in-memory instance reports it.
    const reference = await Store.open({ dataDir: ':memory:' });
    const dflt = Number(await reference.scalar("SELECT current_setting('threads')"));
    reference.close();
    const full = await Store.open({ dataDir: join(dir, 'a') });
    expect(Number(await full.scalar("SELECT current_setting('threads')"))).toBe(dflt);
    full.close();
  });

  it('is closed when the command opens another file, or the same one read-only', async () => {
    for (const [other, readOnly] of [[join(dir, 'b'), false], [join(dir, 'a'), true]] as const) {
      // The read-only open needs the file migrated already: the first round made it.
      const early = Store.openEarly({ dataDir: join(dir, 'a') })!;
      const store = await Store.open({ dataDir: other, readOnly });
      expect(store).not.toBe(await early);
      expect(store.path).toBe(join(other, 'mixtape.duckdb'));
      await expect((await early).all('SELECT 1')).rejects.toThrow();
      store.close();
    }
  });

  it('keeps its error for the open that takes it, the same error an open of its own gets', async () => {
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    const options = { dataDir: join(dir, 'not-a-dir') };
    const own = await Store.open(options).catch((e: unknown) => e);
    expect(Store.openEarly(options)).toBeInstanceOf(Promise);
    const taken = await Store.open(options).catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(Error);
    expect((taken as Error).message).toBe((own as Error).message);
  });

  it('is never started for an in-memory store, nor twice', async () => {
    expect(Store.openEarly({ dataDir: ':memory:' })).toBeUndefined();
    const first = Store.openEarly({ dataDir: join(dir, 'a') })!;
    expect(Store.openEarly({ dataDir: join(dir, 'b') })).toBeUndefined();
    (await Store.open({ dataDir: join(dir, 'a') })).close();
    await first;
  });
});
