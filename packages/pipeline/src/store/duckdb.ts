import { createRequire } from 'node:module';
import type * as DuckDB from '@duckdb/node-api';

/**
 * @duckdb/node-api, loaded with `require`. It is CommonJS spread over ~60 files: an ESM `import`
 * of it makes Node lex every file for its named exports, which cost 0.3 s of every command's
 * start-up (measured in bench/startup.ts); `require` does not. Types still come from the package.
 */
export const duckdb: typeof DuckDB = createRequire(import.meta.url)('@duckdb/node-api');
