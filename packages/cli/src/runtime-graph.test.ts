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
  '@mixtape/core/base': join(ROOT, 'packages/core/src/base.ts'),
  '@mixtape/pipeline/store': join(ROOT, 'packages/pipeline/src/store-entry.ts'),
  '@mixtape/pipeline/model-io': join(ROOT, 'packages/pipeline/src/model-io/index.ts'),
  '@mixtape/pipeline/bundles': join(ROOT, 'packages/pipeline/src/bundles/load.ts'),
  '@mixtape/pipeline/recommend': join(ROOT, 'packages/pipeline/src/recommend-entry.ts'),
  '@mixtape/federation/listener': join(ROOT, 'packages/federation/src/listener-entry.ts'),
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

/**
 * The specifiers one file loads at run time: static imports and re-exports that are not type-only,
 * dynamic `import('…')`, and `require('…')` through createRequire (how DuckDB and TensorFlow.js are
 * loaded). A type-only import loads nothing.
 */
function runtimeImports(f: string): string[] {
  const src = ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const literal = (n: ts.Node | undefined) => (n && ts.isStringLiteral(n) ? n.text : undefined);
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n)) {
      const c = n.importClause;
      const onlyTypes = c !== undefined && (c.isTypeOnly || (!c.name && c.namedBindings !== undefined && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!onlyTypes) out.push(literal(n.moduleSpecifier)!);
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier) {
      const onlyTypes = n.isTypeOnly || (n.exportClause !== undefined && ts.isNamedExports(n.exportClause) && n.exportClause.elements.length > 0 && n.exportClause.elements.every((e) => e.isTypeOnly));
      if (!onlyTypes) out.push(literal(n.moduleSpecifier)!);
    } else if (ts.isCallExpression(n) && n.arguments.length === 1) {
      const spec = literal(n.arguments[0]);
      const callee = n.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = (ts.isIdentifier(callee) && /^require/i.test(callee.text)) || (ts.isCallExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'createRequire');
      if (spec !== undefined && (isImport || isRequire)) out.push(spec);
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  return out;
}

/**
 * Every workspace source file reachable from `entries`, each with the file that imported it first;
 * outside packages (`pkg:@duckdb/node-api`) are recorded as reached but not walked.
 */
function reachable(entries: string[]): Map<string, string | undefined> {
  const seen = new Map<string, string | undefined>(entries.map((e) => [e, undefined]));
  const todo = [...entries];
  for (let f = todo.pop(); f !== undefined; f = todo.pop()) {
    for (const spec of runtimeImports(f)) {
      const to = resolveImport(f, spec) ?? (spec.startsWith('.') || spec.startsWith('node:') ? undefined : `pkg:${spec}`);
      if (to && !seen.has(to)) {
        seen.set(to, f);
        if (!to.startsWith('pkg:')) todo.push(to);
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

// Heavy modules that a light command must not load: they cost start-up time and memory
// (bench/startup.ts). DuckDB is allowed where the command reads the store.
const HEAVY = [/^pkg:@tensorflow\//, /^pkg:apache-arrow/, /^pkg:pg$/, /^pkg:usearch/, /^pkg:vega/, /^pkg:fast-xml-parser/, /^pkg:csv-parse/, /^pkg:yauzl/, /^pkg:shamir-secret-sharing/];
const cli = (p: string) => join(ROOT, 'packages/cli/src', p);
const heavyIn = (graph: Map<string, string | undefined>, patterns: RegExp[]) =>
  [...graph].filter(([f]) => patterns.some((re) => re.test(f))).map(([f, by]) => `${f} (loaded by ${by ? rel(by) : 'entry'})`);

describe('the module graph of light commands', () => {
  it('bin/run.js loads the version and manifest helpers, the store (to open it early) and oclif, nothing else', () => {
    expect(runtimeImports(join(ROOT, 'packages/cli/bin/run.js'))).toEqual(['../dist/version.js', '../dist/manifest.js', '../dist/early-store.js', '@mixtape/pipeline/store', '../dist/oclif.js']);
    expect(heavyIn(reachable([cli('early-store.ts')]), [/^pkg:/])).toEqual([]);
    // oclif comes through its one-file bundle's loader, which reaches only the cache dir's helpers.
    const oclif = [...reachable([cli('oclif.ts')]).keys()].map((f) => (f.startsWith('pkg:') ? f : rel(f)));
    expect(oclif.filter((f) => f.startsWith('pkg:'))).toEqual(['pkg:@oclif/core']);
    expect(oclif.filter((f) => f.startsWith('packages/pipeline/')).sort()).toEqual([
      'packages/pipeline/src/bundles/dynamic-import.ts',
      'packages/pipeline/src/bundles/load.ts',
      'packages/pipeline/src/store/paths.ts',
      'packages/pipeline/src/store/private-dir.ts',
    ]);
    // `--version` and finding a command through the manifest load neither DuckDB nor TensorFlow.js.
    const graph = reachable([cli('version.ts'), cli('manifest.ts')]);
    expect([...graph.keys()].filter((f) => f.startsWith('pkg:'))).toEqual(['pkg:@oclif/core']);
  });

  it('every command shares a base that loads no store and no model', () => {
    const graph = reachable([cli('base-command.ts')]);
    expect(heavyIn(graph, [/^pkg:@duckdb\//, ...HEAVY])).toEqual([]);
    expect([...graph.keys()].filter((f) => f.startsWith('pkg:')).sort()).toEqual(['pkg:@oclif/core', 'pkg:cli-progress']);
  });

  it('status, playlist list/show and query load DuckDB and none of TensorFlow.js, Arrow, the connectors or the federation', () => {
    for (const command of ['status.ts', 'playlist/list.ts', 'playlist/show.ts', 'query.ts']) {
      const graph = reachable([cli(`commands/${command}`)]);
      expect(graph.has('pkg:@duckdb/node-api'), command).toBe(true);
      expect(heavyIn(graph, HEAVY), command).toEqual([]);
      const packages = new Set([...graph.keys()].filter((f) => !f.startsWith('pkg:')).map((f) => rel(f).split('/')[1]));
      expect([...packages].sort(), command).toEqual(['cli', 'core', 'pipeline']);
      // Of core, errors, redaction and progress: not the HTTP client, the name normalizers or the RNG.
      const core = [...graph.keys()].filter((f) => rel(f).startsWith('packages/core/')).map((f) => rel(f).split('/').slice(3).join('/'));
      expect(core.sort(), command).toEqual(['base.ts', 'error-codes.ts', 'errors.ts', 'progress.ts', 'redact.ts']);
    }
  });

  it('model fit, recommend and eval load the model and DuckDB, not the connectors, the federation or the rest of the pipeline', () => {
    for (const command of ['model/fit.ts', 'model/recommend.ts', 'model/eval.ts']) {
      const graph = reachable([cli(`commands/${command}`)]);
      expect(graph.has('pkg:@duckdb/node-api'), command).toBe(true);
      const packages = new Set([...graph.keys()].filter((f) => !f.startsWith('pkg:')).map((f) => rel(f).split('/')[1]));
      expect([...packages].sort(), command).toEqual(['cli', 'core', 'model', 'pipeline']);
      const pipeline = [...graph.keys()].filter((f) => rel(f).startsWith('packages/pipeline/')).map((f) => rel(f).split('/').slice(3).join('/'));
      expect(pipeline.filter((f) => !f.startsWith('model-io/') && !f.startsWith('store/') && !f.startsWith('bundles/')).sort(), command).toEqual([]);
    }
  });

  it('recommend loads its own serving path: no connectors, no push targets, no federation client, hub or simulator', () => {
    // The command takes its recommendations from the light entry; the rest of the pipeline loads only with --out.
    expect(runtimeImports(cli('commands/recommend.ts'))).toContain('@mixtape/pipeline/recommend');
    const graph = reachable([join(ROOT, 'packages/pipeline/src/recommend-entry.ts')]);
    const files = [...graph.keys()].filter((f) => !f.startsWith('pkg:')).map(rel);
    expect(files.filter((f) => f.startsWith('packages/connectors/'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('packages/pipeline/') && !/^packages\/pipeline\/src\/(personal|recommend|store|bundles)\/|push\/file-format\.ts$/.test(f) && !f.endsWith('recommend-entry.ts'))).toEqual([]);
    expect(files.filter((f) => /^packages\/federation\/src\/(client\/(?!installed)|hub\/|secagg\/|sim\/)/.test(f))).toEqual([]);
    expect(heavyIn(graph, [/^pkg:apache-arrow/, /^pkg:pg$/, /^pkg:music-metadata/, /^pkg:csv-parse/, /^pkg:yauzl/, /^pkg:shamir-secret-sharing/, /^pkg:vega/])).toEqual([]);
  });

  it('finds TensorFlow.js where a command does load it (the check can fail)', () => {
    const graph = reachable([cli('commands/recommend.ts')]);
    expect(heavyIn(graph, [/^pkg:@tensorflow\/tfjs-core$/])).toEqual(['pkg:@tensorflow/tfjs-core (loaded by packages/model/src/engine/tf.ts)']);
  });
});
