import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The built CLI loads @oclif/core from the one-file bundle the build writes (bundle-oclif.ts),
// compiled once and then read from V8's code cache. The test script builds before it runs vitest,
// so a missing bundle is a broken build, not a reason to skip.
const CLI = resolve(fileURLToPath(import.meta.url), '../..');
const work = mkdtempSync(join(tmpdir(), 'mixtape-oclif-bundle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const env = { ...process.env, MIXTAPE_CACHE_DIR: join(work, 'cache'), MIXTAPE_DATA_DIR: join(work, 'data'), MIXTAPE_CONFIG_DIR: join(work, 'config'), NO_COLOR: '1' };

/** Where the built oclif module says oclif came from, in a fresh process. */
const source = () => execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(join(CLI, 'dist/oclif.js'))}); console.log(m.oclifSource)`], { env, encoding: 'utf8' }).trim();

describe('oclif bundle with a code cache', () => {
  it('is written by the build, with its dynamic imports routed through the loader', () => {
    const bundle = readFileSync(join(CLI, 'dist/vendor/oclif-core.cjs'), 'utf8');
    expect(bundle).toContain('await __mixtapeImport(');
    expect(bundle).not.toMatch(/await import\(/);
  });

  it('compiles once, then reads the cache', () => {
    expect(source()).toBe('bundle');
    expect(readdirSync(join(work, 'cache/v8')).filter((f) => f.startsWith('oclif-core-'))).toHaveLength(1);
    expect(source()).toBe('bundle, code cache');
  });

  it('recompiles and rewrites a cache that V8 rejects (a torn or foreign file)', () => {
    const dir = join(work, 'cache/v8');
    const [file] = readdirSync(dir).filter((f) => f.startsWith('oclif-core-'));
    const good = readFileSync(join(dir, file!)).length;
    writeFileSync(join(dir, file!), 'not a code cache');
    expect(source()).toBe('bundle');
    // Rewritten by the same work as the good one: the same size within a few percent.
    expect(Math.abs(readFileSync(join(dir, file!)).length / good - 1)).toBeLessThan(0.05);
    expect(source()).toBe('bundle, code cache');
  });

  it('runs a command whose file oclif imports as ESM, with no warning, and refuses an unknown flag', () => {
    // The command's own answer (no database yet) shows its file was imported and run.
    const ran = spawnSync(process.execPath, [join(CLI, 'bin/run.js'), 'query', 'SELECT 42 AS n', '--json'], { env, encoding: 'utf8' });
    expect(ran.stderr).toBe('');
    expect(ran.status).toBe(1);
    expect(JSON.parse(ran.stdout)).toMatchObject({ error: { code: 'no_database' } });
    const bad = spawnSync(process.execPath, [join(CLI, 'bin/run.js'), 'status', '--bogus'], { env, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('Nonexistent flag: --bogus');
    expect(bad.stderr).not.toContain('ExperimentalWarning');
  });
});
