import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { listenbrainz } from '@mixtape/connectors';
import { MixtapeError, noProgress, type ProgressFn } from '@mixtape/core';
import type { Store } from '../store/store.js';
import { writeFeedback, writeListens, type FeedbackWritten } from './listenbrainz-write.js';
import { recordImport } from './record.js';

export interface ListenBrainzZipSummary {
  importId: string;
  path: string;
  /** The listen files read, in time order. */
  files: string[];
  listens: number;
  inserted: number;
  duplicates: number;
  /** The same listen already stored from Spotify, Last.fm or a scrobble file. */
  alreadyElsewhere: number;
  rejected: Record<string, number>;
  feedback: FeedbackWritten;
  durationMs: number;
}

/**
 * `mixtape import listenbrainz --zip FILE`: the user-data export (`listens/YYYY/M.jsonl`,
 * `feedback.jsonl`) in ONE transaction. A broken line or a cut archive stops it with an error
 * naming the place, and the store is left as it was; importing the same zip again adds nothing.
 */
export async function importListenBrainzZip(store: Store, path: string, o: { onProgress?: ProgressFn } = {}): Promise<ListenBrainzZipSummary> {
  const started = Date.now();
  const progress = o.onProgress ?? noProgress;
  try {
    if ((await stat(path)).isDirectory()) throw new MixtapeError('not_a_file', `${path} is a folder`, { suggestion: 'pass the ListenBrainz export zip itself' });
  } catch (cause) {
    if (cause instanceof MixtapeError) throw cause;
    throw new MixtapeError('file_not_found', `Cannot read ${path}: ${(cause as Error).message}`, { suggestion: 'check the path to your ListenBrainz export zip', cause });
  }
  const zip = await listenbrainz.openListenBrainzExport(path);
  const importId = `imp_${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}_${randomBytes(3).toString('hex')}`;
  const summary: ListenBrainzZipSummary = {
    importId, path, files: zip.listenFiles, listens: 0, inserted: 0, duplicates: 0, alreadyElsewhere: 0, rejected: {},
    feedback: { likes: 0, bans: 0, duplicates: 0, unresolved: 0 }, durationMs: 0,
  };
  try {
    return await store.transaction(async () => {
      for await (const batch of zip.listens(50_000)) {
        const w = await writeListens(store, batch, importId, summary.rejected);
        summary.listens += batch.length;
        summary.inserted += w.inserted;
        summary.duplicates += w.duplicates;
        summary.alreadyElsewhere += w.alreadyElsewhere;
        progress({ unit: 'listens', done: summary.listens, message: `${summary.inserted} new plays` });
      }
      // After the listens: feedback without an MBID finds its track through a listen's MessyBrainz id.
      summary.feedback = await writeFeedback(store, await zip.feedback());
      summary.durationMs = Date.now() - started;
      await recordImport(store, importId, 'listenbrainz zip', path, summary, started, summary.listens, summary.inserted);
      return summary;
    });
  } finally {
    await zip.close();
  }
}
