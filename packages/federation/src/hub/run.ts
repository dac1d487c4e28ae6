import type { Server } from 'node:http';
import { join } from 'node:path';
import { MixtapeError } from '@mixtape/core';
import { loadOrCreateIdentity } from '../identity.js';
import type { ItemFeatures } from '@mixtape/model';
import { paramProblems, type FederationParams } from '../params.js';
import type { Vocabulary } from '../vocab.js';
import { FileStore } from './file-store.js';
import { Hub } from './hub.js';
import { PgStore } from './pg-store.js';
import { listen, type ServeOptions } from './server.js';
import type { HubStore } from './store.js';
import { readHubFeatures, readVocabularyFile } from './vocabulary-file.js';

/** A running hub: its URL and how to stop it. */
export interface RunningHub {
  url: string;
  hub: Hub;
  server: Server;
  /** Vocabulary items with at least one public feature row (0 without --item-features). */
  itemsWithFeatures: number;
  stop(): Promise<void>;
}

/**
 * Starts a hub on `port`: embedded file storage in `dir` by default, PostgreSQL when `db` is a
 * postgres:// URL (then several hub processes with the same key can serve one federation).
 */
export async function startHub(opts: {
  port: number;
  host?: string;
  dir: string;
  db?: string;
  /** On PostgreSQL: fold contributions into the round's partial sum every this many (default 256). */
  foldEvery?: number;
  params: FederationParams;
  /** The public item list (or the file it is read from); its version must be params.vocabVersion. */
  vocabulary?: Vocabulary;
  vocabularyPath?: string;
  /** Public item features (tags) that give the items outside the shared set their factors. */
  features?: ItemFeatures;
  itemFeaturesPath?: string;
  keyPath?: string;
  burst?: number;
  perMinute?: number;
  /** Require invitations the hub signs, at most this many identities each. */
  admission?: { maxPerInvitation: number };
  log?: (line: string) => void;
  /** Connection limits and timeouts of the HTTP server (defaults suit the public internet). */
  serve?: Omit<ServeOptions, 'host'>;
}): Promise<RunningHub> {
  const params = { ...opts.params };
  const problems = paramProblems(params);
  if (problems.length > 0) throw new MixtapeError('hub_bad_parameters', `Federation parameters are not usable: ${problems.join('; ')}`);
  const vocabulary = opts.vocabulary ?? (opts.vocabularyPath ? await readVocabularyFile(opts.vocabularyPath) : undefined);
  if (!vocabulary) throw new MixtapeError('hub_no_vocabulary', 'A hub needs the list of items its federation learns about', { suggestion: 'pass --vocabulary FILE (one artist name a line, or "key<TAB>name" lines)' });
  if (vocabulary.version !== params.vocabVersion)
    throw new MixtapeError('hub_bad_vocabulary', `The vocabulary is ${vocabulary.version}, but the parameters name ${params.vocabVersion}`, { suggestion: 'start the hub with the vocabulary file the federation was created with' });
  const features = opts.features ?? (opts.itemFeaturesPath ? await readHubFeatures(opts.itemFeaturesPath, vocabulary) : undefined);
  const { identity: key } = await loadOrCreateIdentity(opts.keyPath ?? join(opts.dir, 'hub-key.pem'));
  let store: HubStore;
  if (opts.db) {
    if (!/^postgres(ql)?:\/\//.test(opts.db)) throw new MixtapeError('hub_bad_db', 'The --db value is not a postgres:// URL', { suggestion: 'use postgres://user@host:port/db' });
    store = await PgStore.open(opts.db, params, opts.foldEvery !== undefined ? { foldEvery: opts.foldEvery } : {});
  } else {
    store = await FileStore.open(join(opts.dir, 'store'));
  }
  const hub = new Hub({ params, vocabulary, ...(features ? { features } : {}), store, key, ...(opts.burst ? { burst: opts.burst } : {}), ...(opts.perMinute ? { perMinute: opts.perMinute } : {}), ...(opts.log ? { log: opts.log } : {}), ...(opts.admission ? { admission: opts.admission } : {}) });
  hub.start();
  const { server, url } = await listen(hub, opts.port, { ...opts.serve, ...(opts.host ? { host: opts.host } : {}) });
  let itemsWithFeatures = 0;
  if (features) for (let i = 0; i < vocabulary.keys.length; i++) if (features.indptr[i + 1]! > features.indptr[i]!) itemsWithFeatures++;
  return {
    url,
    hub,
    server,
    itemsWithFeatures,
    async stop() {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await hub.stop();
      await store.close();
    },
  };
}
