import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { federationDir, publish } from '@mixtape/federation';
import { MixtapeError } from '@mixtape/core';
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
export async function publishFromStore(o: { store: OpenOptions; stateDir?: string | undefined }): Promise<Awaited<ReturnType<typeof publish>> & { tracks: number }> {
  await nodeConfig(o.stateDir);
  const tracks = await withStore(o.store, playedTracks);
  const res = await publish({ ...(o.stateDir ? { dir: o.stateDir } : {}), tracks });
  return { ...res, tracks: tracks.length };
}
