import { Flags } from '../../oclif.js';
import { federationDir, inviteToHub } from '@mixtape/pipeline';
import { join } from 'node:path';
import { MixtapeCommand } from '../../base-command.js';

export default class FederationInvite extends MixtapeCommand<typeof FederationInvite> {
  static override summary = 'Make an invitation for a hub started with --invitations: a token signed with the hub key, for up to --max identities';
  static override examples = ['<%= config.bin %> federation invite --max 1 --days 30', '<%= config.bin %> federation invite --dir ./hub --max 3'];
  static override flags = {
    dir: Flags.string({ description: 'The hub folder holding hub-key.pem (default: $MIXTAPE_CONFIG_DIR/federation/hub)' }),
    max: Flags.integer({ default: 1, min: 1, description: 'Identities this invitation admits (the hub caps it at its --invitations)' }),
    days: Flags.integer({ default: 0, min: 0, description: 'Days until it expires; 0 = never' }),
  };

  async run(): Promise<{ token: string; max: number; expires: number }> {
    const f = this.flags;
    const r = await inviteToHub({ dir: f.dir ?? join(federationDir(), 'hub'), max: f.max, expires: f.days > 0 ? Date.now() + f.days * 86_400_000 : 0 });
    this.log(r.token);
    this.log(`for up to ${r.max} identit${r.max === 1 ? 'y' : 'ies'}${r.expires ? `, until ${new Date(r.expires).toISOString()}` : ''}; the listener runs \`mixtape federation join --hub URL --invitation TOKEN\``);
    return r;
  }
}
