import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MANIFEST, manifestIsStale } from './manifest.js';

describe('the oclif manifest is never used stale', () => {
  let packages: string;
  let cli: string;
  const touch = (path: string, secondsAgo: number) => {
    writeFileSync(path, '{}');
    const t = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(path, t, t);
  };
  beforeEach(() => {
    // A workspace: packages/core and packages/cli, each with its build record.
    packages = mkdtempSync(join(tmpdir(), 'mixtape-manifest-'));
    cli = join(packages, 'cli');
    for (const p of ['core', 'cli']) {
      mkdirSync(join(packages, p, 'dist'), { recursive: true });
      writeFileSync(join(packages, p, 'package.json'), '{}');
    }
  });
  afterEach(() => rmSync(packages, { recursive: true, force: true }));

  it('is stale when missing, or older than the build of this or any workspace package', () => {
    touch(join(packages, 'core/dist/.tsbuildinfo'), 60);
    touch(join(cli, 'dist/.tsbuildinfo'), 60);
    expect(manifestIsStale(cli)).toBe(true);
    touch(join(cli, MANIFEST), 30);
    expect(manifestIsStale(cli)).toBe(false);
    touch(join(packages, 'core/dist/.tsbuildinfo'), 10);
    expect(manifestIsStale(cli)).toBe(true);
    touch(join(cli, MANIFEST), 5);
    expect(manifestIsStale(cli)).toBe(false);
    touch(join(cli, 'dist/.tsbuildinfo'), 1);
    expect(manifestIsStale(cli)).toBe(true);
  });
});
