import type { MixtapeError } from '../errors.js';
import type { ServiceLimiter } from './limiter.js';
import type { Rate } from './rate.js';
import type { RetryPolicy } from './retry.js';

/** Supplies bearer tokens; `refresh` is called once after a 401. */
export interface TokenSource {
  token(): Promise<string>;
  /** Called after a 401 with the token that failed; a source that already moved on returns the new one. */
  refresh?(failed?: string): Promise<string>;
}

/** Something worth telling the user: a retry with its reason, or a wait for a rate limit. */
export interface HttpEvent {
  type: 'retry' | 'pause' | 'request';
  service: string;
  url: string;
  reason?: string;
  waitMs?: number;
  status?: number;
}

export interface HttpClientOptions {
  service: string;
  baseUrl: string;
  /** The most this service is asked for; the shared limiter adapts below it after 429s. */
  rate: Rate;
  /** Requests in flight at once. */
  concurrency: number;
  policy: Omit<RetryPolicy, 'service'>;
  /** Extra spacing per window, so clock jitter between us and the server never crosses the limit. */
  safetyMs?: number;
  headers?: Record<string, string>;
  auth?: TokenSource;
  timeoutMs?: number;
  onEvent?: (e: HttpEvent) => void;
  /** Query parameters that are secrets (api keys): sent, never logged. */
  secretParams?: string[];
  /** A limiter of its own instead of the service's shared one (tests hand one with a fake clock). */
  limiter?: ServiceLimiter;
}

export interface HttpResponse<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string>;
  url: string;
  /** 'not_found' when the service said the thing does not exist (an answer, not an error). */
  outcome: 'ok' | 'not_found' | 'accepted';
  /** The body as received, when the request asked for it (`keepBytes`). */
  bytes?: Buffer;
  /** An earlier attempt may have reached the server without its answer reaching us (it may have acted on it). */
  retried?: true;
}

export interface RequestOptions {
  params?: Record<string, string | number | boolean | undefined>;
  method?: string;
  /** Statuses handed back to the caller as answers (e.g. 403 for a foreign playlist). */
  accept?: number[] | ((status: number) => boolean);
}

/** One request of any method; `get` is this with method GET. */
export interface HttpRequest extends RequestOptions {
  method: string;
  path: string;
  /** Sent as JSON, or as is (application/octet-stream) when it is bytes. */
  body?: unknown;
  /** Header used for the token: `Bearer` (default) or `Token` (ListenBrainz). */
  authScheme?: string;
  /**
   * Whether sending it twice is harmless (default: every method but POST). One that is not is
   * never repeated after an answer that leaves its effect unknown: `write_uncertain` is thrown and
   * the caller re-reads to learn which.
   */
  idempotent?: boolean;
  /** A service's own reading of an answer: an error to throw as is (e.g. Deezer's OAuthException inside a 200). */
  failOn?: (status: number, body: unknown) => MixtapeError | undefined;
  timeoutMs?: number;
  keepBytes?: boolean;
}

/** Counters for summaries and benchmarks. */
export interface HttpStats {
  requests: number;
  retries: number;
  rateLimited: number;
  serverErrors: number;
  networkErrors: number;
  waitedMs: number;
}

/** Thrown when a write that is not safe to repeat failed in a way that leaves its effect unknown. */
export const WRITE_UNCERTAIN = 'write_uncertain';
