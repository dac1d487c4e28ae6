import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FederationParams } from '../params.js';
import type { Vocabulary } from '../vocab.js';

/** A hub running as a child process (its own event loop and core). */
export interface HubProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The compiled hub entry point next to this file (dist/hub/main.js). */
export function hubMainPath(): string {
  // Under vitest this module runs from src/; the runnable hub is always the compiled one.
  return fileURLToPath(new URL('../hub/main.js', import.meta.url)).replace(/([\\/])src([\\/]hub[\\/]main\.js)$/, '$1dist$2');
}

/** Starts `node dist/hub/main.js` with these options and waits for its "listening" line. */
export async function spawnHub(opts: {
  dir: string;
  port?: number;
  db?: string;
  params: FederationParams;
  /** A small vocabulary can travel in the arguments; a large one goes by file (argument length is limited). */
  vocabulary?: Vocabulary;
  vocabularyPath?: string;
  itemFeaturesPath?: string;
  burst?: number;
  perMinute?: number;
  onLog?: (line: string) => void;
}): Promise<HubProcess> {
  const { onLog, ...rest } = opts;
  const child = spawn(process.execPath, [hubMainPath(), JSON.stringify({ port: 0, ...rest })], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => onLog?.(d.trimEnd()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      out += d;
      const m = /listening (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`hub process exited with ${code} before listening`)));
    child.once('error', reject);
  });
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
