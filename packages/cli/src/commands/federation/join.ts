import { Flags } from '../../oclif.js';
import { joinFederation as join } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';

export default class FederationJoin extends MixtapeCommand<typeof FederationJoin> {
  static override summary = 'Join a federation hub: make this node an Ed25519 identity (kept 0600) and pin the hub key';
  static override examples = [
    '<%= config.bin %> federation join --hub http://127.0.0.1:8787',
    '<%= config.bin %> federation join --hub https://hub.example.org --budget 4',
    '<%= config.bin %> federation join --hub https://hub.example.org --invitation TOKEN',
    '<%= config.bin %> federation join --hub http://127.0.0.1:8787 --no-require-secure-aggregation',
  ];
  static override flags = {
    hub: Flags.string({ required: true, description: 'Base URL of the hub' }),
    budget: Flags.string({ description: 'Privacy budget: the most epsilon this node may spend over all its contributions (default 8)' }),
    delta: Flags.string({ description: 'Delta the epsilon is reported at (default 1e-5)' }),
    invitation: Flags.string({ description: 'The invitation the hub operator gave you (hubs that admit invited listeners only)' }),
    'require-secure-aggregation': Flags.boolean({
      default: true,
      allowNo: true,
      description: 'Refuse a hub that does not run secure aggregation (it would see each update with only this node\'s share of the noise); --no-require-secure-aggregation publishes to it anyway',
    }),
    'state-dir': Flags.string({ description: 'Folder for the identity and ledger (default: $MIXTAPE_CONFIG_DIR/federation)' }),
  };

  async run(): Promise<Awaited<ReturnType<typeof join>>> {
    const f = this.flags;
    const res = await join({
      hub: f.hub,
      ...(f['state-dir'] ? { dir: f['state-dir'] } : {}),
      ...(f.budget ? { budget: Number(f.budget) } : {}),
      ...(f.delta ? { delta: Number(f.delta) } : {}),
      ...(f.invitation ? { invitation: f.invitation } : {}),
      requireSecureAggregation: f['require-secure-aggregation'],
    });
    if (!res.params.secureAggregation) this.warn('this hub does not run secure aggregation: it sees each update you publish with only your share of the noise');
    this.log(`${res.identityCreated ? 'new identity' : 'identity'} ${res.nodeId} joined ${res.hub} (round ${res.round}); privacy spent: epsilon ${res.privacy.epsilon.toFixed(2)} of ${res.privacy.budget}`);
    return res;
  }
}
