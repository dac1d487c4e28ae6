import { join } from 'node:path';
import { MixtapeError } from '@mixtape/core';
import { enrichTracks, ENRICH_SOURCES } from '../enrich/enrich.js';
import { spotifyAuthStatus } from '../export/spotify-auth.js';
import { exportSpotifyToStore } from '../export/spotify-command.js';
import { recommendPersonal, RECOMMENDATION_PLAYLIST } from '../personal/recommend.js';
import { trainPersonal } from '../personal/train.js';
import { FILE_FORMATS, PUSH_TARGETS, pushPlaylist, type PushTargetName } from '../push/index.js';
import { dataDir } from '../store/paths.js';
import { withStore } from '../store/store.js';
import type { Phase, Stage } from './pipeline.js';
import { nodeConfig, publishStage, pullStage } from './publish.js';

export interface RunSettings {
  /** Where the push phase sends the recommendations (files land in the data dir's playlists/). */
  pushTo: PushTargetName[];
  /** How many tracks the push phase recommends. */
  count: number;
  env?: NodeJS.ProcessEnv;
  /** The federation state folder (default `federationDir()`), for publish, pull and the push phase's recommendations. */
  stateDir?: string;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The real stages of `mixtape run`, bound to the libraries that do the work. */
export function pipelineStages(settings: RunSettings): Record<Phase, Stage> {
  const env = settings.env ?? process.env;
  return {
    export: {
      reads: ['Spotify Web API'],
      writes: ['tracks', 'artists', 'track_artists', 'track_keys', 'library', 'plays', 'playlists', 'playlist_items', 'spotify_catalog', 'spotify_profile', 'spotify_top', 'raw_pages', 'checkpoints', 'runs'],
      check: async () => {
        if (!spotifyAuthStatus(env).spotify.loggedIn) {
          throw new MixtapeError('not_logged_in', 'The export phase needs a Spotify login', { suggestion: 'run `mixtape auth spotify`, set SPOTIFY_ACCESS_TOKEN, or leave export out of --phases' });
        }
      },
      run: async (ctx) => {
        const s = await exportSpotifyToStore({ dataDir: ctx.store.dataDir, onProgress: ctx.onProgress, env });
        const records = sum(Object.values(s.streams).map((x) => x.records));
        return { rowsIn: s.requests, rowsOut: records, detail: `${records} records in ${s.requests} requests; ${s.playlists.fetched} playlists fetched, ${s.playlists.unchanged} unchanged, ${s.playlists.forbidden} not readable` };
      },
    },
    enrich: {
      reads: ['tracks', 'Deezer', 'Last.fm', 'MusicBrainz'],
      writes: ['tracks', 'artists', 'track_keys', 'tags', 'track_tags', 'artist_tags', 'similar', 'deezer_tracks', 'enrich_state', 'http_cache', 'http_cache_stats', 'runs'],
      check: async () => {},
      run: async (ctx) => {
        // Last.fm needs a key; without one the other two sources still run.
        const sources = env.LASTFM_API_KEY ? [...ENRICH_SOURCES] : ENRICH_SOURCES.filter((x) => x !== 'lastfm');
        const s = await withStore(ctx.store, (store) => enrichTracks({ store, env, sources, onProgress: ctx.onProgress }));
        const v = Object.values(s.sources);
        const skipped = env.LASTFM_API_KEY ? '' : '; lastfm skipped (no LASTFM_API_KEY)';
        return { rowsIn: sum(v.map((x) => x!.tracks)), rowsOut: sum(v.map((x) => x!.enriched)), detail: Object.entries(s.sources).map(([k, x]) => `${k}: ${x!.enriched}/${x!.tracks}`).join(', ') + skipped };
      },
    },
    train: {
      reads: ['plays', 'library', 'playlist_items', 'track_tags', 'artist_tags', 'similar'],
      writes: ['models', 'runs'],
      check: async () => {},
      run: async (ctx) => {
        const s = await trainPersonal({ store: ctx.store, dataDir: dataDir(ctx.store.dataDir), onProgress: ctx.onProgress });
        return { rowsIn: s.stats.plays, rowsOut: s.items, detail: `${s.modelId} (${s.dtype}, ${s.settings.chosen}), fitted in ${s.fitSeconds.toFixed(1)} s` };
      },
    },
    publish: {
      reads: ['plays', 'tracks', 'federation hub'],
      writes: ['federation ledger'],
      check: async () => {
        await nodeConfig(settings.stateDir);
      },
      // The hub down, the round not open to this node or the budget spent: said in the detail, and the run goes on.
      run: (ctx) => publishStage({ store: ctx.store, stateDir: settings.stateDir, onProgress: ctx.onProgress }),
    },
    // `mixtape daily` runs the same pull (pullStage) before recommending.
    pull: {
      reads: ['federation hub'],
      writes: ['federation model'],
      // Never refuses the plan: without a federation, or with its hub down, recommendations work as before.
      check: async () => {},
      run: (ctx) => pullStage(settings.stateDir, ctx.onProgress),
    },
    push: {
      reads: ['models', 'playlists', 'federation model'],
      writes: ['recommendations', 'playlists', 'playlist_items', 'playlist_pushes', 'runs'],
      check: async () => {
        for (const t of settings.pushTo) {
          if (!(PUSH_TARGETS as readonly string[]).includes(t)) throw new MixtapeError('invalid_target', `Unknown push target "${t}"`, { suggestion: `use ${PUSH_TARGETS.join(', ')}` });
        }
      },
      run: async (ctx) => {
        const r = await recommendPersonal({ store: ctx.store, count: settings.count, stateDir: settings.stateDir, onProgress: ctx.onProgress });
        const done: string[] = [];
        for (const to of settings.pushTo) {
          const file = (FILE_FORMATS as readonly string[]).includes(to);
          const out = file ? join(dataDir(ctx.store.dataDir), 'playlists', `mixtape-picks.${to}`) : undefined;
          await withStore(ctx.store, (store) => pushPlaylist(store, { playlist: RECOMMENDATION_PLAYLIST, to, out, env }));
          done.push(out ?? to);
        }
        const fed = r.federation ? `, ${r.tracks.filter((t) => t.source === 'federation').length} from the federation (weight ${r.federation.weight})` : '';
        return { rowsIn: r.tracks.length, rowsOut: r.tracks.length * done.length, detail: `${r.tracks.length} picks${fed} to ${done.join(', ')}` };
      },
    },
  };
}
