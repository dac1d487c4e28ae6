import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoExport } from '@mixtape/fixtures';
import { withStore } from '@mixtape/pipeline';
import { syntheticHistory } from '../../../pipeline/src/test/helpers.js';
import { mixtape } from '../test/run-cli.js';

/** Debian's Chromium: playwright's own browser download does not work on these machines. */
const CHROMIUM = process.env.MIXTAPE_CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots land here (gitignored) for a person, or CI, to look at. */
const ARTIFACTS = fileURLToPath(new URL('../../../../test-artifacts/', import.meta.url));

interface Opened { page: Page; errors: string[]; requests: string[] }

describe('mixtape report (built) in Chromium', { timeout: 180_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  let browser: Browser | undefined;
  const MISSING = `The report tests need Chromium at ${CHROMIUM}: install it with \`sudo apt-get install -y chromium\` (Debian/Ubuntu), or point MIXTAPE_CHROMIUM at a Chromium or Chrome binary`;
  const sql = <T>(q: string, params?: unknown[]) => withStore({ dataDir: env.MIXTAPE_DATA_DIR }, (s) => s.one<T>(q, params as never));

  beforeAll(async () => {
    // Without Chromium every test below fails with this message (a beforeAll error would only skip them).
    if (existsSync(CHROMIUM)) browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    await mkdir(ARTIFACTS, { recursive: true });
    dir = await mkdtemp(join(tmpdir(), 'mixtape-report-'));
    env = { MIXTAPE_DATA_DIR: join(dir, 'data'), MIXTAPE_CONFIG_DIR: join(dir, 'config') };
    await writeFile(join(dir, 'export.zip'), demoExport().zip);
    expect((await mixtape(['import', 'spotify-export', join(dir, 'export.zip')], env)).code).toBe(0);
    // What enrichment, `recommend` and `federation join` would have left: tags, picks, a ledger.
    await withStore({ dataDir: env.MIXTAPE_DATA_DIR }, async (s) => {
      await s.run(`INSERT INTO artist_tags SELECT artist_id, CASE WHEN hash(artist_id) % 2 = 0 THEN 'indie' ELSE 'jazz' END, 1, 'lastfm' FROM artists`);
      await s.run(`INSERT INTO recommendations SELECT 'mixtape-recommendations', row_number() OVER () - 1, track_id, 0.5, 'new', 'because you like jazz', 'm1', current_timestamp FROM (SELECT track_id FROM tracks WHERE kind = 'track' ORDER BY track_id LIMIT 3)`);
    });
    await mkdir(join(env.MIXTAPE_CONFIG_DIR, 'federation'), { recursive: true });
    await writeFile(join(env.MIXTAPE_CONFIG_DIR, 'federation', 'node.json'), JSON.stringify({ hub: 'http://127.0.0.1:9', budget: 8, delta: 1e-5, ledger: [{ hub: 'http://127.0.0.1:9', round: 1, rho: 0.02, rhoVsHub: 0.05 }] }));
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function open(file: string, o: { width?: number; dark?: boolean } = {}): Promise<Opened> {
    if (!browser) throw new Error(MISSING);
    const page = await browser.newPage({ viewport: { width: o.width ?? 1280, height: 900 }, colorScheme: o.dark ? 'dark' : 'light' });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    // Anything but the file itself is a network request the page must not make: record and refuse it.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url === pathToFileURL(file).href) return route.continue();
      requests.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(file).href);
    return { page, errors, requests };
  }

  /** Marks Vega drew in each chart (bars, lines, areas, cells), by chart id. */
  function marks(page: Page): Promise<Record<string, number>> {
    return page.$$eval('[data-chart]:not([data-chart=""])', (els) => Object.fromEntries(els.map((el) => [el.getAttribute('data-chart')!, el.querySelectorAll('svg g.role-mark > *').length])));
  }

  it('has Chromium to open the reports in', () => {
    expect(existsSync(CHROMIUM), MISSING).toBe(true);
  });

  it("draws every chart of the demo listener's report, offline, with numbers equal to SQL", async () => {
    const out = join(dir, 'demo.html');
    const r = await mixtape(['report', '--out', out], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+ charts of 4000 plays written to .*demo\.html/);
    const { page, errors, requests } = await open(out);
    await page.waitForSelector('body[data-rendered]', { timeout: 30_000 });
    const drawn = await marks(page);
    expect(Object.keys(drawn).length).toBeGreaterThanOrEqual(15);
    expect(Object.keys(drawn)).toEqual(expect.arrayContaining(['per-week', 'heatmap', 'new-artists', 'skips', 'tags', 'sessions', 'sources', 'federation']));
    for (const [id, n] of Object.entries(drawn)) expect(n, `marks drawn in chart ${id}`).toBeGreaterThan(0);
    const plays = (await sql<{ n: number }>("SELECT count(*)::INTEGER AS n FROM plays WHERE kind = 'track'"))!.n;
    expect(Number((await page.textContent('[data-stat=plays]'))!.replace(/,/g, ''))).toBe(plays);
    const top = (await sql<{ artist: string; n: number }>(
      "SELECT t.artist_name AS artist, count(*)::INTEGER AS n FROM plays p JOIN tracks t USING (track_id) WHERE p.kind = 'track' GROUP BY 1 ORDER BY n DESC, sum(p.ms_played) DESC LIMIT 1"))!;
    const cells = await page.$$eval('#t-top-artists-plays tbody tr:first-child td', (tds) => tds.map((td) => td.textContent));
    expect(cells.slice(0, 2)).toEqual([top.artist, top.n.toLocaleString('en-US')]);
    expect(await page.textContent('#picks')).toContain('because you like jazz');
    expect(await page.textContent('#federation')).toMatch(/1 rounds with http:\/\/127\.0\.0\.1:9: epsilon [\d.]+ spent of 8/);
    await page.screenshot({ path: join(ARTIFACTS, 'report-demo.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect((await stat(out)).size).toBeLessThan(5 << 20);
  });

  it('reads on a phone in dark mode: no sideways scrolling, charts drawn', async () => {
    const out = join(dir, 'phone.html');
    expect((await mixtape(['report', '--out', out], env)).code).toBe(0);
    const { page, errors, requests } = await open(out, { width: 390, dark: true });
    await page.waitForSelector('body[data-rendered]', { timeout: 30_000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(17, 19, 23)');
    expect(Math.min(...Object.values(await marks(page)))).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'report-demo-phone-dark.png'), fullPage: true });
    expect([...errors, ...requests]).toEqual([]);
  });

  it('--year gives that year in review with its highlights; --json prints the same aggregates', async () => {
    const year = (await sql<{ y: number }>("SELECT year(max(played_at))::INTEGER AS y FROM plays WHERE kind = 'track'"))!.y;
    const out = join(dir, 'year.html');
    const r = await mixtape(['report', '--year', String(year), '--out', out, '--json'], env);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { out: string; data: { aggregates: { totals: { plays: number } }; highlights: { topArtist: { artist: string } } } };
    const plays = (await sql<{ n: number }>("SELECT count(*)::INTEGER AS n FROM plays WHERE kind = 'track' AND year(played_at) = $1", [year]))!.n;
    expect(json.data.aggregates.totals.plays).toBe(plays);
    const { page, errors } = await open(out);
    await page.waitForSelector('body[data-rendered]', { timeout: 30_000 });
    expect(await page.textContent('h1')).toBe(`Your ${year} in music`);
    expect(await page.textContent('.highlights')).toContain(`Your artist of the year: ${json.data.highlights.topArtist.artist}`);
    expect(Number((await page.textContent('[data-stat=plays]'))!.replace(/,/g, ''))).toBe(plays);
    expect(errors).toEqual([]);
    const none = await mixtape(['report', '--year', '2001', '--out', join(dir, 'none.html')], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/No music plays in 2001: your history runs from \d{4}-\d\d-\d\d to/);
  });

  it('an empty store gives a page that says what to import, and no charts', async () => {
    const empty = { MIXTAPE_DATA_DIR: join(dir, 'empty'), MIXTAPE_CONFIG_DIR: join(dir, 'empty-config') };
    const out = join(dir, 'empty.html');
    const r = await mixtape(['report', '--out', out], empty);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no plays yet');
    const { page, errors, requests } = await open(out);
    expect(await page.textContent('#empty')).toContain('mixtape import spotify-export');
    expect(await marks(page)).toEqual({});
    await page.screenshot({ path: join(ARTIFACTS, 'report-empty.png'), fullPage: true });
    expect([...errors, ...requests]).toEqual([]);
    expect(await readFile(out, 'utf8')).not.toContain('vegaLite');
  });

  it('a 1M-play history gives a file under 5 MB that Chromium draws in under 5 s', async () => {
    const big = { MIXTAPE_DATA_DIR: join(dir, 'big'), MIXTAPE_CONFIG_DIR: join(dir, 'big-config') };
    await withStore({ dataDir: big.MIXTAPE_DATA_DIR }, (s) => syntheticHistory(s, 1_000_000));
    const out = join(dir, 'big.html');
    const r = await mixtape(['report', '--out', out], big);
    expect(r.stdout).toMatch(/^16 charts of 1000000 plays/);
    expect((await stat(out)).size).toBeLessThan(5 << 20);
    const { page, errors, requests } = await open(out);
    await page.waitForSelector('body[data-rendered]', { timeout: 30_000 });
    // From the start of navigation to the last chart drawn, as the page itself measures it.
    const ms = Number(await page.getAttribute('body', 'data-rendered-ms'));
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(5000);
    expect(Math.min(...Object.values(await marks(page)))).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'report-1m.png') });
    expect([...errors, ...requests]).toEqual([]);
  });
});
