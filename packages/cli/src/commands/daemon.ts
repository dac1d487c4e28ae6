import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dataDir, runDaemon, type DaemonEvent } from '@mixtape/pipeline';
import { MixtapeCommand } from '../base-command.js';

export default class Daemon extends MixtapeCommand<typeof Daemon> {
  static override summary = 'Run scheduled jobs until stopped (Ctrl-C); `mixtape schedule install` keeps it running';
  static override description = 'Jobs run one at a time; a job whose previous run is still going is skipped, and runs missed while the daemon was down are reported at start. History is in the runs table.';
  static override examples = ['<%= config.bin %> daemon', '<%= config.bin %> daemon --json  # one JSON event per line'];

  async run(): Promise<{ ran: number; failed: number }> {
    const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
    const dir = dataDir(this.flags['data-dir']);
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const runJob = (args: string[]) =>
      new Promise<{ code: number; output: string }>((resolve) => {
        const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, MIXTAPE_DATA_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
        child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
        child.on('close', (code) => resolve({ code: code ?? 1, output }));
      });
    const json = this.jsonEnabled();
    const onEvent = (e: DaemonEvent) => {
      if (json) process.stdout.write(`${JSON.stringify(e)}\n`);
      else this.log(`${e.at}  ${e.event.padEnd(8)} ${e.scheduleId !== undefined ? `#${e.scheduleId} ${e.job} ` : ''}${e.detail ?? ''}`);
    };
    const result = await runDaemon({ store: { dataDir: dir }, runJob, signal: controller.signal, onEvent });
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    return result;
  }
}
