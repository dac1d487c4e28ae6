import { Flags } from '../../oclif.js';
import { privacyStatus, publishFromStore } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';

export default class FederationPublish extends MixtapeCommand<typeof FederationPublish> {
  static override summary = 'Train on your plays from the current global model and publish a clipped, noised, signed update';
  static override examples = ['<%= config.bin %> federation publish', '<%= config.bin %> federation publish --json'];
  static override flags = {
    'state-dir': Flags.string({ description: 'Folder for the identity and ledger (default: $MIXTAPE_CONFIG_DIR/federation)' }),
  };

  async run(): Promise<Awaited<ReturnType<typeof publishFromStore>>> {
    const dir = this.flags['state-dir'];
    await privacyStatus(dir ? { dir } : {});
    const res = await publishFromStore({ store: this.storeOptions(), stateDir: dir, onProgress: this.progress() });
    this.log(
      `published to round ${res.round} (${res.accepted}/${res.needed} contributions, ${res.payloadBytes.toLocaleString('en-US')} bytes); epsilon spent ${res.privacy.epsilon.toFixed(2)} of ${res.privacy.budget}`,
    );
    return res;
  }
}
