import type { ListeningAggregates, Rows } from './aggregates.js';
import type { FederationSummary, YearHighlights } from './extras.js';

/** Everything `mixtape report` writes into the page, and prints with `--json`. */
export interface ReportData {
  generatedAt: string;
  aggregates: ListeningAggregates;
  highlights: YearHighlights | null;
  picks: Rows;
  federation: FederationSummary | null;
}

/** One chart: a Vega-Lite spec with its data inlined, plus the words and table screen readers get. */
export interface Chart {
  id: string;
  title: string;
  summary: string;
  rows: Rows;
  spec: Record<string, unknown> | null;
}

export interface Section {
  id: string;
  title: string;
  /** Shown instead of charts when the section has nothing yet, saying what to run. */
  empty?: string;
  charts: Chart[];
}

type Enc = Record<string, unknown>;
const n = (v: unknown): string => Number(v ?? 0).toLocaleString('en-US');
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function spec(rows: Rows, mark: unknown, encoding: Enc, extra: Enc = {}): Record<string, unknown> {
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 'container', height: 220, data: { values: rows }, mark, encoding, ...extra };
}

function hbar(rows: Rows, label: string, value: string, valueTitle: string): Record<string, unknown> {
  return spec(rows, { type: 'bar', tooltip: true }, {
    y: { field: label, type: 'nominal', sort: '-x', title: null, axis: { labelLimit: 180 } },
    x: { field: value, type: 'quantitative', title: valueTitle },
  }, { height: 24 * rows.length });
}

function chart(id: string, title: string, summary: string, rows: Rows, make: () => Record<string, unknown>): Chart {
  return { id, title, summary, rows, spec: rows.length ? make() : null };
}

function topChart(id: string, what: string, key: string, rows: Rows, by: 'plays' | 'hours'): Chart {
  const first = rows[0];
  const name = (r: Record<string, unknown>) => (r.artist && key !== 'artist' ? `${String(r[key])} (${String(r.artist)})` : String(r[key]));
  const labelled = rows.map((r) => ({ ...r, label: name(r) }));
  const summary = first
    ? `Your top ${what} by ${by} is ${name(first)}: ${n(first.plays)} plays, ${n(first.hours)} hours.`
    : `No ${what} yet.`;
  return chart(id, `Top ${what}s by ${by === 'plays' ? 'plays' : 'listening time'}`, summary, rows,
    () => hbar(labelled, 'label', by, by === 'plays' ? 'plays' : 'hours'));
}

/** What the hours leave out or estimate: scrobbles record that a track played, not for how long. */
export function timingNote(t: ListeningAggregates['totals']): string {
  const parts = [];
  if (t.estimatedHours > 0) parts.push(`${n(t.estimatedHours)} of these hours are estimated from track lengths, for scrobbles, which record no listening time`);
  if (t.untimedPlays === 1) parts.push('1 scrobble of a track of unknown length adds none');
  else if (t.untimedPlays > 1) parts.push(`${n(t.untimedPlays)} scrobbles of tracks of unknown length add none`);
  return parts.length ? ` ${parts.join('; ')}.` : '';
}

function listening(a: ListeningAggregates): Section {
  const peak = [...a.perMonth].sort((x, y) => Number(y.hours) - Number(x.hours))[0];
  return {
    id: 'time', title: 'Listening time',
    charts: [
      chart('per-week', 'Hours per week', `${n(a.totals.hours)} hours of music over ${n(a.perWeek.length)} weeks with plays, ${a.totals.first} to ${a.totals.last}.${timingNote(a.totals)}`, a.perWeek,
        () => spec(a.perWeek, { type: 'line', point: a.perWeek.length < 60, tooltip: true }, { x: { field: 'week', type: 'temporal', title: 'week' }, y: { field: 'hours', type: 'quantitative' } })),
      chart('per-month', 'Hours per month', peak ? `Your biggest month was ${peak.month}, with ${n(peak.hours)} hours (${n(peak.plays)} plays).` : '', a.perMonth,
        () => spec(a.perMonth, { type: 'bar', tooltip: true }, { x: { field: 'month', type: 'ordinal', title: 'month' }, y: { field: 'hours', type: 'quantitative' } })),
    ],
  };
}

function tops(a: ListeningAggregates): Section {
  const t = a.top;
  const perYear = a.topByYear.map((r) => ({ ...r, label: `${r.year}: ${r.artist}` }));
  const years = [...new Set(a.topByYear.map((r) => r.year))];
  return {
    id: 'top', title: a.year ? `Top of ${a.year}` : 'Top artists, tracks and albums',
    charts: [
      topChart('top-artists-plays', 'artist', 'artist', t.artists.byPlays, 'plays'),
      topChart('top-artists-hours', 'artist', 'artist', t.artists.byHours, 'hours'),
      topChart('top-tracks-plays', 'track', 'track', t.tracks.byPlays, 'plays'),
      topChart('top-tracks-hours', 'track', 'track', t.tracks.byHours, 'hours'),
      topChart('top-albums-plays', 'album', 'album', t.albums.byPlays, 'plays'),
      topChart('top-albums-hours', 'album', 'album', t.albums.byHours, 'hours'),
      chart('top-per-year', 'Top five artists of each year', years.map((y) => `${y}: ${String(a.topByYear.find((r) => r.year === y)?.artist)}`).join('; ') + '.', a.topByYear,
        () => spec(perYear, { type: 'bar', tooltip: true }, {
          y: { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelLimit: 200 } },
          x: { field: 'plays', type: 'quantitative' }, color: { field: 'year', type: 'nominal', legend: null },
        }, { height: 20 * perYear.length })),
    ],
  };
}

function heatmap(a: ListeningAggregates): Section {
  const rows: Rows = a.heatmap.map((r) => ({ day: WEEKDAYS[Number(r.weekday) - 1] ?? String(r.weekday), hour: r.hour ?? null, plays: r.plays ?? null }));
  const peak = [...rows].sort((x, y) => Number(y.plays) - Number(x.plays))[0];
  return {
    id: 'when', title: 'When you listen',
    charts: [chart('heatmap', 'Plays by hour and weekday (UTC)', peak ? `You listen most on ${peak.day} at ${peak.hour}:00 UTC (${n(peak.plays)} plays).` : '', rows,
      () => spec(rows, { type: 'rect', tooltip: true }, {
        x: { field: 'hour', type: 'ordinal', title: 'hour (UTC)' },
        y: { field: 'day', type: 'ordinal', sort: WEEKDAYS, title: null },
        color: { field: 'plays', type: 'quantitative', scale: { scheme: 'viridis' } },
      }, { height: 200 }))],
  };
}

function discovery(a: ListeningAggregates): Section {
  const d = a.discovery;
  const best = [...d].sort((x, y) => Number(y.new_artists) - Number(x.new_artists))[0];
  const share = d.length ? d.reduce((s, r) => s + Number(r.new_share_pct ?? 0), 0) / d.length : 0;
  return {
    id: 'discovery', title: 'Discovery',
    charts: [
      chart('new-artists', 'New artists per month', best ? `You found the most new artists in ${best.month}: ${n(best.new_artists)}.` : '', d,
        () => spec(d, { type: 'bar', tooltip: true }, { x: { field: 'month', type: 'ordinal' }, y: { field: 'new_artists', type: 'quantitative', title: 'new artists' } })),
      chart('new-share', 'Share of listening to artists first heard that month', `On average ${share.toFixed(1)} % of a month's listening went to artists first heard that month.`, d,
        () => spec(d, { type: 'line', point: true, tooltip: true }, { x: { field: 'month', type: 'ordinal' }, y: { field: 'new_share_pct', type: 'quantitative', title: '% of listening time' } })),
    ],
  };
}

function skips(a: ListeningAggregates): Section {
  const s = a.skips.filter((r) => Number(r.plays) > 0);
  const total = a.totals.plays;
  return {
    id: 'skips', title: 'Skips and short plays',
    ...(s.length ? {} : { empty: 'No skips, short plays, incognito plays or podcasts recorded.' }),
    charts: s.length ? [chart('skips', 'Skips, short plays and why', s.map((r) => `${r.reason}: ${n(r.plays)}`).join('; ') + ` (out of ${n(total)} music plays).`, s,
      () => hbar(s, 'reason', 'plays', 'plays'))] : [],
  };
}

function tags(a: ListeningAggregates): Section {
  const t = a.tags;
  const totals = new Map<string, number>();
  for (const r of t) totals.set(String(r.tag), (totals.get(String(r.tag)) ?? 0) + Number(r.hours));
  const order = [...totals].sort((x, y) => y[1] - x[1]);
  return {
    id: 'tags', title: 'Genres and tags over time',
    ...(t.length ? {} : { empty: 'No tags yet: run `mixtape enrich` to fetch genres and tags for your artists and tracks.' }),
    charts: t.length ? [chart('tags', 'Hours per month by tag', `Your most played tags: ${order.slice(0, 3).map(([k, v]) => `${k} (${n(v.toFixed(1))} hours)`).join(', ')}.`, t,
      () => spec(t, { type: 'area', tooltip: true }, { x: { field: 'month', type: 'ordinal' }, y: { field: 'hours', type: 'quantitative', stack: 'zero' }, color: { field: 'tag', type: 'nominal' } }))] : [],
  };
}

function sessions(a: ListeningAggregates): Section {
  const s = a.sessions;
  const top = s[0];
  return {
    id: 'sessions', title: 'Longest sessions',
    charts: [chart('sessions', 'Longest listening sessions (a pause over 30 minutes ends one)', top ? `Your longest session started ${top.started} and lasted ${n(top.minutes)} minutes (${n(top.plays)} plays).` : '', s,
      () => hbar(s, 'started', 'minutes', 'minutes'))],
  };
}

function sources(a: ListeningAggregates): Section {
  const months = a.sourcesByMonth;
  const overlap = new Map<string, number>();
  for (const r of months) overlap.set(String(r.month), (overlap.get(String(r.month)) ?? 0) + 1);
  const shared = [...overlap.values()].filter((c) => c > 1).length;
  const merged = a.imports.reduce((s, r) => s + Number(r.merged) + Number(r.already_stored), 0);
  return {
    id: 'sources', title: 'Where your history came from',
    charts: [
      chart('sources', 'Plays per month by source', `${a.sources.map((r) => `${r.source} ${r.kind}: ${n(r.plays)} plays (${r.first} to ${r.last})`).join('; ')}. ${shared} months have plays from more than one source; imports merged or skipped ${n(merged)} plays already stored.`, months,
        () => spec(months, { type: 'bar', tooltip: true }, { x: { field: 'month', type: 'ordinal' }, y: { field: 'plays', type: 'quantitative', stack: 'zero' }, color: { field: 'source', type: 'nominal' } })),
      { id: 'imports', title: 'Imports', summary: `${a.imports.length} imports so far.`, rows: a.imports, spec: null },
    ],
  };
}

function extras(d: ReportData): Section[] {
  const out: Section[] = [];
  out.push({
    id: 'picks', title: "Today's picks",
    ...(d.picks.length ? {} : { empty: 'No picks yet: run `mixtape train` then `mixtape recommend`.' }),
    charts: d.picks.length ? [{ id: 'picks', title: 'mixtape-recommendations', summary: `${d.picks.length} tracks picked for you, each with its reason.`, rows: d.picks, spec: null }] : [],
  });
  const f = d.federation;
  const budget = f ? [{ part: 'spent', epsilon: f.epsilon }, { part: 'left', epsilon: f.remaining }] : [];
  out.push({
    id: 'federation', title: 'Federation privacy',
    ...(f ? {} : { empty: 'This machine has not joined a federation (`mixtape federation join --hub URL`).' }),
    charts: f ? [chart('federation', 'Privacy budget (epsilon)', `${f.rounds} rounds with ${f.hub}: epsilon ${f.epsilon.toFixed(3)} spent of ${f.budget}, ${f.remaining.toFixed(3)} left.`, budget,
      () => hbar(budget, 'part', 'epsilon', 'epsilon'))] : [],
  });
  return out;
}

/** The report's sections, in page order, from the aggregates. */
export function reportSections(d: ReportData): Section[] {
  const a = d.aggregates;
  return [listening(a), tops(a), heatmap(a), discovery(a), skips(a), tags(a), sessions(a), sources(a), ...extras(d)];
}
