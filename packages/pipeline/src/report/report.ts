import { MixtapeError } from '@mixtape/core';
import { writeAtomic } from '../push/files.js';
import type { Store } from '../store/store.js';
import { listeningAggregates } from './aggregates.js';
import type { ReportData } from './charts.js';
import { federationSummary, todaysPicks, yearHighlights } from './extras.js';
import { renderReportHtml } from './html.js';

export interface ReportOptions {
  /** A year-in-review: every section narrowed to this year, plus its highlights. */
  year?: number | undefined;
  /** The federation folder to read the privacy ledger from (default: the config dir's). */
  federationDir?: string | undefined;
  now?: Date;
}

/** What `mixtape report` wrote. */
export interface ReportSummary {
  out: string;
  bytes: number;
  charts: number;
  data: ReportData;
}

/** Every aggregate of the report, computed in DuckDB; the listener's plays themselves never leave it. */
export async function reportData(store: Store, o: ReportOptions = {}): Promise<ReportData> {
  const year = o.year ?? null;
  const aggregates = await listeningAggregates(store, year);
  if (year !== null && aggregates.totals.plays === 0) {
    const all = await listeningAggregates(store, null);
    if (all.totals.plays > 0) {
      throw new MixtapeError('no_plays_that_year', `No music plays in ${year}: your history runs from ${all.totals.first} to ${all.totals.last}`, {
        suggestion: 'pick a year in that range, or leave out --year for the whole history',
      });
    }
  }
  return {
    generatedAt: (o.now ?? new Date()).toISOString(),
    aggregates,
    highlights: year !== null && aggregates.totals.plays > 0 ? await yearHighlights(store, year) : null,
    picks: await todaysPicks(store),
    federation: await federationSummary(o.federationDir),
  };
}

/** Writes the self-contained HTML report to `out` (whole or not at all). */
export async function writeReport(store: Store, out: string, o: ReportOptions = {}): Promise<ReportSummary> {
  const data = await reportData(store, o);
  const html = renderReportHtml(data);
  writeAtomic(out, html);
  return { out, bytes: Buffer.byteLength(html), charts: (html.match(/data-chart="[^"]+"/g) ?? []).length, data };
}
