import { Flags } from '../../oclif.js';
import type { HubFeaturesSummary } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';

export default class FederationFeatures extends MixtapeCommand<typeof FederationFeatures> {
  static override summary = "Write a hub's public item features (artist tags, similar artists) from this store's enrichment";
  static override description =
    'Reads the artist tags and similar artists `mixtape enrich --sources lastfm` stored (what Last.fm publishes about artists, no one\'s listening) and writes them as "item<TAB>feature<TAB>weight" rows keyed as a federation vocabulary keys artists, for `mixtape federation serve --item-features`: artists outside the shared set then get factors from their tags and from the learned factors of the shared artists they are like. With --vocabulary only its artists are written; without it every enriched artist is, and --vocabulary-out writes the matching vocabulary.';
  static override examples = [
    '<%= config.bin %> federation features --vocabulary artists.tsv --out artist-features.tsv',
    '<%= config.bin %> federation features --out artist-features.tsv --vocabulary-out artists.tsv',
  ];
  static override flags = {
    out: Flags.string({ required: true, description: 'features file to write (replaced whole, or left as it was on an error)' }),
    vocabulary: Flags.string({ description: 'the hub\'s vocabulary file ("key<TAB>name" lines, or one artist name a line): write rows for its artists only' }),
    'vocabulary-out': Flags.string({ exclusive: ['vocabulary'], description: 'without --vocabulary: also write a vocabulary ("key<TAB>name") of the artists written' }),
  };

  async run(): Promise<HubFeaturesSummary> {
    const f = this.flags;
    const { writeHubFeatures } = await import('@mixtape/pipeline');
    const s = await writeHubFeatures({ store: this.storeOptions(), out: f.out, vocabulary: f.vocabulary, vocabularyOut: f['vocabulary-out'] });
    this.log(`wrote ${s.rows.toLocaleString('en-US')} rows for ${s.items.toLocaleString('en-US')} artists (${s.withTags} with tags, ${s.withSimilar} with similar artists) to ${s.out}`);
    if (s.vocabulary) {
      const v = s.vocabulary;
      this.log(`vocabulary ${v.path}: ${v.artists} of its ${v.items} items are artists; ${v.withoutFeatures} of them have no tags or similar artists in this store`);
    }
    if (s.vocabularyOut) this.log(`wrote a vocabulary of ${s.vocabularyOut.items.toLocaleString('en-US')} artists (these, and those named only as similar to one) to ${s.vocabularyOut.path}`);
    return s;
  }
}
