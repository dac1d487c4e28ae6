import { Flags } from '@oclif/core';
import { simulate, type SimulateResult } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';

export default class FederationSimulate extends MixtapeCommand<typeof FederationSimulate> {
  static override summary = 'Split users of an interactions file into nodes, run the real protocol against a local hub, compare with central training';
  static override examples = [
    '<%= config.bin %> federation simulate --interactions ../shared/data/hetrec-lastfm-2k/user_artists.dat --clients 0 --rounds 3 --epsilon 8 --out ./fed-model',
  ];
  static override flags = {
    interactions: Flags.string({ required: true, description: 'File of "user item [weight]" lines' }),
    clients: Flags.integer({ default: 0, description: 'Nodes (users dealt round-robin); 0 = one node per user' }),
    rounds: Flags.integer({ default: 3, description: 'Federated rounds (each costs privacy: 3 is a good trade-off for epsilon 8)' }),
    epsilon: Flags.string({ default: '8', description: 'Per-node epsilon over the whole training; 0 = no noise' }),
    out: Flags.string({ required: true, description: 'Folder to write the federated model to' }),
    rows: Flags.integer({ default: 1 << 15, description: 'Rows of the shared item table' }),
    dim: Flags.integer({ default: 16, description: 'Factors per row' }),
    seed: Flags.integer({ default: 42, description: 'Seed of the train/test split' }),
  };

  async run(): Promise<SimulateResult> {
    const f = this.flags;
    const r = await simulate({
      interactions: f.interactions,
      clients: f.clients,
      rounds: f.rounds,
      epsilon: Number(f.epsilon),
      out: f.out,
      rows: f.rows,
      dim: f.dim,
      seed: f.seed,
      onProgress: this.progress(),
    });
    const row = (name: string, m: SimulateResult['central']) =>
      `${name.padEnd(10)} ndcg@10 ${m.ndcg10.toFixed(4)}  recall@10 ${m.recall10.toFixed(4)}  recall@50 ${m.recall50.toFixed(4)}  coverage@10 ${m.coverage10.toFixed(4)}`;
    this.log(`${r.nodes} nodes, ${r.rounds} rounds, epsilon ${Number.isFinite(r.privacy.epsilon) ? r.privacy.epsilon.toFixed(2) : 'none (no noise)'} per node (delta ${r.privacy.delta})`);
    if (Number.isFinite(r.privacy.epsilon))
      this.log(`  (that epsilon holds against whoever sees the published models; against the hub itself, which sees each update with one node's noise, it is ${r.privacy.epsilonVsHub.toExponential(1)}: no secure aggregation yet)`);
    this.log(row('central', r.central));
    this.log(row('federated', r.federated));
    this.log(`federated / central ndcg@10 = ${r.ratioNdcg10.toFixed(3)}`);
    this.log(`payload ${r.payloadBytesByRound.map((b) => b.toLocaleString("en-US")).join(" / ")} bytes by round; ${r.contributionsPerSecond.toFixed(1)} accepted contributions/s; aggregation ${r.aggregationMsPerRound.map((m) => m.toFixed(0)).join(', ')} ms`);
    this.log(`federated model in ${r.out}, the central one in ${r.out}/central, the split in ${r.out}/train.tsv and ${r.out}/heldout.tsv`);
    return r;
  }
}
