import { readFile } from 'node:fs/promises';
import { MixtapeError } from '@mixtape/core';
import { prepare, songKey } from './prepared.js';
import type { TrackQuery } from './types.js';

/** One line of the overrides file: a track (by id, or artist and title) and where it is, or "none". */
export interface MatchOverride {
  track?: string;
  artist?: string;
  title?: string;
  /** A library id, a file path (relative to the music folder, or absolute), or "none" to never match. */
  to: string;
  /** Only for this target ("subsonic", "jellyfin", "music-dir"); every target when absent. */
  target?: string;
}

/** Overrides indexed for lookup; the first line that fits a track wins. */
export class MatchOverrides {
  private byTrack = new Map<string, MatchOverride[]>();
  private bySong = new Map<string, MatchOverride[]>();

  constructor(readonly entries: readonly MatchOverride[] = []) {
    for (const e of entries) {
      if (e.track !== undefined) add(this.byTrack, e.track, e);
      else add(this.bySong, songKey(prepare({ artist: e.artist, title: e.title })), e);
    }
  }

  /** The override for a track on a target, by track id first, then by artist and title. */
  find(q: TrackQuery, target?: string): MatchOverride | undefined {
    const fits = (e: MatchOverride) => e.target === undefined || e.target === target;
    const byId = q.trackId !== undefined ? this.byTrack.get(q.trackId)?.find(fits) : undefined;
    return byId ?? this.bySong.get(songKey(prepare(q)))?.find(fits);
  }
}

function add(m: Map<string, MatchOverride[]>, k: string, e: MatchOverride): void {
  const l = m.get(k);
  if (l) l.push(e);
  else m.set(k, [e]);
}

/**
 * Reads overrides from JSON text: a list (or `{ "overrides": [...] }`) of
 * `{ "track": ID | "artist": A, "title": T, "to": ID | PATH | "none", "target"?: NAME }`.
 */
export function parseOverrides(text: string, source = 'match overrides'): MatchOverrides {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new MixtapeError('bad_match_overrides', `${source} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  const list = Array.isArray(raw) ? raw : (raw as { overrides?: unknown } | null)?.overrides;
  if (!Array.isArray(list)) throw new MixtapeError('bad_match_overrides', `${source} is not a list of overrides`);
  const str = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  return new MatchOverrides(list.map((e: Record<string, unknown>, i): MatchOverride => {
    const where = `${source}, entry ${i + 1}`;
    if (typeof e !== 'object' || e === null) throw new MixtapeError('bad_match_overrides', `${where} is not an object`);
    if (!str(e.to)) throw new MixtapeError('bad_match_overrides', `${where} has no "to" (a library id, a path, or "none")`);
    if (!str(e.track) && !(str(e.artist) && str(e.title))) throw new MixtapeError('bad_match_overrides', `${where} names no track: give "track", or "artist" and "title"`);
    if (e.target !== undefined && !str(e.target)) throw new MixtapeError('bad_match_overrides', `${where} has a "target" that is not a name`);
    const o: MatchOverride = { to: String(e.to) };
    if (str(e.track)) o.track = String(e.track);
    else Object.assign(o, { artist: String(e.artist), title: String(e.title) });
    if (e.target !== undefined) o.target = String(e.target);
    return o;
  }));
}

/** Reads the overrides file; a missing file is no overrides. */
export async function readOverrides(path: string): Promise<MatchOverrides> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new MatchOverrides();
    throw new MixtapeError('bad_match_overrides', `Cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  return parseOverrides(text, path);
}
