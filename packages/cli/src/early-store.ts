import type { OpenOptions } from '@mixtape/pipeline/store';

/**
 * DuckDB worker threads for the commands below: they answer in milliseconds, and DuckDB starts one
 * worker per core when the file opens and joins them all when it closes (`OpenOptions.threads`).
 */
export const LIGHT_STORE_THREADS = 1;

/** Commands whose first work is opening the store with the light options (`withStore`). */
const STORE_FIRST: readonly (readonly string[])[] = [['status'], ['playlist', 'list'], ['playlist', 'show'], ['recommend']];

/**
 * The store a command line will open first, read from the raw arguments before oclif parses them,
 * so that bin/run.js can start opening it while oclif loads (`Store.openEarly`). Undefined when the
 * command is not one of those that open the store first, or asks for help. A guess that turns out
 * wrong costs nothing but the time: `Store.open` closes a store it was not asked for.
 */
export function earlyStoreOptions(argv: readonly string[]): OpenOptions | undefined {
  if (argv.some((a) => a === '--help' || a === '-h' || a === '--')) return undefined;
  const words = argv[0]?.includes(':') ? [...argv[0].split(':'), ...argv.slice(1)] : argv;
  if (!STORE_FIRST.some((id) => id.every((w, i) => words[i] === w))) return undefined;
  let dataDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--data-dir') {
      dataDir = argv[i + 1];
      // A flag with no value is oclif's to refuse.
      if (dataDir === undefined || dataDir.startsWith('-')) return undefined;
    } else if (a.startsWith('--data-dir=')) dataDir = a.slice('--data-dir='.length);
  }
  if (dataDir === '') return undefined;
  return dataDir === undefined ? { threads: LIGHT_STORE_THREADS } : { dataDir, threads: LIGHT_STORE_THREADS };
}
