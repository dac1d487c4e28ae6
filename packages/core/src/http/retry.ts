import type { ErrorCode } from '../error-codes.js';
import { MixtapeError } from '../errors.js';

/** What one attempt produced: a response (status, headers, parsed body) or a thrown error. */
export type Outcome =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: unknown }
  | { kind: 'error'; error: unknown };

/** How a service reports problems inside otherwise successful answers. */
export type BodyVerdict = 'ok' | 'rate_limited' | 'quota' | 'not_found' | 'server' | 'client';

/** Service rules fed to the retry decision; all pure. */
export interface RetryPolicy {
  service: string;
  maxAttempts: number;
  /** First backoff step; doubles per attempt up to maxBackoffMs, plus up to 25% jitter from `random`. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** Wait for a 429 without Retry-After. */
  defaultRetryAfterMs: number;
  /** Reads errors a service sends inside HTTP 200 (Deezer code 4, Last.fm 29) or in error bodies. */
  inspectBody?: (status: number, body: unknown) => BodyVerdict;
  /** Whether a 401 may be answered by refreshing the token (once). */
  canRefresh?: boolean;
  /** When a quota resets, if the service says so; else the decision says "tomorrow". */
  quotaResumeMs?: number;
  random?: () => number;
}

/** The decision for one attempt. `stop` is the MixtapeError to throw when retrying makes no sense. */
export interface RetryDecision {
  retry: boolean;
  reason: string;
  waitMs: number;
  /** The answer is final and usable as is (2xx, or a not-found that callers treat as an answer). */
  done?: 'ok' | 'not_found';
  /** Refresh the access token before the next attempt. */
  refresh?: boolean;
  /** The whole client must pause (rate limit), not only this request. */
  pauseAll?: boolean;
  stop?: MixtapeError;
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A header by either of its names: `X-RateLimit-*` (ListenBrainz, GitHub) or the IETF draft's `RateLimit-*`. */
function rateHeader(headers: Record<string, string>, name: string): string | undefined {
  return headers[`x-ratelimit-${name}`] ?? headers[`ratelimit-${name}`];
}

/**
 * Milliseconds until the server's rate window resets, from `X-RateLimit-Reset-In` (seconds, immune
 * to clock skew, https://listenbrainz.readthedocs.io/en/latest/users/api/index.html#rate-limiting)
 * or `X-RateLimit-Reset` (a UNIX time in seconds, or seconds from now when too small to be one).
 */
export function rateLimitResetMs(headers: Record<string, string>, now = Date.now()): number | undefined {
  const resetIn = Number(rateHeader(headers, 'reset-in') ?? Number.NaN);
  if (Number.isFinite(resetIn) && resetIn >= 0) return Math.ceil(resetIn * 1000);
  const reset = Number(rateHeader(headers, 'reset') ?? Number.NaN);
  if (!Number.isFinite(reset) || reset < 0) return undefined;
  return reset > 1e9 ? Math.max(0, Math.ceil(reset * 1000 - now)) : Math.ceil(reset * 1000);
}

/** When an answer says its window is used up (`X-RateLimit-Remaining: 0`), how long until it resets. */
export function windowUsedUpMs(headers: Record<string, string>, now = Date.now()): number | undefined {
  const remaining = rateHeader(headers, 'remaining');
  if (remaining === undefined || remaining.trim() === '' || Number(remaining) > 0) return undefined;
  const ms = rateLimitResetMs(headers, now);
  return ms !== undefined && ms > 0 ? ms : undefined;
}

/** The wait a server asked for on a rate limit: Retry-After first, else the reset of its window. */
export function serverWaitMs(headers: Record<string, string>, now = Date.now()): number | undefined {
  return parseRetryAfter(headers['retry-after'], now) ?? rateLimitResetMs(headers, now);
}

function backoff(policy: RetryPolicy, attempt: number): number {
  const base = Math.min(policy.maxBackoffMs, policy.baseBackoffMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (1 + 0.25 * (policy.random ?? Math.random)()));
}

function networkReason(error: unknown): string {
  const e = error as { code?: string; name?: string; cause?: { code?: string; message?: string }; message?: string };
  // fetch wraps the reason in `cause` ("fetch failed" / TypeError): a code, else its message ("bad port").
  return e?.cause?.code ?? e?.code ?? e?.cause?.message ?? e?.name ?? 'network error';
}

/**
 * The one retry rule, a pure function of an attempt's outcome and its number (1-based).
 * 429 honours Retry-After (else the X-RateLimit reset) and pauses the whole service; errors inside
 * a 200 that mean "slow down" count as 429; 5xx and network errors back off; 401 refreshes the token once; a quota stops with
 * a message that says when to resume; not-found is an answer.
 */
export function decideRetry(outcome: Outcome, attempt: number, policy: RetryPolicy): RetryDecision {
  const last = attempt >= policy.maxAttempts;
  const giveUp = (reason: string, code: ErrorCode = 'service_unavailable'): RetryDecision => ({
    retry: false,
    reason,
    waitMs: 0,
    stop: new MixtapeError(code, `${policy.service} kept failing (${reason}) after ${attempt} attempts`, {
      suggestion: 'check your network or the service status, then run the same command again: it resumes where it stopped',
    }),
  });

  if (outcome.kind === 'error') {
    const reason = networkReason(outcome.error);
    return last ? giveUp(reason) : { retry: true, reason, waitMs: backoff(policy, attempt) };
  }

  const { status, headers, body } = outcome;
  const verdict: BodyVerdict = policy.inspectBody?.(status, body) ?? 'ok';

  if (verdict === 'quota') {
    const resumeMs = parseRetryAfter(headers['retry-after']) ?? policy.quotaResumeMs ?? 24 * 3600_000;
    const resumeAt = new Date(Date.now() + resumeMs).toISOString();
    return {
      retry: false,
      reason: 'quota exceeded',
      waitMs: 0,
      stop: new MixtapeError('quota_exceeded', `${policy.service} says this app's quota is used up; it resets around ${resumeAt}`, {
        suggestion: `run the same command again after ${resumeAt}: it resumes where it stopped`,
      }),
    };
  }

  if (status === 429 || verdict === 'rate_limited') {
    const waitMs = serverWaitMs(headers) ?? policy.defaultRetryAfterMs;
    const reason = status === 429 ? 'HTTP 429' : `rate limit inside HTTP ${status}`;
    // Rate limits are not failures of this request: they get more tries than other errors.
    if (attempt >= policy.maxAttempts * 3) return giveUp(reason, 'rate_limited');
    return { retry: true, reason, waitMs, pauseAll: true };
  }

  if (status === 401) {
    if (policy.canRefresh && attempt === 1) return { retry: true, reason: 'HTTP 401, refreshing the token', waitMs: 0, refresh: true };
    return {
      retry: false,
      reason: 'HTTP 401',
      waitMs: 0,
      stop: new MixtapeError('unauthorized', `${policy.service} refused the access token (401)`, {
        suggestion: `log in again (mixtape auth ${policy.service.toLowerCase()}) or check the token in the environment`,
      }),
    };
  }

  if (status === 404 || verdict === 'not_found') return { retry: false, reason: 'not found', waitMs: 0, done: 'not_found' };

  if (status >= 500 || verdict === 'server') {
    const reason = `HTTP ${status}${verdict === 'server' && status < 500 ? ' with a server error inside' : ''}`;
    const retryAfter = parseRetryAfter(headers['retry-after']);
    return last ? giveUp(reason) : { retry: true, reason, waitMs: Math.max(retryAfter ?? 0, backoff(policy, attempt)) };
  }

  if (status >= 200 && status < 300 && verdict === 'ok') return { retry: false, reason: 'ok', waitMs: 0, done: 'ok' };

  if (status === 403) {
    return {
      retry: false,
      reason: 'HTTP 403',
      waitMs: 0,
      stop: new MixtapeError('forbidden', `${policy.service} refused the request (403): the key or token is not allowed to do this`, {
        suggestion: 'check the API key or log in again; requests the service may refuse case by case are handled where they are made',
      }),
    };
  }

  return {
    retry: false,
    reason: `HTTP ${status}`,
    waitMs: 0,
    stop: new MixtapeError('request_failed', `${policy.service} answered HTTP ${status}`, {
      suggestion: 'this request cannot succeed as sent; run with DEBUG=1 to see it and report it if it persists',
    }),
  };
}
