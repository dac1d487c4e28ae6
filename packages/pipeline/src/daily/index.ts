export { runDaily, dailyDescription, DAILY_NAME, DAILY_DEFAULTS, type DailyOptions, type DailySummary, type DailyTargetReport } from './daily.js';
export { DAILY_SOURCES, type DailySource, type SourceSync } from './sources.js';
export { DAILY_TARGETS, type DailyTarget } from './targets.js';
