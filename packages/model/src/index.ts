export { hashString } from './data/hash.js';
export {
  IdIndex,
  buildInteractions,
  buildCodedInteractions,
  fromTriples,
  transpose,
  itemCounts,
  mapValues,
  nnz,
  type Interactions,
  type InteractionColumns,
  type CodedInteractionColumns,
} from './data/interactions.js';
export { buildItemFeatures, buildCodedItemFeatures, emptyFeatures, featureSlot, DEFAULT_SLOTS, type ItemFeatures, type FeatureColumns, type CodedFeatureColumns } from './data/item-features.js';
export { encodeColumn, type CodedColumn } from './data/coded.js';
export { splitPerUser, type Split } from './data/split.js';
export { loadHetrecLastfm, featuresWithout, type HetrecDataset } from './data/hetrec.js';
export { recallAtK, precisionAtK, ndcgAtK, coverage } from './metrics/metrics.js';
export { topK } from './metrics/top-k.js';
export { chooseOverDefault, HELD_OUT_MARGIN } from './metrics/held-out-choice.js';
export { evaluateScorer, type BatchScorer, type Metrics } from './metrics/evaluate.js';
export { popularityScorer } from './baselines/popularity.js';
export { trainItemKnn, itemKnnScorer, type ItemKnnModel, type ItemKnnOptions } from './baselines/item-knn.js';
export { trainIals, IALS_DEFAULTS, type IalsOptions } from './baselines/ials.js';
export { prestartTrainingThreads, trainThreads } from './hybrid/als-pool.js';
export { trainHybrid, HYBRID_DEFAULTS, type HybridOptions, type HybridParams } from './hybrid/train.js';
export type { HybridModel } from './hybrid/model.js';
export { factorScorer, type FactorModel } from './hybrid/factors.js';
export { hybridScorer } from './hybrid/scorer.js';
export { heldOutNdcg, selectHybrid, PERSONAL_CANDIDATES, SELECT_MARGIN, type HybridCandidate, type HybridSelection } from './hybrid/select.js';
export { buildContentIndex, contentIndexOf, contentProfile, contentScores, blendScores, addPrior, type ContentIndex } from './hybrid/content.js';
export { featureItems, featurePart, featureSweep } from './hybrid/features-step.js';
export { tensorEngine } from './engine/tf.js';
export { quantizeRows, dequantizeRows, tableBytes, type Int8Table } from './serve/quantize.js';
export { ItemIndex, type Scored } from './serve/item-index.js';
export { foldIn, foldInContext, choleskySolve, FEEDBACK_EVIDENCE, type Evidence, type FeedbackKind, type FoldInContext } from './serve/fold-in.js';
export { Recommender, type Listener, type Recommendation } from './serve/recommender.js';
export { buildPlaylist, type PlaylistOptions, type ItemInfo } from './serve/playlist.js';
export { explore, reasonFor, becauseOf, type Candidate, type Pick, type ArmStats, type ExploreOptions } from './serve/explore.js';
export { saveModel, loadModel, ARTIFACT_FORMAT, ARTIFACT_VERSION, type Manifest, type ModelArtifact } from './artifact/artifact.js';
export { compareModels, compareQuantized, type Comparison, type CompareOptions, type SplitFeatures, type EvalRow, type QuantizationReport } from './evaluate/compare.js';
export { fitModel, quantizeModel } from './fit.js';
