import { Flags } from '../../oclif.js';
import { enrichStore, enrichStoreArtists, ENRICH_SOURCES, type ArtistEnrichSummary, type EnrichSummary } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';
import { renderTable } from '../../render.js';

export default class Enrich extends MixtapeCommand<typeof Enrich> {
  static override summary = 'Enrich your tracks from Deezer, Last.fm and MusicBrainz: ids, BPM, tags, genres, similar artists and tracks';
  static override description =
    'Runs each service at its own rate limit (MIXTAPE_DEEZER_RATE=50/5s style overrides), caches every answer in the database, and resumes after any interruption. Last.fm needs LASTFM_API_KEY. A second run asks nothing already known. With --artists FILE (a federation vocabulary: one artist name a line, or "key<TAB>name" lines) it looks up only those artists\' Last.fm tags and similar artists, played or not, for `mixtape federation features`.';
  static override examples = ['<%= config.bin %> enrich', '<%= config.bin %> enrich --artists artists.txt', '<%= config.bin %> enrich --sources deezer,musicbrainz --limit 500', '<%= config.bin %> enrich --refresh --json'];
  static override flags = {
    sources: Flags.string({ description: `comma-separated subset of: ${ENRICH_SOURCES.join(', ')}` }),
    limit: Flags.integer({ min: 0, description: 'at most this many tracks per source' }),
    artists: Flags.string({ exclusive: ['sources', 'limit'], description: 'only look up the artists this file lists on Last.fm (top tags, similar artists), whether played or not' }),
    refresh: Flags.boolean({ default: false, description: 'ask the services again, bypassing the cache and earlier results' }),
  };

  async run(): Promise<EnrichSummary | ArtistEnrichSummary> {
    if (this.flags.artists) {
      const a = await enrichStoreArtists({ dataDir: this.flags['data-dir'], file: this.flags.artists, refresh: this.flags.refresh, onProgress: this.progress() });
      if (!this.jsonEnabled()) {
        this.log(renderTable([{ source: 'lastfm (artists)', listed: a.listed, known: a.known, enriched: a.enriched, notFound: a.notFound, failed: a.failed, requests: a.requests, cacheHits: a.cacheHits, rateLimited: a.rateLimited }]));
        this.log(`${a.seconds.toFixed(1)} s`);
      }
      return a;
    }
    const s = await enrichStore({ dataDir: this.flags['data-dir'], sources: this.flags.sources, limit: this.flags.limit, refresh: this.flags.refresh, onProgress: this.progress() });
    if (!this.jsonEnabled()) {
      this.log(renderTable(Object.entries(s.sources).map(([source, v]) => ({ source, ...v }))));
      this.log(`${s.seconds.toFixed(1)} s`);
    }
    return s;
  }
}
