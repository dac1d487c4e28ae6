// The one retry rule lives in @mixtape/core with the client; connectors keep this path.
export { decideRetry, parseRetryAfter, rateLimitResetMs, windowUsedUpMs, serverWaitMs, type Outcome, type RetryPolicy, type RetryDecision, type BodyVerdict } from '@mixtape/core';
