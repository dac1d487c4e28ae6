// `@mixtape/federation/listener`: what a listener's machine needs to serve with a pulled global model
// (the installed model, its vocabulary keys and the listener's own vector and scores), without the
// protocol client, the hub, secure aggregation or the simulator. `recommend` loads this
// (packages/cli/src/runtime-graph.test.ts).
export { listenerVector, listenerScores, scoreItems, type GlobalModel } from './als/listener.js';
export type { Listens } from './als/node-step.js';
export { federationDir, loadInstalledModel, type NodeConfig } from './client/installed.js';
export { listensFromPlays, trackKeys, type PlayedTrack } from './plays.js';
