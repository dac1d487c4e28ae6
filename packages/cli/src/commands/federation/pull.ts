import { Flags } from '../../oclif.js';
import { pullFederation as pull } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';

export default class FederationPull extends MixtapeCommand<typeof FederationPull> {
  static override summary = 'Download the latest global model, verify its hash and the hub signature, and install it';
  static override examples = ['<%= config.bin %> federation pull'];
  static override flags = {
    'state-dir': Flags.string({ description: 'Folder for the identity and ledger (default: $MIXTAPE_CONFIG_DIR/federation)' }),
  };

  async run(): Promise<Awaited<ReturnType<typeof pull>>> {
    const dir = this.flags['state-dir'];
    const res = await pull(dir ? { dir } : {});
    this.log(`${res.changed ? 'installed' : 'already had'} global model version ${res.version} (sha256 ${res.sha256.slice(0, 16)}…) in ${res.installedAt}`);
    return res;
  }
}
