import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Flags } from '../oclif.js';
import { withStore, writeReport, type ReportSummary } from '@mixtape/pipeline';
import { MixtapeCommand } from '../base-command.js';

export default class Report extends MixtapeCommand<typeof Report> {
  static override summary = 'Write a listening report: one self-contained HTML page of charts that opens offline';
  static override description =
    'Listening time, top artists, tracks and albums, when you listen, discovery, skips, tags, sessions, sources, today\'s picks and the federation budget. Only totals go into the page, computed in your database; --json prints the same totals.';
  static override examples = [
    '<%= config.bin %> report',
    '<%= config.bin %> report --year 2024 --out my-2024.html --open',
    '<%= config.bin %> report --json',
  ];
  static override flags = {
    year: Flags.integer({ min: 2000, max: 2100, description: 'a year in review: every chart narrowed to this year, with its highlights' }),
    out: Flags.string({ description: 'HTML file to write (default: mixtape-report.html, or mixtape-report-YEAR.html, here)' }),
    open: Flags.boolean({ default: false, description: 'open the report in your browser when written' }),
  };

  async run(): Promise<ReportSummary> {
    const { year, open } = this.flags;
    const out = resolve(this.flags.out ?? (year ? `mixtape-report-${year}.html` : 'mixtape-report.html'));
    const r = await withStore(this.storeOptions(), (store) => writeReport(store, out, { year }));
    if (!this.jsonEnabled()) {
      const t = r.data.aggregates.totals;
      this.log(t.plays ? `${r.charts} charts of ${t.plays} plays written to ${r.out} (${(r.bytes / 1024).toFixed(0)} KiB)` : `no plays yet: ${r.out} says what to import`);
    }
    if (open) this.openInBrowser(r.out);
    return r;
  }

  /** Hands the file to the desktop's opener; a machine without one still has the file. */
  private openInBrowser(file: string): void {
    const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
    const child = spawn(cmd, [file], { detached: true, stdio: 'ignore' });
    child.on('error', () => this.warn(`could not start ${cmd}; open ${file} in your browser`));
    child.unref();
  }
}
