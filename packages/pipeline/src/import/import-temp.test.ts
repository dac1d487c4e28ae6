import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers.js';
import { createImportDir, sweepStaleImportDirs } from './import-temp.js';

describe('import temp folders', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(() => cleanup());

  it('sweeps folders of dead imports and keeps live ones and everything else', async () => {
    // A pid that just exited: the shape kill -9 leaves behind.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    const names = {
      dead: `mixtape-import-${dead}-aB3dE6`,
      deadAside: `mixtape-import-${dead}-cD4eF7.removing-${dead}`,
      mine: `mixtape-import-${process.pid}-xY7zQ1`,
      parent: `mixtape-import-${process.ppid}-Qw3rTy`,
      legacyOld: 'mixtape-import-Ab12Cd',
      legacyNew: 'mixtape-import-Zz99Yy',
      other: 'mixtape-test-keep',
    };
    for (const n of Object.values(names)) {
      await mkdir(join(dir, n));
      await writeFile(join(dir, n, '0.json'), '[]');
    }
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await utimes(join(dir, names.legacyOld), twoDaysAgo, twoDaysAgo);
    await writeFile(join(dir, `mixtape-import-${dead}-fILe00`), 'not a folder');
    const removed = sweepStaleImportDirs(dir).map((p) => basename(p)).sort();
    expect(removed).toEqual([names.dead, names.deadAside, names.legacyOld].sort());
    expect((await readdir(dir)).sort()).toEqual([names.legacyNew, names.mine, names.parent, names.other, `mixtape-import-${dead}-fILe00`].sort());
  });

  it('makes a private folder named after this process and removes it, with its signal handlers', async () => {
    const before = process.listenerCount('SIGTERM');
    const tmp = await createImportDir();
    expect(basename(tmp.dir)).toMatch(new RegExp(`^mixtape-import-${process.pid}-[A-Za-z0-9]{6}$`));
    expect((await stat(tmp.dir)).mode & 0o777).toBe(0o700);
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    await tmp.remove();
    expect(existsSync(tmp.dir)).toBe(false);
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
