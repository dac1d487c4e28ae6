/**
 * Report benchmark (issue 16): a store of N synthetic plays (default 1M), `writeReport` timed, the
 * file's size, and the time Chromium takes from opening the file to every chart drawn.
 *
 *   npx tsx bench/report.ts [plays=1000000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { withStore, writeReport } from '@mixtape/pipeline';
import { syntheticHistory } from '../packages/pipeline/src/test/helpers.js';

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'mixtape-bench-report-'));
  try {
    let t = performance.now();
    await withStore({ dataDir: dir }, (s) => syntheticHistory(s, n));
    const fillMs = performance.now() - t;
    t = performance.now();
    const out = join(dir, 'report.html');
    const r = await withStore({ dataDir: dir }, (s) => writeReport(s, out, { federationDir: join(dir, 'no-federation') }));
    const writeMs = performance.now() - t;
    const browser = await chromium.launch({ executablePath: process.env.MIXTAPE_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    t = performance.now();
    await page.goto(pathToFileURL(out).href);
    await page.waitForSelector('body[data-rendered]', { timeout: 60_000 });
    const renderMs = performance.now() - t;
    const marks = await page.$$eval('svg g.role-mark > *', (els) => els.length);
    await browser.close();
    console.log(JSON.stringify({
      plays: r.data.aggregates.totals.plays, charts: r.charts, fileMb: +(r.bytes / 1048576).toFixed(2),
      fillS: +(fillMs / 1000).toFixed(2), writeReportS: +(writeMs / 1000).toFixed(2), renderS: +(renderMs / 1000).toFixed(2), marks, cpus: cpus().length,
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
