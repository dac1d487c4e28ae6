import { startHub } from './run.js';

// A hub in its own process (used by `federation simulate` and the crash tests): options as JSON in
// argv[2]; prints "listening URL" once it serves, and runs until killed.
const opts = JSON.parse(process.argv[2] ?? '{}') as Parameters<typeof startHub>[0];
const hub = await startHub({ ...opts, log: (line) => process.stderr.write(`${line}\n`) });
process.stdout.write(`listening ${hub.url}\n`);
process.on('SIGTERM', () => void hub.stop().then(() => process.exit(0)));
