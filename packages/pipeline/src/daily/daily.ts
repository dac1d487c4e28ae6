import { MixtapeError, noProgress, type ProgressFn } from '@mixtape/core';
import { playlistFiles } from '@mixtape/connectors';
import { loadCatalogue, loadTracks } from '../push/load.js';
import { FILE_FORMATS, pushToFile, type FileFormat, type FilePushSummary } from '../push/files.js';
import { matchMusicDir } from '../push/library-match.js';
import { pushRemote, type RemotePushSummary, type RemoteTarget } from '../push/remote.js';
import { loadPersonalModel, refoldListener, sinceTraining, type SinceTraining } from '../personal/model-state.js';
import { recommendInStore, type RecommendedTrack } from '../personal/recommend.js';
import { recordRun } from '../runner/runs.js';
import { pullStage } from '../stages/publish.js';
import { withStore, type OpenOptions, type Store } from '../store/store.js';
import { DAILY_SOURCES, type DailySource } from './sources.js';
import { DAILY_TARGETS, matchedTarget } from './targets.js';

export const DAILY_NAME = 'Mixtape Daily';
export const DAILY_DEFAULTS = { count: 50, freshDays: 7, favouritesShare: 0.2, maxPerArtist: 2, explore: 0.2, seed: 1 } as const;

export interface DailyOptions {
  store: OpenOptions;
  name?: string;
  count?: number;
  /** Nothing heard in this many days comes back (except favourites, up to their share). */
  freshDays?: number;
  favouritesShare?: number;
  explore?: number;
  /** Random seed of the exploration: fixed, so a rerun with nothing new picks the same tracks. */
  seed?: number;
  /** Targets by name; default every configured one. */
  to?: string[];
  /** Also (or only) write the playlist to this file (.m3u8, .xspf, .jspf); with `musicDir` only tracks found there. */
  out?: string;
  musicDir?: string;
  env?: NodeJS.ProcessEnv;
  stateDir?: string | undefined;
  onProgress?: ProgressFn;
  /** Tests and benchmarks: ready targets (fake servers) by name, and the sources to sync. */
  targets?: Record<string, RemoteTarget>;
  sources?: readonly DailySource[];
}

export interface DailyTargetReport {
  target: string;
  playlist_id: string;
  /** Tracks of the store this target has (the only ones that may be picked). */
  available: number;
  picks: number;
  /** Picks heard within the fresh days: favourites, within their share. */
  recent_favourites: number;
  push: RemotePushSummary | FilePushSummary;
}

export interface DailySummary {
  name: string;
  sources: Array<{ name: string; plays: number; feedback: number; seconds: number } | { name: string; failed: string }>;
  /** Sources not configured, with the variables they need. */
  unconfigured: Array<{ name: string; env: readonly string[] }>;
  /** What was folded into the listener's vector without retraining. */
  fold: Omit<SinceTraining, 'events'> & { modelId: string; events: number };
  /** In a federation: what pulling its latest model before recommending did (a hub down is said here, never fatal). */
  federation?: string;
  targets: DailyTargetReport[];
  seconds: number;
}

const slug = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '') || 'daily';

/** The playlist's comment: what it is, then each pick and why. Kept under what a URL parameter carries safely. */
export function dailyDescription(name: string, picks: RecommendedTrack[], max = 3800): string {
  let text = `${name}: new listens folded in, refreshed daily by Mixtape. Why each track:`;
  for (const p of picks) {
    const line = `\n${p.position + 1}. ${p.artist ?? '?'} - ${p.title}: ${p.reason}`;
    if (text.length + line.length > max) break;
    text += line;
  }
  return text;
}

/**
 * `mixtape daily`: syncs every configured source, pulls the federation's latest model when the
 * listener is in one, folds the new plays and likes into the listener's vector (no retraining), then on every target replaces the one daily playlist with
 * picks it has: nothing heard within the fresh days but a share of favourites, at most two per
 * artist, never a ban, each with its reason in the playlist's comment. The remote playlist keeps
 * its id; a rerun with nothing new writes nothing.
 */
export async function runDaily(o: DailyOptions): Promise<DailySummary> {
  const started = performance.now();
  const env = o.env ?? process.env;
  const progress = o.onProgress ?? noProgress;
  const name = o.name ?? DAILY_NAME;
  const targets = chooseTargets(o, env);
  return withStore(o.store, (store) => recordRun(store, `daily ${name}`, async () => {
    const sources: DailySummary['sources'] = [];
    const unconfigured: DailySummary['unconfigured'] = [];
    for (const s of o.sources ?? DAILY_SOURCES) {
      if (!s.configured(env)) {
        unconfigured.push({ name: s.name, env: s.env });
        continue;
      }
      const t = performance.now();
      try {
        const r = await s.sync(store, { env, onProgress: progress });
        sources.push({ name: s.name, plays: r.plays, feedback: r.feedback, seconds: round((performance.now() - t) / 1000) });
      } catch (e) {
        // One source down must not keep the others' listens out of today's playlist.
        sources.push({ name: s.name, failed: (e as Error).message });
      }
    }
    // In a federation, its latest model before recommending, as `mixtape run`'s pull phase does.
    const pulled = await pullStage(o.stateDir, progress);
    const federation = pulled.joined ? pulled.detail : undefined;
    const model = await loadPersonalModel(store);
    await refoldListener(store, model);
    const since = await sinceTraining(store, model);
    const { events, ...fold } = since;
    progress({ unit: 'steps', done: 1, total: targets.length + 1, message: `folded ${since.plays} new plays into your vector` });
    const catalogue = await loadCatalogue(store);
    const reports: DailyTargetReport[] = [];
    const failed: Array<{ label: string; error: unknown }> = [];
    for (const [i, t] of targets.entries()) {
      // One server refusing (or down) must not keep the others from today's playlist.
      try {
        reports.push(await refreshOn(store, t, { o, name, catalogue, model }));
      } catch (error) {
        failed.push({ label: t.label, error });
      }
      progress({ unit: 'steps', done: i + 2, total: targets.length + 1, message: t.label });
    }
    if (failed.length > 0) throw targetFailure(failed, reports.map((r) => r.target));
    return { name, sources, unconfigured, fold: { ...fold, events: events.length, modelId: model.modelId }, ...(federation ? { federation } : {}), targets: reports, seconds: round((performance.now() - started) / 1000) };
  }, (s) => ({ rowsIn: s.fold.plays, rowsOut: s.targets.reduce((n, t) => n + t.picks, 0) })));
}

/** The first target's failure, as it was (code, suggestion), saying which targets were refreshed anyway and which others failed. */
function targetFailure(failed: Array<{ label: string; error: unknown }>, refreshed: string[]): Error {
  const first = failed[0]!.error;
  const others = failed.slice(1).map((f) => `${f.label} (${(f.error as Error).message})`);
  const tail = [refreshed.length ? `refreshed anyway: ${refreshed.join(', ')}` : '', others.length ? `also failed: ${others.join('; ')}` : ''].filter(Boolean).join('; ');
  if (!tail) return first as Error;
  if (first instanceof MixtapeError) return new MixtapeError(first.code, `${first.message} (${tail})`, { ...(first.suggestion ? { suggestion: first.suggestion } : {}), cause: first });
  return new MixtapeError('daily_target_failed', `${failed[0]!.label}: ${(first as Error).message} (${tail})`, { cause: first });
}

type Chosen = { kind: 'remote'; label: string; open: () => RemoteTarget } | { kind: 'file'; label: string; format: FileFormat; out: string };

function chooseTargets(o: DailyOptions, env: NodeJS.ProcessEnv): Chosen[] {
  const chosen: Chosen[] = [];
  const names = o.to ?? [...Object.keys(o.targets ?? {}), ...DAILY_TARGETS.filter((t) => t.configured(env) && !o.targets?.[t.name]).map((t) => t.name)];
  for (const n of names) {
    const ready = o.targets?.[n];
    const known = DAILY_TARGETS.find((t) => t.name === n);
    if (!ready && !known) throw new MixtapeError('invalid_target', `"${n}" is not a daily playlist target`, { suggestion: `use one of ${DAILY_TARGETS.map((t) => t.name).join(', ')}, or --out FILE` });
    chosen.push({ kind: 'remote', label: n, open: () => ready ?? known!.open(env) });
  }
  if (o.out) {
    const ext = o.out.replace(/^.*\./, '').toLowerCase();
    const format = (FILE_FORMATS as readonly string[]).includes(ext) && ext !== 'csv' ? (ext as FileFormat) : undefined;
    if (!format) throw new MixtapeError('unknown_format', `${o.out} is not a playlist file mixtape daily writes`, { suggestion: 'end the file name in .m3u8, .xspf or .jspf' });
    chosen.push({ kind: 'file', label: format, format, out: o.out });
  }
  if (chosen.length === 0) {
    throw new MixtapeError('no_daily_target', 'No target for the daily playlist is configured', {
      suggestion: `set ${DAILY_TARGETS.filter((t) => t.env.length > 0 && t.name !== 'spotify').map((t) => t.env.join(' + ')).join(', or ')}; name one with --to; or write a file with --out`,
    });
  }
  return chosen;
}

async function refreshOn(store: Store, t: Chosen, c: { o: DailyOptions; name: string; catalogue: playlistFiles.PlaylistTrack[]; model: Awaited<ReturnType<typeof loadPersonalModel>> }): Promise<DailyTargetReport> {
  const { o, name } = c;
  const playlistId = `mixtape-daily:${slug(name)}:${t.label}`;
  let available: Set<string>;
  let remote: RemoteTarget | undefined;
  if (t.kind === 'remote') {
    ({ target: remote, available } = await matchedTarget(t.open(), c.catalogue, o.onProgress));
  } else if (o.musicDir) {
    const { outcomes } = await matchMusicDir(c.catalogue, { musicDir: o.musicDir, onProgress: o.onProgress });
    available = new Set(c.catalogue.filter((_, i) => outcomes[i]!.matched).map((x) => x.trackId));
  } else {
    available = new Set(c.catalogue.map((x) => x.trackId));
  }
  const count = o.count ?? DAILY_DEFAULTS.count;
  const freshMs = (o.freshDays ?? DAILY_DEFAULTS.freshDays) * 86_400_000;
  const r = await recommendInStore(store, {
    count,
    explore: o.explore ?? DAILY_DEFAULTS.explore,
    seed: o.seed ?? DAILY_DEFAULTS.seed,
    recentMs: freshMs,
    recentFromNow: true,
    favouritesShare: o.favouritesShare ?? DAILY_DEFAULTS.favouritesShare,
    maxPerArtist: DAILY_DEFAULTS.maxPerArtist,
    allow: available,
    stateDir: o.stateDir,
    playlist: { id: playlistId, name, description: `${name}, refreshed daily by Mixtape` },
  }, c.model);
  const description = dailyDescription(name, r.tracks);
  const recent = new Set((await store.all<{ track_id: string }>(`SELECT DISTINCT track_id FROM plays WHERE played_at >= current_timestamp::TIMESTAMP - to_milliseconds($1::BIGINT)`, [freshMs])).map((x) => x.track_id));
  const head = { target: t.label, playlist_id: playlistId, available: available.size, picks: r.tracks.length, recent_favourites: r.tracks.filter((x) => recent.has(x.track_id)).length };
  const tracks = await loadTracks(store, playlistId);
  if (t.kind === 'file') {
    const doc = { name, description, creator: 'Mixtape', tracks };
    return { ...head, push: await pushToFile(store, { playlistId, doc, format: t.format, out: t.out, musicDir: o.musicDir }) };
  }
  return { ...head, push: await pushRemote(store, remote!, tracks, { playlistId, name, description, setDescription: true, adoptByName: true }) };
}

const round = (x: number) => Math.round(x * 100) / 100;
