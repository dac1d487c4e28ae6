export { runStream, type StreamJob, type StreamResult, type PageContext } from './run-stream.js';
export { readCheckpoint, writeCheckpoint, upgradeCheckpoint, type CheckpointState } from './checkpoint.js';
export { startRun, finishRun, recordRun } from './runs.js';
