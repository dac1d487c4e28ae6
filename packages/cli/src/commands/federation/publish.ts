import { Flags } from '@oclif/core';
import { interactionsFromPlays, publish, vocabulary, privacyStatus, federationDir, type PlayedTrack } from '@mixtape/federation';
import { withStore } from '@mixtape/pipeline';
import { readFile } from 'node:fs/promises';
import { join as joinPath } from 'node:path';
import { MixtapeCommand } from '../../base-command.js';

export default class FederationPublish extends MixtapeCommand<typeof FederationPublish> {
  static override summary = 'Train on your plays from the current global model and publish a clipped, noised, signed update';
  static override examples = ['<%= config.bin %> federation publish', '<%= config.bin %> federation publish --json'];
  static override flags = {
    'state-dir': Flags.string({ description: 'Folder for the identity and ledger (default: $MIXTAPE_CONFIG_DIR/federation)' }),
  };

  async run(): Promise<Awaited<ReturnType<typeof publish>>> {
    const dir = this.flags['state-dir'];
    await privacyStatus(dir ? { dir } : {});
    const config = JSON.parse(await readFile(joinPath(federationDir(dir), 'node.json'), 'utf8')) as { vocabVersion: string };
    const rows = Number(config.vocabVersion.split('-').pop());
    // Only row numbers and weights leave this function; names and counts stay on this machine.
    const tracks = await withStore(this.storeOptions(), async (store) =>
      (await store.all(
        `SELECT t.isrc, t.mbid, t.artist_name AS artist, t.title, count(*)::DOUBLE AS plays
         FROM plays p JOIN tracks t USING (track_id)
         WHERE p.kind = 'track' AND coalesce(p.skipped, FALSE) = FALSE
         GROUP BY ALL`,
      )) as unknown as PlayedTrack[],
    );
    const res = await publish({ ...(dir ? { dir } : {}), interactions: interactionsFromPlays(vocabulary(rows), tracks) });
    this.log(
      `published to round ${res.round} (${res.accepted}/${res.needed} contributions, ${res.payloadBytes.toLocaleString('en-US')} bytes); epsilon spent ${res.privacy.epsilon.toFixed(2)} of ${res.privacy.budget}`,
    );
    return res;
  }
}
