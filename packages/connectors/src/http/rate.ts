// Rates live in @mixtape/core with the client and its limiter; connectors keep this path.
export { parseRate, rateFromEnv, formatRate, type Rate } from '@mixtape/core';
