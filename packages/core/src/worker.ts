import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread running the module `name` beside the caller (`from`: its import.meta.url):
 * the compiled `name.js` when the caller runs compiled, or `name.ts` through tsx's loader when the
 * caller runs as TypeScript source (tests, tsx).
 */
export function startModuleWorker(from: string, name: string): Worker {
  if (!from.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, from));
  const api = pathToFileURL(createRequire(from).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const entry = new URL(`./${name}.ts`, from).href;
  return new Worker(`import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`, { eval: true });
}
