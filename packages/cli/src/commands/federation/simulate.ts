import { Flags } from '../../oclif.js';
import { simulate, type SimulateResult } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';

export default class FederationSimulate extends MixtapeCommand<typeof FederationSimulate> {
  static override summary = 'Run private ALS over HTTP with every user of an interactions file as a node; score what listeners get against central training and the listener alone';
  static override description =
    'Writes what listeners get (item factors from the federation, each user solved from their own history only, blended with their own content score) to --out, served by `mixtape model recommend --model OUT`. With --test-fraction above 0, each user\'s held-out items score it against the central hybrid (`model fit`) and each listener alone on the same split.';
  static override examples = [
    '<%= config.bin %> federation simulate --interactions ../shared/data/hetrec-lastfm-2k/user_artists.dat --item-features ../shared/data/hetrec-lastfm-2k/user_taggedartists.dat --epsilon 8 --out ./fed-model',
    '<%= config.bin %> federation simulate --interactions train.tsv --item-features tags.tsv --test-fraction 0 --out ./fed-model',
    '<%= config.bin %> federation simulate --interactions user_artists.dat --clients 100 --secure-aggregation --dropout 0.3 --out ./fed-model',
    '<%= config.bin %> federation simulate --interactions user_artists.dat --secure-aggregation --db postgres://localhost/mixtape --out ./fed-model',
  ];
  static override flags = {
    interactions: Flags.string({ required: true, description: 'File of "user item [weight]" lines' }),
    'item-features': Flags.string({ description: 'Public item features ("item<TAB>tag[<TAB>weight]", or HetRec user_taggedartists.dat)' }),
    clients: Flags.integer({ default: 0, min: 0, description: 'Nodes (users dealt round-robin); 0 = one node per user' }),
    epsilon: Flags.string({ default: '8', description: 'Per-listener epsilon over the whole training; 0 = no noise' }),
    out: Flags.string({ required: true, description: 'Folder to write the model listeners get' }),
    rounds: Flags.integer({ min: 1, description: 'ALS rounds after the selection round (default: sized by the number of nodes and --epsilon)' }),
    dim: Flags.integer({ min: 1, description: 'Factors per item (default: sized by the number of nodes and --epsilon)' }),
    'shared-items': Flags.integer({ min: 1, description: 'Items learnt from listeners, chosen by noisy counts (default: sized by the number of nodes and --epsilon)' }),
    'test-fraction': Flags.string({ default: '0.2', description: "Share of each user's items held out for scoring; 0 trains on everything" }),
    seed: Flags.integer({ default: 42, description: 'Seed of the train/test split' }),
    'secure-aggregation': Flags.boolean({ default: false, description: 'Run every round through secure aggregation: the hub sees only the noised sum' }),
    dropout: Flags.string({ default: '0', description: 'Share of nodes that vanish each round, each before a random protocol step (needs --secure-aggregation)' }),
    hub: Flags.string({ description: 'Run the nodes against a hub started elsewhere (its vocabulary must be this file\'s items); its parameters rule' }),
    db: Flags.string({ description: 'Run the simulated hub on this PostgreSQL server (postgres:// URL), in a schema made for the run and dropped after it; reports what its tables held at the most', exclusive: ['hub'] }),
  };

  async run(): Promise<SimulateResult> {
    const f = this.flags;
    const als = { ...(f.rounds ? { rounds: f.rounds } : {}), ...(f.dim ? { dim: f.dim } : {}), ...(f['shared-items'] ? { sharedItems: f['shared-items'] } : {}) };
    const r = await simulate({
      interactions: f.interactions,
      ...(f['item-features'] ? { itemFeatures: f['item-features'] } : {}),
      clients: f.clients,
      epsilon: this.epsilon(f.epsilon),
      out: f.out,
      als,
      testFraction: this.share(f['test-fraction'], 'test-fraction'),
      seed: f.seed,
      secureAggregation: f['secure-aggregation'],
      dropout: this.share(f.dropout, 'dropout'),
      ...(f.hub ? { hub: f.hub } : {}),
      ...(f.db ? { db: f.db } : {}),
      onProgress: this.progress(),
    });
    const e = r.privacy;
    this.log(`${r.nodes} nodes, ${r.rounds} rounds (selection + ${r.rounds - 1} ALS), ${Math.min(r.params.als.sharedItems, r.params.vocabSize)} shared items x ${r.params.als.dim}`);
    this.log(
      Number.isFinite(e.epsilon)
        ? r.secure
          ? `epsilon ${e.epsilon.toFixed(2)} per listener (delta ${e.delta}) against everyone, the hub included (secure aggregation: it saw only the noised sums)`
          : `epsilon ${e.epsilon.toFixed(2)} per listener (delta ${e.delta}) against everyone but the hub; against the hub itself ${e.epsilonVsHub.toFixed(0)} (run with --secure-aggregation to hide each update from the hub)`
        : 'no noise: no privacy guarantee',
    );
    const c = r.comparison;
    if (c) {
      const row = (name: string, m: { ndcg: number; recall: number; coverage: number }) => `${name.padEnd(22)} NDCG@10 ${m.ndcg.toFixed(4)}  Recall@10 ${m.recall.toFixed(4)}  coverage ${m.coverage.toFixed(4)}`;
      this.log(row('listeners get', c.listeners));
      this.log(row('  at the default blend', c.listenersDefaultBlend));
      this.log(row('federated factors only', c.federatedFactors));
      this.log(row('central hybrid', c.central));
      this.log(row('listener alone', c.alone));
      this.log(row('popularity', c.popularity));
      this.log(`listeners get / central hybrid = ${c.vsCentral.toFixed(3)}; / listener alone = ${c.vsAlone.toFixed(3)}`);
      if (r.tagsLeftOut > 0) this.log(`${r.tagsLeftOut.toLocaleString('en-US')} tags users gave their own held-out items were left out of every model's features`);
    }
    if (r.transport === 'in-process')
      this.log(`no noise, so no hub: each node would send up to ${(Math.max(...r.payloadBytesByRound) / 2 ** 20).toFixed(0)} MiB a round, too much to simulate over HTTP; the same sums and hub steps ran in this process (${(r.aggregationMsPerRound[0]! / 1000).toFixed(1)} s)`);
    else this.log(`payload ${r.payloadBytesByRound.map((b) => b.toLocaleString('en-US')).join(' / ')} bytes by round; ${r.contributionsPerSecond.toFixed(1)} contributions/s; aggregation ${r.aggregationMsPerRound.map((m) => m.toFixed(0)).join(', ')} ms`);
    if (r.secure)
      this.log(`secure aggregation: ${r.secure.map((x) => `${x.survivors} summed${x.attempts > 1 ? ` (${x.attempts} attempts)` : ''}`).join(', ')}; per node per round ${(r.secure.reduce((a, x) => a + x.bytesUp, 0) / r.secure.length / 1024).toFixed(0)} KiB up, ${(r.secure.reduce((a, x) => a + x.bytesDown, 0) / r.secure.length / 1024).toFixed(0)} KiB down, ${(r.secure.reduce((a, x) => a + x.cpuMs, 0) / r.secure.length).toFixed(0)} ms CPU`);
    if (r.hubCost) {
      const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;
      const parts = [r.hubCost.store === 'postgresql' ? 'on PostgreSQL' : 'on its embedded store'];
      if (r.hubCost.peakRssBytes !== undefined) parts.push(`peak RSS ${mb(r.hubCost.peakRssBytes)}`);
      if (r.hubCost.peakHeldBytes !== undefined) parts.push(`its contribution and secure-aggregation tables held at most ${mb(r.hubCost.peakHeldBytes)}`);
      this.log(`hub ${parts.join('; ')}`);
    }
    this.log(`model in ${r.out} (serve it with \`mixtape model recommend --model ${r.out}\`), the split in ${r.out}/train.tsv and ${r.out}/heldout.tsv`);
    return r;
  }
}
