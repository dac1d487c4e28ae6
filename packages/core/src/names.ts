/**
 * The one name normalizer. Every place that keys or compares artist and track names (the store's
 * identity keys in SQL, the federation vocabulary, playlist matching, Deezer search) uses these
 * rules, so "Beyoncé & Jay-Z" and "beyonce and jay z" are one name everywhere.
 *
 * The rules are a table read by two interpreters: `normalizeName` in TypeScript and `nameSql`,
 * which writes the same steps as one DuckDB expression. Regex steps share their pattern text;
 * the two engines (V8 with the `u` flag, RE2 in DuckDB) read these patterns alike. The agreement
 * is tested on real names (packages/pipeline/src/store/names.conformance.test.ts).
 */

type NameRule =
  | { why: string; fn: 'lower' | 'strip_accents' }
  | { why: string; pattern: string; replacement: string };

/** Character folds: they keep punctuation, so that matchers can still see brackets and dashes. */
const FOLD: readonly NameRule[] = [
  // Before stripping accents: JavaScript lowers "İ" to "i" plus a combining dot, DuckDB to "i".
  { why: 'case', fn: 'lower' },
  // JavaScript lowers a word-final capital sigma to "ς", DuckDB to "σ": fold both to "σ".
  { why: 'final sigma', pattern: 'ς', replacement: 'σ' },
  { why: 'accents and other combining marks', fn: 'strip_accents' },
  { why: '"&" is "and"', pattern: '&', replacement: ' and ' },
  // "Don't" and "Dont", "Guns N' Roses" and "Guns N Roses" are one name.
  { why: 'apostrophes join', pattern: "['’‘`´ʼ]", replacement: '' },
];

/** Separators: every run of anything but letters and digits is one space; a leading "the" goes. */
const SQUASH: readonly NameRule[] = [
  { why: 'punctuation and spaces', pattern: '[^\\p{L}\\p{N}]+', replacement: ' ' },
  { why: 'trim', pattern: '^ | $', replacement: '' },
  { why: 'leading article', pattern: '^the ', replacement: '' },
];

const RULES: readonly NameRule[] = [...FOLD, ...SQUASH];

function compile(rules: readonly NameRule[]): (s: string) => string {
  const steps = rules.map((r): ((s: string) => string) => {
    if ('fn' in r) return r.fn === 'lower' ? (s) => s.toLowerCase() : (s) => s.normalize('NFD').replace(/\p{M}+/gu, '').normalize('NFC');
    const re = new RegExp(r.pattern, 'gu');
    return (s) => s.replace(re, r.replacement);
  });
  return (s) => steps.reduce((acc, step) => step(acc), s);
}

const fold = compile(FOLD);
const squash = compile(SQUASH);

/** A name as the store, the vocabulary and the matchers key it: lower case, no accents, no punctuation. */
export function normalizeName(name: string | null | undefined): string {
  return squash(fold(name ?? ''));
}

/** The character folds of `normalizeName` alone (punctuation kept), for matchers that read brackets. */
export function foldName(name: string): string {
  return fold(name);
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * `normalizeName` as one DuckDB expression over the SQL expression `expr` (which must not be
 * NULL: wrap it in coalesce). Migrations freeze its text into the `mt_norm` macro.
 */
export function nameSql(expr: string): string {
  return RULES.reduce((acc, r) => {
    if ('fn' in r) return `${r.fn}(${acc})`;
    // Replacements are plain text in both engines: no group references.
    if (/[$\\]/.test(r.replacement)) throw new Error(`name rule "${r.why}" has a replacement with $ or \\`);
    return `regexp_replace(${acc}, ${sqlString(r.pattern)}, ${sqlString(r.replacement)}, 'g')`;
  }, expr);
}

/**
 * A title reduced to what identifies a recording across catalogues: `normalizeName` without
 * "feat." credits, bracketed and dash-suffixed version notes ("Remastered 2011").
 */
export function normalizeTitle(s: string | null | undefined): string {
  if (!s) return '';
  let t = fold(s);
  t = t.replace(/\s*[([][^)\]]*(feat|ft\.|with|remaster|live|version|edit|mix|mono|stereo|deluxe|bonus)[^)\]]*[)\]]/g, ' ');
  t = t.replace(/\s+-\s+.*(remaster|live|version|edit|mix|mono|stereo).*$/g, ' ');
  t = t.replace(/\s(feat\.?|ft\.?|featuring)\s.*$/g, ' ');
  return squash(t);
}

/** An artist credit reduced to its first artist, as `normalizeName` keys it. */
export function normalizeArtist(s: string | null | undefined): string {
  if (!s) return '';
  return squash(fold(s).split(/\s*(?:;|,|\/|\sfeat\.?\s|\sft\.?\s|\sfeaturing\s|\sx\s)\s*/)[0] ?? '');
}
