import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers.js';
import { ensurePrivateDir, makePrivate, removeDirSync } from './private-dir.js';

const mode = (p: string) => statSync(p).mode & 0o777;

describe('private data dir', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let umask: number;
  beforeEach(async () => {
    umask = process.umask(0o022);
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(async () => {
    process.umask(umask);
    await cleanup();
  });

  it('makes every missing level 0700 and tightens an existing dir', () => {
    ensurePrivateDir(join(dir, 'a', 'b'));
    expect([mode(join(dir, 'a')), mode(join(dir, 'a', 'b'))]).toEqual([0o700, 0o700]);
    mkdirSync(join(dir, 'old'), { mode: 0o755 });
    ensurePrivateDir(join(dir, 'old'));
    expect(mode(join(dir, 'old'))).toBe(0o700);
  });

  it('fails at once, naming the dir, where a folder cannot be made', () => {
    writeFileSync(join(dir, 'file'), '');
    for (const bad of ['/proc/nope/data', join(dir, 'file', 'data'), join(dir, 'file')]) {
      expect(() => ensurePrivateDir(bad), bad).toThrow(expect.objectContaining({ code: 'data_dir_unusable', message: expect.stringContaining(bad) }));
    }
  });

  it('makes an existing file 0600 and leaves a missing one alone', () => {
    const f = join(dir, 'mixtape.duckdb');
    writeFileSync(f, '');
    chmodSync(f, 0o644);
    makePrivate(f);
    makePrivate(join(dir, 'none.wal'));
    expect(mode(f)).toBe(0o600);
  });

  it('removes a folder and all in it; a missing one is no error, and a failure is returned, not thrown', () => {
    const gone = join(dir, 'demo');
    mkdirSync(join(gone, 'a', 'b'), { recursive: true });
    writeFileSync(join(gone, 'a', 'b', 'mixtape.duckdb'), 'x');
    expect(removeDirSync(gone)).toBeUndefined();
    expect(removeDirSync(gone)).toBeUndefined();
    writeFileSync(join(dir, 'file'), '');
    expect(removeDirSync(join(dir, 'file', 'sub'))).toEqual({ left: join(dir, 'file', 'sub'), code: 'ENOTDIR' });
    expect(readdirSync(dir)).toEqual(['file']);
  });

  it('removes a folder in full while another thread keeps making and deleting a file in it, as DuckDB does its log', async () => {
    for (let round = 0; round < 20; round++) {
      const busy = join(dir, `busy-${round}`);
      mkdirSync(join(busy, 'sub'), { recursive: true });
      for (let i = 0; i < 200; i++) writeFileSync(join(busy, 'sub', `f${i}`), 'x');
      // The writer stops once the folder is gone from its path (its file can no longer be made).
      const writer = new Worker(`
        const { writeFileSync, unlinkSync } = require('node:fs');
        const wal = ${JSON.stringify(join(busy, 'mixtape.duckdb.wal'))};
        for (;;) {
          try { writeFileSync(wal, 'y'); unlinkSync(wal); } catch (err) { if (err.code === 'ENOENT' && err.syscall === 'open') break; }
        }`, { eval: true });
      await new Promise((r) => setTimeout(r, 2));
      expect(removeDirSync(busy), `round ${round}`).toBeUndefined();
      await new Promise((r) => writer.on('exit', r));
      expect(existsSync(busy)).toBe(false);
    }
    expect(readdirSync(dir)).toEqual([]);
  });
});
