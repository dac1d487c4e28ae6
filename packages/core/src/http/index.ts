export { HttpClient } from './client.js';
export { WRITE_UNCERTAIN, type HttpClientOptions, type HttpResponse, type HttpEvent, type HttpStats, type TokenSource, type RequestOptions, type HttpRequest } from './types.js';
export { decideRetry, parseRetryAfter, rateLimitResetMs, windowUsedUpMs, serverWaitMs, type Outcome, type RetryPolicy, type RetryDecision, type BodyVerdict } from './retry.js';
export { parseRate, rateFromEnv, formatRate, type Rate } from './rate.js';
export { ServiceLimiter, LimiterRegistry, serviceLimiters, systemClock, type Clock, type LimiterOptions, type Slot, type Admission } from './limiter.js';
