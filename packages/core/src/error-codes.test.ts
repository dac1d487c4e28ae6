import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, isErrorCode, suggestionFor } from './error-codes.js';
import { errorReport, MixtapeError } from './errors.js';

const PACKAGES = fileURLToPath(new URL('../../', import.meta.url));

/** Every TypeScript file under packages/<name>/src, tests included. */
function sources(): { file: string; text: string }[] {
  return readdirSync(PACKAGES).flatMap((pkg) => {
    let files: string[];
    try {
      files = readdirSync(join(PACKAGES, pkg, 'src'), { recursive: true, encoding: 'utf8' });
    } catch {
      return [];
    }
    return files.filter((f) => f.endsWith('.ts')).map((f) => ({ file: `${pkg}/src/${f}`, text: readFileSync(join(PACKAGES, pkg, 'src', f), 'utf8') }));
  });
}

describe('the error catalogue', () => {
  const codes = Object.keys(ERROR_CATALOGUE);

  it('gives every code a title and a suggestion', () => {
    expect(codes.length).toBeGreaterThan(100);
    for (const code of codes) {
      const entry = ERROR_CATALOGUE[code as keyof typeof ERROR_CATALOGUE];
      expect(code, code).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      expect(entry.title.trim().length, `${code} has no title`).toBeGreaterThan(3);
      expect(entry.suggestion.trim().length, `${code} has no suggestion`).toBeGreaterThan(3);
    }
  });

  it('holds every code a MixtapeError is built with, in source and tests', () => {
    const used = new Map<string, string>();
    for (const { file, text } of sources()) {
      for (const m of text.matchAll(/MixtapeError\(\s*'([^']+)'/g)) used.set(m[1]!, file);
    }
    expect(used.size).toBeGreaterThan(90);
    const unknown = [...used].filter(([code]) => !isErrorCode(code)).map(([code, file]) => `${code} (${file})`);
    expect(unknown).toEqual([]);
  });

  it('holds no code that nothing uses (a hub_ code is used by the hub without its prefix)', () => {
    const all = sources().filter((s) => !s.file.endsWith('.test.ts') && !s.file.endsWith('error-codes.ts')).map((s) => s.text).join('\n');
    const unused = codes.filter((code) => !all.includes(`'${code}'`) && !(code.startsWith('hub_') && all.includes(`'${code.slice(4)}'`)));
    expect(unused).toEqual([]);
  });

  it('answers a code it does not know with nothing', () => {
    expect(isErrorCode('toString')).toBe(false);
    expect(suggestionFor('no_such_code')).toBeUndefined();
  });
});

describe('errorReport', () => {
  it("keeps the throw site's suggestion, else takes the catalogue's", () => {
    expect(errorReport(new MixtapeError('not_found', 'No schedule with id 4', { suggestion: 'see the ids with `mixtape schedule list`' }))).toEqual({
      code: 'not_found', message: 'No schedule with id 4', suggestion: 'see the ids with `mixtape schedule list`',
    });
    expect(errorReport(new MixtapeError('request_failed', 'Deezer request failed: HTTP 418'))).toEqual({
      code: 'request_failed', message: 'Deezer request failed: HTTP 418', suggestion: ERROR_CATALOGUE.request_failed.suggestion,
    });
    // An error from another copy of core, with a code this one does not know.
    expect(errorReport({ code: 'brand_new', message: 'x' })).toEqual({ code: 'brand_new', message: 'x' });
  });
});
