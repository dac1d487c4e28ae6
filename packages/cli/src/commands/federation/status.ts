import { Flags } from '../../oclif.js';
import { privacyStatus } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';
import { againstHub } from '../../federation-text.js';

export default class FederationStatus extends MixtapeCommand<typeof FederationStatus> {
  static override summary = 'Show the hub this node joined, the privacy it has spent, and whom that epsilon protects against';
  static override examples = ['<%= config.bin %> federation status --json'];
  static override flags = {
    'state-dir': Flags.string({ description: 'Folder for the identity and ledger (default: $MIXTAPE_CONFIG_DIR/federation)' }),
  };

  async run(): Promise<Awaited<ReturnType<typeof privacyStatus>>> {
    const dir = this.flags['state-dir'];
    const s = await privacyStatus(dir ? { dir } : {});
    this.log(`hub ${s.hub}: published to ${s.rounds} rounds; budget epsilon ${s.budget} (delta ${s.delta}), ${s.remaining.toFixed(2)} left`);
    this.log(`  epsilon ${s.epsilon.toFixed(2)} against everyone but the hub (other listeners, anyone who sees the published models)`);
    this.log(`  ${againstHub(s)}`);
    if (s.installedVersion !== undefined) this.log(`installed model: version ${s.installedVersion}${s.installedStage ? ` (${s.installedStage})` : ''}`);
    return s;
  }
}

