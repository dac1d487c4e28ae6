import { Flags } from '@oclif/core';
import { privacyStatus } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';

export default class FederationStatus extends MixtapeCommand<typeof FederationStatus> {
  static override summary = 'Show the hub this node joined and the privacy it has spent';
  static override examples = ['<%= config.bin %> federation status --json'];
  static override flags = {
    'state-dir': Flags.string({ description: 'Folder for the identity and ledger (default: $MIXTAPE_CONFIG_DIR/federation)' }),
  };

  async run(): Promise<Awaited<ReturnType<typeof privacyStatus>>> {
    const dir = this.flags['state-dir'];
    const s = await privacyStatus(dir ? { dir } : {});
    this.log(`hub ${s.hub}: ${s.rounds} rounds, epsilon ${s.epsilon.toFixed(2)} of ${s.budget} (delta ${s.delta}); against the hub itself epsilon ${s.epsilonVsHub.toFixed(1)}`);
    return s;
  }
}
