import { Flags } from '../oclif.js';
import { DAILY_DEFAULTS, DAILY_NAME, DAILY_SOURCES, DAILY_TARGETS, runDaily, type DailySummary } from '@mixtape/pipeline';
import { MixtapeCommand } from '../base-command.js';
import { renderTable } from '../render.js';

const sources = DAILY_SOURCES.map((s) => `${s.name} (${s.env.join(', ')})`).join('; ');
const targets = DAILY_TARGETS.map((t) => `${t.name} (${t.env.join(', ')})`).join('; ');

export default class Daily extends MixtapeCommand<typeof Daily> {
  static override summary = 'Sync new listens, fold them into your taste without retraining, and refresh one discovery playlist on every target';
  static override description = `Syncs new listens and likes from every configured source (${sources}), folds them into your listener vector against the trained item factors (no retraining: the nightly full retrain stays \`mixtape train\`, or \`mixtape run --phases train\`), then replaces the contents of one playlist on every configured target (${targets}; Spotify only with --to spotify; a file with --out).
Rules: only tracks the target has; nothing heard in the last --fresh-days days except up to --favourites-share of favourites; at most 2 tracks per artist; banned tracks never; each pick's reason in the playlist's comment.
The same remote playlist is updated in place every day (its id is kept), and a rerun with nothing new sends no writes.
A source or target that fails does not stop the others: every other target is refreshed, then the command fails with that target's error.
Run it every day with \`mixtape schedule add daily\` (06:00 by default) and \`mixtape daemon\`.`;
  static override examples = [
    'SUBSONIC_URL=http://localhost:4533 SUBSONIC_USER=me SUBSONIC_PASSWORD=... <%= config.bin %> daily',
    '<%= config.bin %> daily --name "Morning Mix" --count 30 --fresh-days 3 --favourites-share 0.3',
    '<%= config.bin %> daily --out daily.m3u8 --music-dir ~/Music --json',
  ];
  static override flags = {
    name: Flags.string({ default: DAILY_NAME, description: 'the playlist name; another name is another playlist' }),
    count: Flags.integer({ default: DAILY_DEFAULTS.count, min: 1, max: 1000, description: 'how many tracks' }),
    'fresh-days': Flags.integer({ default: DAILY_DEFAULTS.freshDays, min: 0, description: 'leave out tracks heard in this many days (favourites excepted, up to their share)' }),
    'favourites-share': Flags.string({ default: String(DAILY_DEFAULTS.favouritesShare), description: 'share of the playlist, 0 to 1, that recently heard favourites may take' }),
    explore: Flags.string({ default: String(DAILY_DEFAULTS.explore), description: 'share of new music, 0 to 1' }),
    to: Flags.string({ multiple: true, options: DAILY_TARGETS.map((t) => t.name), description: 'only these targets (default: every configured one)' }),
    out: Flags.string({ description: 'also write the playlist to this file (.m3u8, .xspf or .jspf)' }),
    'music-dir': Flags.string({ description: 'with --out: only tracks found in this folder, pointed at their files' }),
    seed: Flags.integer({ default: DAILY_DEFAULTS.seed, description: 'random seed of the exploration (fixed, so nothing new means nothing changes)' }),
    'state-dir': Flags.string({ description: 'Federation folder holding the pulled global model (default: $MIXTAPE_CONFIG_DIR/federation)' }),
  };

  async run(): Promise<DailySummary> {
    const f = this.flags;
    const s = await runDaily({
      store: this.storeOptions(), name: f.name, count: f.count, freshDays: f['fresh-days'], favouritesShare: this.share(f['favourites-share'], 'favourites-share'),
      explore: this.share(f.explore, 'explore'), seed: f.seed, stateDir: f['state-dir'], onProgress: this.progress(),
      ...(f.to ? { to: f.to } : {}), ...(f.out ? { out: f.out } : {}), ...(f['music-dir'] ? { musicDir: f['music-dir'] } : {}),
    });
    if (!this.jsonEnabled()) {
      for (const x of s.sources) this.log('failed' in x ? `${x.name}: sync failed (${x.failed})` : `${x.name}: ${x.plays} new plays, ${x.feedback} likes read`);
      if (s.federation) this.log(`federation: ${s.federation}`);
      this.log(`folded into your vector: ${s.fold.plays} plays and ${s.fold.saves} saves since ${s.fold.cutoff} (${s.fold.unknownTracks} tracks wait for the next \`mixtape train\`)`);
      this.log(renderTable(s.targets.map((t) => ({ target: t.target, available: t.available, picks: t.picks, 'recent favourites': t.recent_favourites, action: 'parts' in t.push ? t.push.parts.map((p) => p.action).join(',') : `written ${t.push.out}`, requests: 'parts' in t.push ? t.push.requests : '' }))));
      this.log(`"${s.name}" refreshed in ${s.seconds} s`);
    }
    return s;
  }
}
