import type { Server } from 'node:http';
import { join } from 'node:path';
import { MixtapeError } from '@mixtape/core';
import { loadOrCreateIdentity } from '../identity.js';
import { paramProblems, type FederationParams } from '../params.js';
import { vocabulary } from '../vocab.js';
import { FileStore } from './file-store.js';
import { Hub } from './hub.js';
import { PgStore } from './pg-store.js';
import { listen, type ServeOptions } from './server.js';
import type { HubStore } from './store.js';

/** Parameters of a new federation, with defaults sized for a real catalogue. */
export function defaultParams(over: Partial<FederationParams> = {}): FederationParams {
  const rows = over.rows ?? 1 << 15;
  const dim = over.dim ?? 16;
  const countsWeight = over.countsWeight ?? 0.5;
  return {
    vocabVersion: vocabulary(rows).version,
    rows,
    dim,
    countsWeight,
    // An honest update has norm exactly sqrt(1 + countsWeight^2) (unit table part, scaled counts).
    clip: Math.sqrt(1 + countsWeight * countsWeight),
    noiseMultiplier: 1,
    minContributors: 100,
    trimFraction: 0.02,
    pruneSigmas: 3,
    activeSigmas: 2,
    shrink: 0,
    seed: 20_260_101,
    // The exact payload plus room for the header: anything larger is refused unread.
    maxBodyBytes: rows * (dim + 1) * 4 + 8192,
    ...over,
  };
}

/** A running hub: its URL and how to stop it. */
export interface RunningHub {
  url: string;
  hub: Hub;
  server: Server;
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
  params: FederationParams;
  keyPath?: string;
  burst?: number;
  perMinute?: number;
  log?: (line: string) => void;
  /** Connection limits and timeouts of the HTTP server (defaults suit the public internet). */
  serve?: Omit<ServeOptions, 'host'>;
}): Promise<RunningHub> {
  const params = { ...opts.params };
  if (!params.maxBodyBytes) params.maxBodyBytes = params.rows * (params.dim + 1) * 4 + 8192;
  const problems = paramProblems(params);
  if (problems.length > 0) throw new MixtapeError('hub_bad_parameters', `Federation parameters are not usable: ${problems.join('; ')}`);
  const { identity: key } = await loadOrCreateIdentity(opts.keyPath ?? join(opts.dir, 'hub-key.pem'));
  let store: HubStore;
  if (opts.db) {
    if (!/^postgres(ql)?:\/\//.test(opts.db)) throw new MixtapeError('hub_bad_db', 'The --db value is not a postgres:// URL', { suggestion: 'use postgres://user@host:port/db' });
    store = await PgStore.open(opts.db, params);
  } else {
    store = await FileStore.open(join(opts.dir, 'store'));
  }
  const hub = new Hub({ params, store, key, ...(opts.burst ? { burst: opts.burst } : {}), ...(opts.perMinute ? { perMinute: opts.perMinute } : {}), ...(opts.log ? { log: opts.log } : {}) });
  hub.start();
  const { server, url } = await listen(hub, opts.port, { ...opts.serve, ...(opts.host ? { host: opts.host } : {}) });
  return {
    url,
    hub,
    server,
    async stop() {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await hub.stop();
      await store.close();
    },
  };
}
