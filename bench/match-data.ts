/**
 * The library and queries of bench/match.ts, generated from real names in ../shared/data (read at
 * bench time, never copied): (artist, title) pairs from the Spotify streaming histories, and the
 * HetRec Last.fm 2K artists given titles drawn from those pairs.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@mixtape/core';
import type { match } from '@mixtape/connectors';

export const DATA = join(import.meta.dirname, '..', '..', 'shared', 'data');

interface Song { artist: string; title: string; durationMs: number; mbid: string; isrc: string }

/** Real (artist, title) pairs from every Spotify history file, and the HetRec artist names. */
export function realNames(): { pairs: [string, string][]; artists: string[] } {
  const pairs = new Map<string, [string, string]>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json')) {
        let rows: unknown;
        try { rows = JSON.parse(readFileSync(p, 'utf8')); } catch { continue; }
        if (!Array.isArray(rows)) continue;
        for (const r of rows as Record<string, unknown>[]) {
          const a = r.master_metadata_album_artist_name ?? r.artistName;
          const t = r.master_metadata_track_name ?? r.trackName;
          if (typeof a === 'string' && typeof t === 'string' && a && t) pairs.set(`${a}\u0001${t}`, [a, t]);
        }
      }
    }
  };
  walk(join(DATA, 'spotify-export'));
  const artists = readFileSync(join(DATA, 'hetrec-lastfm-2k', 'artists.dat'), 'utf8').split('\n').slice(1).map((l) => l.split('\t')[1]).filter((a): a is string => !!a);
  if (pairs.size < 1000 || artists.length < 10_000) throw new Error(`../shared/data is incomplete: ${pairs.size} pairs, ${artists.length} artists`);
  return { pairs: [...pairs.values()].sort(), artists };
}

const hex = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.int(16).toString(16)).join('');
const uuid = (rng: Rng) => `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-8${hex(rng, 3)}-${hex(rng, 12)}`;
const stripAccents = (s: string) => s.normalize('NFD').replace(/\p{M}+/gu, '');
const pick = <T>(rng: Rng, a: readonly T[]): T => a[rng.int(a.length)]!;

export interface Query { q: match.TrackQuery; truth: string | null; kind: string }
export interface Bench { library: match.LibraryCandidate[]; queries: Query[]; decoys: number }

/**
 * A library of `size` songs (about 10% of them decoys) and `queries` queries with known truth:
 * most present in the library under other spellings, some absent with a decoy that must not match.
 */
export function generate(size: number, nQueries: number, seed = 7): Bench {
  const rng = new Rng(seed);
  const { pairs, artists } = realNames();
  const songs: Song[] = [];
  const real = rng.shuffle([...pairs]);
  const titles = real.map(([, t]) => t);
  // About 92% of songs go into the library and 12% get a decoy beside them: size / 1.04 songs.
  const nSongs = Math.round(size / 1.04);
  // One recording per artist and title: a generated pair may repeat a real one.
  const seen = new Set<string>();
  for (let i = 0; songs.length < nSongs; i++) {
    const [artist, title] = i < real.length * 0.8 ? real[i]! : [pick(rng, artists), pick(rng, titles)];
    if (seen.has(`${artist}\u0001${title}`)) continue;
    seen.add(`${artist}\u0001${title}`);
    songs.push({ artist, title, durationMs: 120_000 + rng.int(300_000), mbid: uuid(rng), isrc: `QZ${hex(rng, 10).toUpperCase()}` });
  }
  const unique = songs;
  const library: match.LibraryCandidate[] = [];
  const queries: Query[] = [];
  const remaster = ['Remastered 2011', '2009 Remaster', 'Remastered', 'Single Version', 'Radio Edit'];
  // The last 8% of songs are kept out of the library: their queries must come back unmatched.
  const absentFrom = Math.floor(unique.length * 0.92);
  let decoys = 0;
  unique.forEach((s, i) => {
    const id = `lib${i}`;
    const absent = i >= absentFrom;
    if (!absent) {
      // How the server tags it: IDs for some, version notes and featured credits for others, accents as written.
      const c: match.LibraryCandidate = { id, artist: s.artist, title: s.title, album: `Album ${i % 997}`, durationMs: s.durationMs + Math.round(rng.normal() * 1500) };
      if (rng.next() < 0.6) c.mbid = s.mbid;
      if (rng.next() < 0.4) c.isrc = [s.isrc];
      const r = rng.next();
      if (r < 0.12) c.title = `${s.title} - ${pick(rng, remaster)}`;
      else if (r < 0.18) c.title = `${s.title} (${pick(rng, remaster)})`;
      else if (r < 0.24) c.title = `${s.title} (feat. ${pick(rng, artists)})`;
      else if (r < 0.28) c.artist = `${s.artist} feat. ${pick(rng, artists)}`;
      library.push(c);
    }
    // Decoys: the same title by another artist, and a live take next to (or instead of) the studio one.
    const d = rng.next();
    if (d < 0.06) {
      library.push({ id: `decoy-artist${i}`, artist: pick(rng, artists), title: s.title, durationMs: s.durationMs + rng.int(4000) });
      decoys++;
    } else if (d < 0.12) {
      library.push({ id: `decoy-live${i}`, artist: s.artist, title: `${s.title} (Live)`, durationMs: s.durationMs + rng.int(6000) });
      decoys++;
    }
  });
  const order = rng.shuffle(unique.map((_, i) => i));
  for (const i of order.slice(0, nQueries)) {
    const s = unique[i]!;
    const truth = i >= absentFrom ? null : `lib${i}`;
    const q: match.TrackQuery = { trackId: `q${i}`, artist: s.artist, title: s.title, durationMs: s.durationMs + Math.round((rng.next() * 2 - 1) * 8000) };
    let kind = 'plain';
    if (rng.next() < 0.5) q.mbid = s.mbid;
    if (rng.next() < 0.3) q.isrc = s.isrc;
    const r = rng.next();
    if (r < 0.1) { q.artist = stripAccents(s.artist).toUpperCase(); q.title = stripAccents(s.title).toLowerCase(); kind = 'accents-case'; }
    else if (r < 0.18) { q.artist = `${s.artist} feat. ${pick(rng, artists)}`; kind = 'feat-artist'; }
    else if (r < 0.25) { q.title = `${s.title} - Remastered`; kind = 'remaster'; }
    else if (r < 0.29 && s.title.length >= 8) {
      // A one-letter typo in the title.
      const at = 2 + rng.int(s.title.length - 4);
      q.title = s.title.slice(0, at) + (s.title[at] === 'e' ? 'a' : 'e') + s.title.slice(at + 1);
      kind = 'typo';
    } else if (r < 0.31) { q.title = pick(rng, titles); kind = 'translated'; }
    else if (r < 0.36) { delete q.durationMs; kind = 'no-duration'; }
    // Without IDs for a share of queries, so names carry the match.
    if (kind !== 'plain' && rng.next() < 0.5) { delete q.mbid; delete q.isrc; }
    queries.push({ q, truth, kind: truth === null ? `absent-${kind}` : kind });
  }
  return { library, queries, decoys };
}
