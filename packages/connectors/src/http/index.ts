export { HttpClient, WRITE_UNCERTAIN, type HttpClientOptions, type HttpResponse, type HttpEvent, type HttpStats, type TokenSource, type RequestOptions, type HttpRequest } from './client.js';
export { decideRetry, parseRetryAfter, rateLimitResetMs, windowUsedUpMs, serverWaitMs, type Outcome, type RetryPolicy, type RetryDecision, type BodyVerdict } from './retry.js';
export { parseRate, rateFromEnv, formatRate, type Rate } from './rate.js';
export { offsetPages, cursorPages, nextLinkPages, pageNumberPages, MAX_PAGES, type Page, type Fetched } from './paging.js';
export { type Stream, type StreamPage } from './stream.js';
export { declareStream, readAll, keyOf, fieldOf, highWaterOf, type StreamDeclaration, type DeclaredStream, type Paginator, type Checkpoint, type WriteMode } from './declare.js';
export { type JsonGetter } from './getter.js';
