/**
 * What a real listen can look like, for every import source. A row outside these bounds is a
 * damaged or forged record; storing it would skew statistics and, for a 2099 scrobble, stop every
 * later incremental Last.fm sync (its high-water mark would lie in the future).
 */
export const PLAY_BOUNDS = {
  /** 2000-01-01 UTC: before Spotify (2008) and Last.fm (2002); earlier dates are epoch-zero or typos. */
  earliestMs: Date.UTC(2000, 0, 1),
  /** A day of slack past now covers clocks and time zones set wrong on the listener's devices. */
  futureSlackMs: 86_400_000,
  /** No single listen runs longer than a day. */
  maxMsPlayed: 86_400_000,
} as const;

/** Why a row is not a possible listen; the reasons the import summaries count. */
export type ImplausibleReason = 'played_before_2000' | 'played_in_future' | 'negative_ms_played' | 'ms_played_over_24h';

/** The reason a listen at `playedAtMs` (UTC ms) lasting `msPlayed` is impossible, or undefined when it is plausible. */
export function implausiblePlay(playedAtMs: number, msPlayed?: number | null, nowMs: number = Date.now()): ImplausibleReason | undefined {
  if (playedAtMs < PLAY_BOUNDS.earliestMs) return 'played_before_2000';
  if (playedAtMs > nowMs + PLAY_BOUNDS.futureSlackMs) return 'played_in_future';
  if (msPlayed !== undefined && msPlayed !== null) {
    if (msPlayed < 0) return 'negative_ms_played';
    if (msPlayed > PLAY_BOUNDS.maxMsPlayed) return 'ms_played_over_24h';
  }
  return undefined;
}
