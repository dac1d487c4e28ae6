import { Flags } from '@oclif/core';
import { defaultParams, federationDir, noiseMultiplierFor, startHub } from '@mixtape/pipeline';
import { join } from 'node:path';
import { MixtapeCommand } from '../../base-command.js';

export default class FederationServe extends MixtapeCommand<typeof FederationServe> {
  static override summary = 'Run a federation hub: /v1/ API, signed model versions, embedded or PostgreSQL storage';
  static override examples = [
    '<%= config.bin %> federation serve --port 8787',
    '<%= config.bin %> federation serve --port 8787 --db postgres://hub@127.0.0.1/mixtape --min-contributors 500',
  ];
  static override flags = {
    port: Flags.integer({ required: true, description: 'TCP port' }),
    host: Flags.string({ default: '127.0.0.1', description: 'Address to listen on' }),
    db: Flags.string({ description: 'postgres:// URL; several hubs with the same URL, key and parameters serve one federation' }),
    dir: Flags.string({ description: 'Folder for the embedded store and the hub key (default: $MIXTAPE_CONFIG_DIR/federation/hub)' }),
    rows: Flags.integer({ default: 1 << 15, description: 'Rows of the shared item table (the vocabulary size)' }),
    dim: Flags.integer({ default: 16, description: 'Factors per row' }),
    'min-contributors': Flags.integer({ default: 100, description: 'Contributions that close a round' }),
    epsilon: Flags.string({ default: '8', description: 'Per-node epsilon over --rounds rounds, used to size the noise' }),
    rounds: Flags.integer({ default: 3, description: 'Rounds the epsilon is spread over' }),
    trim: Flags.string({ default: '0.02', description: 'Fraction of contributions farthest from the mean dropped each round' }),
    'max-connections-per-client': Flags.integer({ default: 32, min: 1, description: 'Connections served at once per address; more wait for a slot' }),
  };

  async run(): Promise<{ url: string }> {
    const f = this.flags;
    const dir = f.dir ?? join(federationDir(), 'hub');
    const params = defaultParams({
      rows: f.rows,
      dim: f.dim,
      minContributors: f['min-contributors'],
      noiseMultiplier: noiseMultiplierFor(Number(f.epsilon), 1e-5, f.rounds),
      trimFraction: Number(f.trim),
    });
    const hub = await startHub({ port: f.port, host: f.host, dir, params, ...(f.db ? { db: f.db } : {}), serve: { maxConnectionsPerClient: f['max-connections-per-client'] }, log: (l) => process.stderr.write(`${l}\n`) });
    this.log(`hub listening on ${hub.url} (OpenAPI at ${hub.url}/v1/openapi.json)`);
    await new Promise<void>((resolve) => {
      const stop = () => void hub.stop().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return { url: hub.url };
  }
}
