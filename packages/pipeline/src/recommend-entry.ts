// `@mixtape/pipeline/recommend`: a listener's recommendations from their personal model, blended with
// a pulled global model, without the rest of the pipeline (connectors, imports, push targets,
// reports) or the federation's client and hub. `mixtape recommend` loads this; writing the picks to
// a playlist file loads the push code only when asked (packages/cli/src/runtime-graph.test.ts).
export { recommendPersonal, RECOMMENDATION_PLAYLIST, type RecommendOptions, type RecommendResult, type RecommendedTrack } from './personal/recommend.js';
export { playlistFileFormat } from './push/file-format.js';
export { blendSummary } from './personal/federated.js';
