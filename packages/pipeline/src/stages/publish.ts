import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { federationDir, publish, pull } from '@mixtape/federation';
import { isMixtapeError, MixtapeError, type ProgressFn } from '@mixtape/core';
import { playedTracks } from '../recommend/played-tracks.js';
import { withStore, type OpenOptions } from '../store/store.js';

/** Reads the node config written by `mixtape federation join`, or says how to join. */
export async function nodeConfig(stateDir?: string): Promise<{ hub: string; vocabVersion: string }> {
  try {
    return JSON.parse(await readFile(join(federationDir(stateDir), 'node.json'), 'utf8')) as { hub: string; vocabVersion: string };
  } catch (cause) {
    throw new MixtapeError('not_joined', 'This node has not joined a federation', { suggestion: 'run `mixtape federation join --hub URL` first', cause });
  }
}

/**
 * Publishes this listener's contribution to the open round: the federation client maps plays to
 * the shared vocabulary on this machine, solves the listener's vector locally, clips, adds noise,
 * signs and sends statistics. Names, times and listening durations never leave this machine.
 */
export async function publishFromStore(o: { store: OpenOptions; stateDir?: string | undefined; onProgress?: ProgressFn; pollMs?: number }): Promise<Awaited<ReturnType<typeof publish>> & { tracks: number }> {
  await nodeConfig(o.stateDir);
  const tracks = await withStore(o.store, playedTracks);
  const res = await publish({ ...(o.stateDir ? { dir: o.stateDir } : {}), tracks, ...(o.onProgress ? { onProgress: o.onProgress } : {}), ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}) });
  return { ...res, tracks: tracks.length };
}

/**
 * Publish outcomes that leave a run going: the hub down, or its round not taking this node now
 * (already published to it, closed, timed out or abandoned under secure aggregation), the privacy
 * budget spent, the training over, no play in the vocabulary. The federation goes on without this
 * contribution and the run still recommends. Anything else (the hub's key changed, a refused
 * signature, a hub without secure aggregation) stops the run: the listener has to look.
 */
const PUBLISH_WAITS: ReadonlySet<string> = new Set([
  'hub_unreachable',
  'already_published',
  'round_closed',
  'round_timeout',
  'round_abandoned',
  'secagg_refused',
  'privacy_budget_exhausted',
  'training_finished',
  'nothing_to_publish',
]);

/** The publish phase of `mixtape run`: publishes, or says in its detail why not this time. */
export async function publishStage(o: { store: OpenOptions; stateDir?: string | undefined; onProgress?: ProgressFn }): Promise<{ rowsIn: number; rowsOut: number; detail: string }> {
  try {
    const r = await publishFromStore(o);
    return { rowsIn: r.tracks, rowsOut: 1, detail: `round ${r.round}: ${r.accepted}/${r.needed} contributions; epsilon ${r.privacy.epsilon.toFixed(2)} of ${r.privacy.budget}` };
  } catch (e) {
    if (isMixtapeError(e) && PUBLISH_WAITS.has(e.code)) return { rowsIn: 0, rowsOut: 0, detail: `not published this run (${e.code}: ${e.message})` };
    throw e;
  }
}

/**
 * The pull phase of `mixtape run`: installs the hub's latest global model when this node has joined
 * a federation. Not joined, or a pull that fails (hub down), is reported in the stage's detail and
 * does not fail the run: recommend then uses the model installed before, if any, or none.
 */
export async function pullStage(stateDir: string | undefined, onProgress: ProgressFn): Promise<{ rowsIn: number; rowsOut: number; detail: string; joined: boolean }> {
  try {
    await nodeConfig(stateDir);
  } catch {
    return { rowsIn: 0, rowsOut: 0, detail: 'not in a federation: nothing to pull', joined: false };
  }
  try {
    const r = await pull(stateDir ? { dir: stateDir } : {});
    onProgress({ unit: 'models', done: 1, total: 1, message: `global model version ${r.version}` });
    return { rowsIn: 1, rowsOut: r.changed ? 1 : 0, detail: `${r.changed ? 'installed' : 'already had'} global model version ${r.version} (${r.stage})`, joined: true };
  } catch (e) {
    const why = isMixtapeError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
    return { rowsIn: 0, rowsOut: 0, detail: `pull failed, recommending with the model installed before, if any (${why})`, joined: true };
  }
}
