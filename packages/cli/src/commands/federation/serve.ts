import { Flags } from '../../oclif.js';
import { defaultParams, federationDir, readVocabularyFile, SECURE_AGGREGATION_DEFAULTS, startHub } from '@mixtape/pipeline';
import { join } from 'node:path';
import { MixtapeCommand } from '../../base-command.js';

export default class FederationServe extends MixtapeCommand<typeof FederationServe> {
  static override summary = 'Run a federation hub: private ALS over a public vocabulary, signed model versions, embedded or PostgreSQL storage';
  static override description =
    'The hub publishes a vocabulary (the items its federation learns about), sums each round of noised contributions, chooses the shared items from noisy counts in round 1, solves the item factors in every later round, and gives the rest of the vocabulary factors from public item features (--item-features).';
  static override examples = [
    '<%= config.bin %> federation serve --port 8787 --vocabulary artists.txt --item-features artist-tags.tsv',
    '<%= config.bin %> federation serve --port 8787 --vocabulary artists.txt --db postgres://hub@127.0.0.1/mixtape --min-contributors 500',
    '<%= config.bin %> federation serve --port 8787 --vocabulary artists.txt --min-contributors 100 --invitations 1',
    '<%= config.bin %> federation serve --port 8787 --vocabulary artists.txt --no-secure-aggregation',
  ];
  static override flags = {
    port: Flags.integer({ required: true, description: 'TCP port' }),
    host: Flags.string({ default: '127.0.0.1', description: 'Address to listen on' }),
    db: Flags.string({
      description:
        'postgres:// URL; several hubs with the same URL, key, vocabulary and parameters serve one federation. Plain contributions and securely aggregated masked inputs are folded into the round\'s sum as they arrive, so what a round holds stops growing with the number of listeners (the embedded store keeps them all)',
    }),
    dir: Flags.string({ description: 'Folder for the embedded store and the hub key (default: $MIXTAPE_CONFIG_DIR/federation/hub)' }),
    vocabulary: Flags.string({ required: true, description: 'The items the federation learns about: one artist name a line, or "key<TAB>name" lines under that header' }),
    'item-features': Flags.string({ description: 'Public item features ("item<TAB>tag[<TAB>weight]"; "item<TAB>similar:OTHER[<TAB>weight]" for a similar-artist edge): factors for items outside the shared set' }),
    'min-contributors': Flags.integer({ default: 100, description: 'Contributions that close a round (the noise is split among this many)' }),
    epsilon: Flags.string({ default: '8', description: 'Per-listener epsilon over the whole training (the counts and every round); 0 = no noise' }),
    listeners: Flags.integer({ min: 1, description: 'Listeners you expect (default: --min-contributors): sizes the model to what the noise supports' }),
    rounds: Flags.integer({ min: 1, description: 'ALS rounds after the selection round (default: sized by --listeners and --epsilon)' }),
    dim: Flags.integer({ min: 1, description: 'Factors per item (default: sized by --listeners and --epsilon)' }),
    'shared-items': Flags.integer({ min: 1, description: 'Items the shared model learns from listeners, chosen by noisy counts (default: sized by --listeners and --epsilon)' }),
    'secure-aggregation': Flags.boolean({
      default: true,
      allowNo: true,
      description: 'Take updates only through secure aggregation (on by default): the hub sees only the noised sum, and --min-contributors is the fewest survivors a round publishes with. --no-secure-aggregation takes plain contributions: the hub then sees each update, and nodes refuse it unless they opt out',
    }),
    'max-nodes': Flags.integer({ default: SECURE_AGGREGATION_DEFAULTS.maxNodes, description: 'Most nodes in one securely aggregated round' }),
    'step-seconds': Flags.integer({ default: SECURE_AGGREGATION_DEFAULTS.stepMs / 1000, description: 'How long a secure-aggregation step waits for quiet nodes before closing' }),
    invitations: Flags.integer({ default: 0, min: 0, description: 'Admit only listeners with an invitation (`mixtape federation invite`), at most this many identities each; 0 = open' }),
    'max-connections-per-client': Flags.integer({ default: 32, min: 1, description: 'Connections served at once per address; more wait for a slot' }),
  };

  async run(): Promise<{ url: string }> {
    const f = this.flags;
    // Checked first: a typo must not start a hub at all, let alone one without noise.
    const epsilon = this.epsilon(f.epsilon);
    const dir = f.dir ?? join(federationDir(), 'hub');
    const vocabulary = await readVocabularyFile(f.vocabulary);
    const params = defaultParams({
      vocabVersion: vocabulary.version,
      vocabSize: vocabulary.keys.length,
      minContributors: f['min-contributors'],
      epsilon,
      ...(f.listeners ? { listeners: f.listeners } : {}),
      als: { ...(f.rounds ? { rounds: f.rounds } : {}), ...(f.dim ? { dim: f.dim } : {}), ...(f['shared-items'] ? { sharedItems: f['shared-items'] } : {}) },
      ...(f['secure-aggregation'] ? { secureAggregation: { ...SECURE_AGGREGATION_DEFAULTS, maxNodes: f['max-nodes'], stepMs: f['step-seconds'] * 1000 } } : {}),
    });
    const hub = await startHub({
      port: f.port,
      host: f.host,
      dir,
      params,
      vocabulary,
      ...(f['item-features'] ? { itemFeaturesPath: f['item-features'] } : {}),
      ...(f.db ? { db: f.db } : {}),
      ...(f.invitations > 0 ? { admission: { maxPerInvitation: f.invitations } } : {}),
      serve: { maxConnectionsPerClient: f['max-connections-per-client'] },
      log: (l) => process.stderr.write(`${l}\n`),
    });
    this.log(`hub listening on ${hub.url} (OpenAPI at ${hub.url}/v1/openapi.json): ${vocabulary.keys.length} items (${f['item-features'] ? `${hub.itemsWithFeatures} with public features` : 'no public features: items outside the shared set get no factors'}), epsilon ${params.epsilon} per listener over ${1 + params.als.rounds} rounds`);
    await new Promise<void>((resolve) => {
      const stop = () => void hub.stop().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return { url: hub.url };
  }
}
