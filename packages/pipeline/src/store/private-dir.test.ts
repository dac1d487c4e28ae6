import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers.js';
import { ensurePrivateDir, makePrivate } from './private-dir.js';

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
});
