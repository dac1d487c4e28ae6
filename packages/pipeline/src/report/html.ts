import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Rows } from './aggregates.js';
import { reportSections, timingNote, type Chart, type ReportData, type Section } from './charts.js';
import { PAGE_CSS, RENDER_SCRIPT } from './page-assets.js';

const require = createRequire(import.meta.url);

/** The minified Vega and Vega-Lite bundles, inlined so that the page opens with no network. */
export function chartBundles(): string {
  // Both packages export their JSON schema, which sits in the build folder next to the bundle.
  const vega = join(dirname(require.resolve('vega/vega-schema.json')), 'vega.min.js');
  const vegaLite = join(dirname(require.resolve('vega-lite/vega-lite-schema.json')), 'vega-lite.min.js');
  return [readFileSync(vega, 'utf8'), readFileSync(vegaLite, 'utf8')].map(inlineScript).join('\n');
}

function inlineScript(js: string): string {
  return `<script>${js.replace(/<\/(script)/gi, '<\\/$1')}</script>`;
}

/** HTML-escapes text for element content and attribute values. */
export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> element. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

// Years and positions are labels, not amounts: no thousands separator.
const LABELS = new Set(['year', 'position', 'weekday', 'hour']);

function cell(col: string, v: unknown): string {
  if (typeof v !== 'number') return `<td>${esc(v)}</td>`;
  return `<td class="num">${esc(LABELS.has(col) ? String(v) : v.toLocaleString('en-US'))}</td>`;
}

function table(id: string, caption: string, rows: Rows): string {
  if (!rows.length) return '';
  const cols = Object.keys(rows[0]!);
  return `<div class="table" tabindex="0"><table id="t-${esc(id)}"><caption>${esc(caption)}</caption>
<thead><tr>${cols.map((c) => `<th scope="col">${esc(c.replace(/_/g, ' '))}</th>`).join('')}</tr></thead>
<tbody>${rows.map((r) => `<tr>${cols.map((c) => cell(c, r[c])).join('')}</tr>`).join('\n')}</tbody></table></div>`;
}

function chartBlock(c: Chart): string {
  const figure = c.spec ? `<div class="chart" id="c-${esc(c.id)}" role="img" aria-label="${esc(`${c.title}. ${c.summary}`)}"></div>` : '';
  return `<figure class="card" data-chart="${c.spec ? esc(c.id) : ''}"><h3>${esc(c.title)}</h3><p class="summary">${esc(c.summary)}</p>${figure}
${table(c.id, `${c.title}: the numbers`, c.rows)}</figure>`;
}

function sectionBlock(s: Section): string {
  const body = s.empty ? `<p class="empty">${esc(s.empty)}</p>` : s.charts.map(chartBlock).join('\n');
  return `<section id="${esc(s.id)}"><h2>${esc(s.title)}</h2><div class="grid">${body}</div></section>`;
}

function headline(d: ReportData): string {
  const t = d.aggregates.totals;
  const stat = (key: string, value: number, label: string) =>
    `<div class="stat"><span class="value" data-stat="${key}">${esc(value.toLocaleString('en-US'))}</span> <span class="label">${esc(label)}</span></div>`;
  const h = d.highlights;
  const lines = h ? [
    h.topArtist && `Your artist of the year: ${h.topArtist.artist}, ${h.topArtist.plays.toLocaleString('en-US')} plays; you first heard them on ${h.topArtist.firstEver}.`,
    h.mostReplayedDay && `Most replayed day: ${h.mostReplayedDay.day}, ${h.mostReplayedDay.track} by ${h.mostReplayedDay.artist} ${h.mostReplayedDay.plays} times.`,
    h.busiestDay && `Busiest day: ${h.busiestDay.day}, ${h.busiestDay.minutes.toLocaleString('en-US')} minutes of music.`,
  ].filter(Boolean) : [];
  const timing = timingNote(t).trim();
  if (timing) lines.push(timing.charAt(0).toUpperCase() + timing.slice(1));
  return `<div class="stats">${stat('plays', t.plays, 'plays')}${stat('hours', t.hours, 'hours')}${stat('artists', t.artists, 'artists')}${stat('tracks', t.tracks, 'tracks')}${stat('days', t.days, 'days with music')}</div>
${lines.length ? `<ul class="highlights">${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>` : ''}`;
}

const EMPTY = `<section id="empty"><h2>Nothing to show yet</h2>
<p>Your Mixtape database has no plays. Import your listening history first, then run <code>mixtape report</code> again:</p>
<ul><li>your Spotify account data: <code>mixtape import spotify-export my_spotify_data.zip</code> (ask for it at spotify.com/account/privacy);</li>
<li>Last.fm, Libre.fm or ListenBrainz scrobbles: <code>mixtape import scrobbles FILE</code>;</li>
<li>or try the demo listener: <code>mixtape demo</code>.</li></ul></section>`;

/** The whole self-contained page: styles, bundles, aggregates and the script that draws them. */
export function renderReportHtml(d: ReportData, bundles = chartBundles()): string {
  const empty = d.aggregates.totals.plays === 0 && d.aggregates.sources.length === 0;
  const sections = empty ? [] : reportSections(d);
  const specs = Object.fromEntries(sections.flatMap((s) => s.charts).filter((c) => c.spec).map((c) => [c.id, c.spec]));
  const title = d.aggregates.year ? `Your ${d.aggregates.year} in music` : 'Your listening';
  const t = d.aggregates.totals;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:">
<meta name="color-scheme" content="light dark">
<title>Mixtape: ${esc(title)}</title><style>${PAGE_CSS}</style></head>
<body><header><h1>${esc(title)}</h1>
<p class="meta">${empty ? '' : `From ${esc(t.first)} to ${esc(t.last)}. `}Made by Mixtape on ${esc(d.generatedAt.slice(0, 16).replace('T', ' '))} UTC from your own database; only totals are in this file.</p>
${empty ? '' : headline(d)}</header>
<main>${empty ? EMPTY : sections.map(sectionBlock).join('\n')}</main>
<script type="application/json" id="specs">${scriptJson(specs)}</script>
${Object.keys(specs).length ? `${bundles}\n<script>${RENDER_SCRIPT}</script>` : ''}
</body></html>
`;
}
