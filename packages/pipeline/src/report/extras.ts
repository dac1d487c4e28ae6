import { privacyStatus } from '@mixtape/federation';
import { RECOMMENDATION_PLAYLIST } from '../personal/recommend.js';
import type { Store } from '../store/store.js';
import { SCOPE, type Rows } from './aggregates.js';

/** A year-in-review's own highlights (`--year`). */
export interface YearHighlights {
  topArtist: { artist: string; plays: number; firstEver: string } | null;
  mostReplayedDay: { day: string; track: string; artist: string; plays: number } | null;
  busiestDay: { day: string; plays: number; minutes: number } | null;
}

/** Epsilon spent and left, when this machine joined a federation. */
export interface FederationSummary {
  hub: string;
  budget: number;
  epsilon: number;
  remaining: number;
  rounds: number;
}

/** Today's picks: the `mixtape-recommendations` playlist with each track's reason, when one was made. */
export async function todaysPicks(store: Store): Promise<Rows> {
  return store.all(
    `SELECT r.position + 1 AS position, coalesce(t.title, r.track_id) AS track, t.artist_name AS artist, r.arm, r.reason
     FROM recommendations r LEFT JOIN tracks t USING (track_id) WHERE r.playlist_id = $1 ORDER BY r.position`,
    [RECOMMENDATION_PLAYLIST],
  );
}

/** The year's top artist and when they were first heard, its most replayed day and its busiest day. */
export async function yearHighlights(store: Store, year: number): Promise<YearHighlights> {
  const topArtist = await store.one<{ artist: string; plays: number; firstEver: string }>(`WITH ${SCOPE}, top AS (
  SELECT artist, count(*)::BIGINT AS plays FROM music GROUP BY 1 ORDER BY plays DESC, sum(ms_played) DESC, artist LIMIT 1)
SELECT top.artist, top.plays, (SELECT strftime(min(p.played_at), '%Y-%m-%d') FROM plays p JOIN tracks t USING (track_id)
  WHERE p.kind = 'track' AND coalesce(t.artist_name, '(unknown artist)') = top.artist) AS "firstEver" FROM top`, [year]);
  const mostReplayedDay = await store.one<YearHighlights['mostReplayedDay'] & object>(`WITH ${SCOPE}
SELECT strftime(played_at::DATE, '%Y-%m-%d') AS day, any_value(title) AS track, any_value(artist) AS artist, count(*)::BIGINT AS plays
FROM music GROUP BY played_at::DATE, track_id ORDER BY plays DESC, day LIMIT 1`, [year]);
  const busiestDay = await store.one<YearHighlights['busiestDay'] & object>(`WITH ${SCOPE}
SELECT strftime(played_at::DATE, '%Y-%m-%d') AS day, count(*)::BIGINT AS plays, round(sum(ms_played) / 60000.0)::BIGINT AS minutes
FROM music GROUP BY played_at::DATE ORDER BY minutes DESC, day LIMIT 1`, [year]);
  return { topArtist: topArtist ?? null, mostReplayedDay: mostReplayedDay ?? null, busiestDay: busiestDay ?? null };
}

/**
 * The federation's privacy spending through the federation package's own report; undefined when
 * this machine never joined (or its config cannot be read: the report still works without it).
 */
export async function federationSummary(dir?: string): Promise<FederationSummary | null> {
  try {
    const s = await privacyStatus(dir === undefined ? {} : { dir });
    return { hub: s.hub, budget: s.budget, epsilon: s.epsilon, remaining: s.remaining, rounds: s.rounds };
  } catch {
    return null;
  }
}
