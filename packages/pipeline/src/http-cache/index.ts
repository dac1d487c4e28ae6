export { CachedGetter, cacheKey, httpCacheStatus, DEFAULT_TTLS, NOT_FOUND_TTL_MS, type TtlRule, type HttpCacheStatus } from './cache.js';
export { DbLock } from './lock.js';
