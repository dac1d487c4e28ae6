export { readColumns, tableFunction } from './read-file.js';
export { readInteractionsFile, readItemFeaturesFile, readUserIds } from './interactions-file.js';
export { fitFromFile, recommendFromModel, evalDataset, formatComparison, EVAL_DATASETS, type FitSummary, type UserRecommendations } from './model-jobs.js';
export type { Comparison } from '@mixtape/model';
