export { trainPersonal, type TrainSummary } from './train.js';
export { recommendPersonal, RECOMMENDATION_PLAYLIST, type RecommendOptions, type RecommendResult, type RecommendedTrack } from './recommend.js';
export { recordFeedback, type FeedbackResult } from './feedback.js';
export { findTrack, loadPersonalModel } from './model-state.js';
export { writeRecommendations } from './write-out.js';
