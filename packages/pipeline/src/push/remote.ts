import { createHash } from 'node:crypto';
import { MixtapeError, type ProgressFn } from '@mixtape/core';
import { WRITE_UNCERTAIN, type match, type playlistFiles } from '@mixtape/connectors';
import type { Store } from '../store/store.js';
import { readStates, recordedRemotes, saveState, stateTime, type PushState } from './state.js';

type PlaylistTrack = playlistFiles.PlaylistTrack;

/** A service that holds playlists, reduced to what pushing needs. */
export interface RemoteTarget {
  /** Where pushes are remembered: the service and the account or server. */
  readonly key: string;
  readonly label: string;
  /** Items one remote playlist may hold (Infinity when the service sets no cap). */
  readonly cap: number;
  /** Items one write request may carry. */
  readonly batch: number;
  /** The service's id for each track, undefined where it has none (reported as unmatched). */
  resolve(tracks: PlaylistTrack[], onProgress?: ProgressFn): Promise<(string | undefined)[]>;
  /** Targets that match tracks in a library (Subsonic, Jellyfin): each track's match, with its tier or why none. */
  match?(tracks: PlaylistTrack[], onProgress?: ProgressFn): Promise<match.MatchOutcome[]>;
  create(name: string, description: string): Promise<string>;
  /** Items in the remote playlist now, or undefined when it is gone. */
  count(remoteId: string): Promise<number | undefined>;
  /** Makes the remote playlist hold exactly `ids` (at most `batch`); `current` is its size when known. */
  replace(remoteId: string, ids: string[], current?: number): Promise<void>;
  /** Appends at most `batch` ids at the end. */
  append(remoteId: string, ids: string[]): Promise<void>;
  rename(remoteId: string, name: string): Promise<void>;
  /** Requests sent so far. */
  requests(): number;
  /**
   * The listener's playlists with exactly this name, newest first (`created` when the service
   * says): how a push finds the playlist it created before a crash kept it from recording the id.
   */
  find?(name: string): Promise<{ id: string; created?: string | undefined }[]>;
  /** Throws when the remote playlist must not be written (synced from an M3U file, read-only). */
  check?(remoteId: string, name: string): Promise<void>;
  /** Sets the playlist's description (Subsonic comment, Jellyfin overview). */
  describe?(remoteId: string, description: string): Promise<void>;
}

/** One part of a push as the summary reports it. */
export interface PartReport {
  part: number;
  name: string;
  remote_id: string;
  items: number;
  /** `adopted`: a playlist found by name (created before a crash, or the one a scheduled job keeps). */
  action: 'created' | 'replaced' | 'resumed' | 'unchanged' | 'emptied' | 'adopted';
  /** The remote playlist recorded before was gone from the service, so this one was created anew. */
  recreated?: true;
}

/** What a push did: matched and unmatched tracks, parts, and requests against the minimum. */
export interface RemotePushSummary {
  target: string;
  items: number;
  matched: number;
  unmatched: number;
  /** The first unmatched tracks (position in the playlist, id, names). */
  unmatched_tracks: { position: number; track_id: string; artist?: string | undefined; title?: string | undefined }[];
  parts: PartReport[];
  /** Requests made, including reads to match tracks and to check a resume. */
  requests: number;
  /** Requests for the playlist writes alone. */
  write_requests: number;
  /** The fewest write requests the API allows for what was written: creates plus ceil(items / batch) per part written. */
  minimum_write_requests: number;
}

export interface RemotePushOptions {
  playlistId: string;
  name: string;
  description: string;
  onProgress?: ProgressFn;
  /** Stops with `push_interrupted` once this many requests were made (tests and benchmarks of resume). */
  stopAfterRequests?: number;
  /**
   * With no remote recorded, take over the listener's playlist of this name instead of creating a
   * second one (a scheduled playlist that must stay one playlist, even after the store is rebuilt).
   */
  adoptByName?: boolean;
  /**
   * Keeps the remote description (Subsonic comment, Jellyfin overview) equal to `description`, e.g.
   * the daily playlist's reasons: it is part of what must match for a part to be unchanged.
   */
  setDescription?: boolean;
}

const hashOf = (ids: string[], description?: string) => createHash('sha256').update(ids.join('\n') + (description === undefined ? '' : `\n\u0000${description}`)).digest('hex');

/**
 * Pushes a playlist's tracks to a target: matches them, splits past the cap into numbered parts
 * "Name (1/3)" that keep the order, creates each part once and later updates the same remote
 * playlist, and checkpoints the items written after every request so a killed push resumes.
 */
export async function pushRemote(store: Store, target: RemoteTarget, tracks: PlaylistTrack[], o: RemotePushOptions): Promise<RemotePushSummary> {
  const start = target.requests();
  const ids = await target.resolve(tracks, o.onProgress);
  const matched: string[] = [];
  const unmatched: RemotePushSummary['unmatched_tracks'] = [];
  ids.forEach((id, i) => {
    if (id !== undefined) matched.push(id);
    else if (unmatched.length < 100) unmatched.push({ position: i, track_id: tracks[i]!.trackId, artist: tracks[i]!.artist, title: tracks[i]!.title });
  });
  const chunks: string[][] = [];
  for (let i = 0; i < matched.length; i += target.cap) chunks.push(matched.slice(i, i + target.cap));
  if (chunks.length === 0) chunks.push([]);
  const states = await readStates(store, o.playlistId, target.key);
  if (matched.length === 0 && states.size === 0) {
    // An empty playlist on the service helps no one; a playlist pushed before is emptied instead.
    throw new MixtapeError('nothing_matched', `None of the ${tracks.length} tracks of "${o.name}" could be found on ${target.label}`, {
      suggestion: target.label === 'ListenBrainz' ? 'ListenBrainz needs MusicBrainz recording ids: run `mixtape enrich` first' : `check that these tracks exist on ${target.label}`,
    });
  }
  const afterResolve = target.requests();
  const guard = () => {
    if (o.stopAfterRequests !== undefined && target.requests() - start >= o.stopAfterRequests) {
      throw new MixtapeError('push_interrupted', `The push to ${target.label} stopped after ${target.requests() - start} requests`, { suggestion: 'run the same push again: it resumes' });
    }
  };
  const parts: PartReport[] = [];
  let minimum = 0;
  let done = 0;
  for (let p = 0; p < chunks.length; p++) {
    const name = chunks.length === 1 ? o.name : `${o.name} (${p + 1}/${chunks.length})`;
    const report = await pushPart(store, target, { ...o, part: p, parts: chunks.length, name, ids: chunks[p]!, state: states.get(p), guard, onWritten: (n) => o.onProgress?.({ done: done + n, total: matched.length, unit: 'items', message: name }) });
    done += chunks[p]!.length;
    const described = o.setDescription && target.describe ? 1 : 0;
    if (report.action === 'created') minimum += 1 + Math.ceil(chunks[p]!.length / target.batch) + described;
    else if (report.action !== 'unchanged') minimum += Math.max(1, Math.ceil(chunks[p]!.length / target.batch)) + described;
    parts.push(report);
  }
  // Parts left over from a longer version of the playlist are emptied, so no track appears twice.
  for (const [p, s] of states) {
    if (p < chunks.length || s.status === 'stale' || !s.remote_id) continue;
    guard();
    const current = await target.count(s.remote_id);
    if (current !== undefined && current > 0) await target.replace(s.remote_id, [], current);
    await saveState(store, { ...s, status: 'stale', written: 0, total: 0, content_hash: hashOf([]) });
    parts.push({ part: p + 1, name: s.name ?? '', remote_id: s.remote_id, items: 0, action: 'emptied' });
  }
  return {
    target: target.label,
    items: tracks.length,
    matched: matched.length,
    unmatched: tracks.length - matched.length,
    unmatched_tracks: unmatched,
    parts,
    requests: target.requests() - start,
    write_requests: target.requests() - afterResolve,
    minimum_write_requests: minimum,
  };
}

interface PartJob extends RemotePushOptions {
  part: number;
  parts: number;
  name: string;
  ids: string[];
  state: PushState | undefined;
  guard: () => void;
  onWritten: (n: number) => void;
  /** Set on the second try of a part whose playlist vanished mid-push. */
  recreating?: boolean;
}

/**
 * The listener's playlist of the part's name that this push may take over: not one another push
 * records, and after a crashed create, made no earlier than a minute before the intent was recorded.
 */
async function adoptable(store: Store, target: RemoteTarget, j: PartJob): Promise<string | undefined> {
  const taken = await recordedRemotes(store, target.key);
  const since = j.state?.status === 'creating' ? await stateTime(store, j.playlistId, target.key, j.part) : undefined;
  const found = (await target.find!(j.name)).filter((c) => !taken.has(c.id) && (since === undefined || c.created === undefined || Date.parse(c.created) >= since - 60_000));
  return found[0]?.id;
}

/** Errors that say the remote playlist is gone (deleted on the service while this push ran). */
const GONE = new Set(['subsonic_not_found', 'deezer_not_found', 'not_found']);

/** One part, created anew once if the service deleted its playlist under the push. */
async function pushPart(store: Store, target: RemoteTarget, j: PartJob): Promise<PartReport> {
  try {
    return await writePart(store, target, j);
  } catch (e) {
    if (j.recreating || !j.state?.remote_id || !GONE.has((e as { code?: string }).code ?? '')) throw e;
    await saveState(store, { ...j.state, remote_id: null, status: 'writing', written: 0, based: false });
    return { ...(await writePart(store, target, { ...j, state: undefined, recreating: true })), recreated: true };
  }
}

async function writePart(store: Store, target: RemoteTarget, j: PartJob): Promise<PartReport> {
  const hash = hashOf(j.ids, j.setDescription && target.describe ? j.description : undefined);
  const prev = j.state;
  let remote = prev?.remote_id ?? undefined;
  let action: PartReport['action'] = 'replaced';
  let based = false;
  let written = 0;
  let current: number | undefined;
  let recreated = j.recreating === true;
  const report = (): PartReport => ({ part: j.part + 1, name: j.name, remote_id: remote!, items: j.ids.length, action, ...(recreated ? { recreated: true as const } : {}) });

  if (remote !== undefined) {
    j.guard();
    current = await target.count(remote);
    // Deleted on the service: created anew below, and reported so (never as pushed into the old one).
    if (current === undefined) {
      remote = undefined;
      recreated = true;
    }
  }
  if (remote === undefined && target.find && (prev?.status === 'creating' || (prev === undefined && j.adoptByName))) {
    j.guard();
    const found = await adoptable(store, target, j);
    if (found !== undefined) {
      current = await target.count(found);
      if (current !== undefined) {
        remote = found;
        action = 'adopted';
      }
    }
  }
  if (remote !== undefined && action !== 'adopted' && prev && prev.content_hash === hash) {
    if (prev.status === 'done' && current === j.ids.length) {
      action = 'unchanged';
    } else if (prev.status === 'writing' && prev.based && current !== undefined && current >= prev.written && current <= j.ids.length) {
      // Appends go in order, so what the remote holds is a prefix of the part: resume after it.
      action = 'resumed';
      based = true;
      written = current;
    }
  }
  // A playlist that exists already is checked before anything is written into it.
  if (remote !== undefined && action !== 'unchanged') await target.check?.(remote, j.name);
  const state: PushState = {
    playlist_id: j.playlistId, target: target.key, part: j.part, parts: j.parts, remote_id: remote ?? null, name: action === 'adopted' ? j.name : (prev?.name ?? j.name),
    content_hash: hash, total: j.ids.length, written, based, status: 'writing',
  };
  if (remote === undefined) {
    j.guard();
    // The intent is recorded first: a crash between the create and the next checkpoint leaves this
    // row, and the next push adopts the playlist by its name instead of making a second one.
    await saveState(store, { ...state, remote_id: null, name: j.name, written: 0, based: false, status: 'creating' });
    remote = await target.create(j.name, j.description);
    action = 'created';
    Object.assign(state, { remote_id: remote, name: j.name, based: true, written: 0 });
    based = true;
    current = 0;
  }
  if (state.name !== j.name) {
    j.guard();
    await target.rename(remote, j.name);
    state.name = j.name;
  }
  if (j.setDescription && target.describe && action !== 'unchanged') {
    j.guard();
    await target.describe(remote, j.description);
  }
  if (action === 'unchanged') {
    await saveState(store, { ...state, written: j.ids.length, based: true, status: 'done' });
    j.onWritten(j.ids.length);
    return report();
  }
  await saveState(store, state);
  if (!based) {
    j.guard();
    const first = j.ids.slice(0, target.batch);
    await target.replace(remote, first, current);
    written = first.length;
    await saveState(store, { ...state, written, based: true });
    j.onWritten(written);
  }
  let unsure = 0;
  while (written < j.ids.length) {
    const chunk = j.ids.slice(written, written + target.batch);
    j.guard();
    try {
      await target.append(remote, chunk);
      written += chunk.length;
      unsure = 0;
    } catch (e) {
      if ((e as { code?: string }).code !== WRITE_UNCERTAIN || ++unsure > 5) throw e;
      // The append may or may not have landed: the remote's size says which.
      const now = await target.count(remote);
      if (now !== written && now !== written + chunk.length) throw e;
      written = now;
    }
    await saveState(store, { ...state, written, based: true });
    j.onWritten(written);
  }
  await saveState(store, { ...state, written, based: true, status: 'done' });
  return report();
}
