export { buildTrainingData, trackFeatures, LISTENER_ID, type TrainingData, type TrainingDataOptions } from './training-data.js';
