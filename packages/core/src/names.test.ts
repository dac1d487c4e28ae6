import { describe, expect, it } from 'vitest';
import { foldName, nameSql, normalizeArtist, normalizeName, normalizeTitle } from './names.js';

describe('the name normalizer', () => {
  it('gives spellings of one name one key', () => {
    const same = (a: string, b: string) => expect(normalizeName(a)).toBe(normalizeName(b));
    same('Beyoncé', 'beyonce');
    same('The Beatles', 'beatles');
    same('Simon & Garfunkel', 'simon and garfunkel');
    same("Guns N' Roses", 'Guns N’ Roses');
    same("Don't Stop Me Now", 'Dont Stop Me Now');
    same('Jay-Z', 'jay z');
    same('ΟΔΟΣ', 'οδοσ');
    same('İstanbul', 'istanbul');
    expect(normalizeName('  Sigur   Rós!  ')).toBe('sigur ros');
    expect(normalizeName('소녀시대 ＆ 2PM')).toBe('소녀시대 2pm');
    expect(normalizeName(null)).toBe('');
    expect(normalizeName('The')).toBe('the');
  });

  it('folds characters without dropping punctuation for matchers', () => {
    expect(foldName('Beyoncé & Jay-Z (Live)')).toBe('beyonce  and  jay-z (live)');
  });

  it('reduces titles and artist credits to what identifies a recording', () => {
    expect(normalizeTitle('Halo (Remastered 2011)')).toBe('halo');
    expect(normalizeTitle('Song - 2009 Remaster')).toBe('song');
    expect(normalizeTitle('Run (feat. Someone)')).toBe('run');
    expect(normalizeTitle('Run featuring Someone')).toBe('run');
    expect(normalizeArtist('The Beatles')).toBe('beatles');
    expect(normalizeArtist('Beyoncé feat. Jay-Z')).toBe('beyonce');
    expect(normalizeArtist('Calvin Harris, Dua Lipa')).toBe('calvin harris');
    expect(normalizeArtist(undefined)).toBe('');
  });

  it('writes the same rules as one DuckDB expression, quoting the patterns', () => {
    const sql = nameSql('x');
    expect(sql.startsWith("regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(strip_accents(regexp_replace(lower(x), 'ς', 'σ', 'g'))")).toBe(true);
    expect(sql).toContain("'[''’‘`´ʼ]'");
    expect(sql.endsWith("'^the ', '', 'g')")).toBe(true);
  });
});
