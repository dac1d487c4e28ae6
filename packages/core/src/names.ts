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

/** Notes that make another recording of a song: a live take, a remix, an acoustic version. */
const VERSION_NOTES: readonly [RegExp, string][] = [
  [/\blive\b/, 'live'],
  [/\b(?:re-?mix|mix|dub)\b/, 'remix'],
  [/\bacoustic\b/, 'acoustic'],
  [/\bunplugged\b/, 'unplugged'],
  [/\bdemo\b/, 'demo'],
  [/\binstrumental\b/, 'instrumental'],
  [/\bkaraoke\b/, 'karaoke'],
  [/\ba ?cappella\b|\bacapella\b/, 'a cappella'],
  [/\borchestral\b/, 'orchestral'],
];
/** Notes that name the same recording: credits, remasters, edits, editions. */
const SAME_RECORDING = /\b(?:feat|ft|featuring|with|remaster(?:ed)?|version|edit|mono|stereo|deluxe|bonus|single|album|radio|explicit|clean|bonus track|anniversary|expanded|original)\b|\b(?:19|20)\d\d\b/;

/**
 * A title split into what names the song (`base`, as `normalizeTitle` would key it but with every
 * version note removed) and the notes that make another recording (`version`: "live", "remix",
 * sorted, space-joined; empty for the studio recording). "Song (Live) - Remastered 2011" is
 * `{ base: 'song', version: 'live' }`; "(Don't Fear) The Reaper" keeps its brackets as title words.
 */
export function titleParts(s: string | null | undefined): { base: string; version: string } {
  if (!s) return { base: '', version: '' };
  let t = fold(s);
  const versions = new Set<string>();
  const note = (raw: string): boolean => {
    // "Original Mix" is the original recording, not a remix.
    const text = raw.replace(/\boriginal mix\b/, 'original');
    let hit = false;
    for (const [re, v] of VERSION_NOTES) if (re.test(text)) { versions.add(v); hit = true; }
    return hit || SAME_RECORDING.test(text);
  };
  // Bracketed notes anywhere, then a " - note" suffix, then a bare "feat. X" tail.
  t = t.replace(/[([]([^)\]]*)[)\]]/g, (whole, inner: string) => (note(inner) ? ' ' : whole));
  // Dash suffixes from the last: "Song - From the Film - Remastered" keeps "From the Film".
  for (let m = /\s+[-–—]\s+([^-–—]*)$/.exec(t); m && note(m[1]!); m = /\s+[-–—]\s+([^-–—]*)$/.exec(t)) t = t.slice(0, m.index);
  t = t.replace(/\s(?:feat\.?|ft\.?|featuring)\s.*$/, ' ');
  const base = squash(t);
  return { base: base === '' ? squash(fold(s)) : base, version: [...versions].sort().join(' ') };
}

/**
 * The keys an artist credit is known by: the whole credit, its first artist ("Beyoncé feat. Jay-Z"
 * → "beyonce"), and the first of an "A & B" pair. Two credits name one artist when their keys meet.
 */
export function artistKeys(s: string | null | undefined): string[] {
  if (!s) return [];
  const whole = normalizeName(s);
  const first = normalizeArtist(s);
  const pair = first.split(/ and /)[0] ?? first;
  return [...new Set([whole, first, pair].filter((k) => k !== ''))];
}
