import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The shipped CLI must not reach fixtures, fake services, seeding or test helpers: the demo reads
// built assets instead. This walks every import (static and dynamic) from the CLI's entry points
// through the workspace sources, the way the built packages resolve them.
const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const PACKAGES = ['core', 'connectors', 'model', 'federation', 'pipeline', 'cli'];
const WORKSPACE: Record<string, string> = {
  ...Object.fromEntries(PACKAGES.map((p) => [`@mixtape/${p}`, join(ROOT, 'packages', p, 'src/index.ts')])),
  '@mixtape/fixtures': join(ROOT, 'fixtures/src/index.ts'),
};
const TEST_ONLY = [/^fixtures\//, /\.test\.ts$/, /test-support\.ts$/, /\.test-helper\.ts$/, /\/src\/test\//];

function resolveImport(from: string, spec: string): string | undefined {
  if (WORKSPACE[spec]) return WORKSPACE[spec];
  if (!spec.startsWith('.')) return undefined;
  const target = resolve(dirname(from), spec);
  for (const f of [target.replace(/\.js$/, '.ts'), `${target}.ts`, join(target, 'index.ts'), target]) if (existsSync(f) && f.endsWith('.ts')) return f;
  return undefined;
}

/** Every workspace source file reachable from `entries`, each with the file that imported it first. */
function reachable(entries: string[]): Map<string, string | undefined> {
  const seen = new Map<string, string | undefined>(entries.map((e) => [e, undefined]));
  const todo = [...entries];
  for (let f = todo.pop(); f !== undefined; f = todo.pop()) {
    const info = ts.preProcessFile(readFileSync(f, 'utf8'), true, true);
    for (const { fileName } of info.importedFiles) {
      const to = resolveImport(f, fileName);
      if (to && !seen.has(to)) {
        seen.set(to, f);
        todo.push(to);
      }
    }
  }
  return seen;
}

const rel = (f: string) => relative(ROOT, f);
const testOnly = (graph: Map<string, string | undefined>) =>
  [...graph].filter(([f]) => TEST_ONLY.some((re) => re.test(rel(f)))).map(([f, by]) => `${rel(f)} (imported by ${by ? rel(by) : 'entry'})`);

function cliEntries(): string[] {
  const out = [join(ROOT, 'packages/cli/src/index.ts'), join(ROOT, 'packages/cli/src/version.ts')];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push(p);
    }
  };
  walk(join(ROOT, 'packages/cli/src/commands'));
  return out;
}

describe('the runtime import graph', () => {
  it('reaches no fixture, fake service, seeding or test helper from any CLI command', () => {
    const graph = reachable(cliEntries());
    // The walk really covers the pipeline, demo included.
    expect(graph.has(join(ROOT, 'packages/pipeline/src/demo/demo.ts'))).toBe(true);
    expect(testOnly(graph)).toEqual([]);
  });

  it('finds them when they are reached (the check can fail)', () => {
    expect(testOnly(reachable([join(ROOT, 'packages/pipeline/src/test/helpers.ts')]))).toContain('fixtures/src/index.ts (imported by packages/pipeline/src/test/helpers.ts)');
  });

  it('lists fixtures as no runtime dependency of any package', () => {
    for (const p of PACKAGES) {
      const pkg = JSON.parse(readFileSync(join(ROOT, 'packages', p, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      expect(Object.keys(pkg.dependencies ?? {}), p).not.toContain('@mixtape/fixtures');
    }
  });
});
