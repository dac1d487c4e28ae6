import { describe, expect, it } from 'vitest';
import { withStore } from '../store/store.js';
import { reportData } from './report.js';
import { renderReportHtml } from './html.js';

const HOSTILE = '</script><img src=x onerror="alert(1)">';

describe('report page', () => {
  it('keeps names from imported files as text: no markup, no script break-out', async () => {
    await withStore({ dataDir: ':memory:' }, async (store) => {
      await store.run(`INSERT INTO tracks (track_id, kind, title, artist_name, album_name) VALUES ('t1', 'track', $1, $1, $1)`, [HOSTILE]);
      await store.run(`INSERT INTO plays (played_at, track_id, kind, ms_played, source) VALUES (TIMESTAMP '2024-03-01 10:00:00', 't1', 'track', 200000, 'spotify')`);
      const data = await reportData(store, { federationDir: '/nonexistent/federation', now: new Date('2024-04-01T00:00:00Z') });
      const html = renderReportHtml(data, '<script>/* bundles */</script>');
      expect(html).not.toContain('<img');
      expect(html.match(/<\/script>/g)).toHaveLength(3); // the specs JSON, the bundles stand-in, the render script
      expect(html).toContain('&#60;/script&#62;&#60;img src=x onerror=&#34;alert(1)&#34;&#62;');
      const specs = JSON.parse(html.slice(html.indexOf('id="specs">') + 11, html.indexOf('</script>', html.indexOf('id="specs">')))) as Record<string, { data: { values: Array<Record<string, unknown>> } }>;
      expect(specs['top-artists-plays']!.data.values[0]!.artist).toBe(HOSTILE);
    });
  });

  it('an empty store gives the what-to-import page without the chart bundles', async () => {
    await withStore({ dataDir: ':memory:' }, async (store) => {
      const html = renderReportHtml(await reportData(store, { federationDir: '/nonexistent/federation' }));
      expect(html).toContain('mixtape import spotify-export');
      expect(html).not.toContain('vegaLite');
      expect(html.length).toBeLessThan(20_000);
    });
  });

  it('inlines the Vega and Vega-Lite bundles when there is a chart, and forbids network requests', async () => {
    await withStore({ dataDir: ':memory:' }, async (store) => {
      await store.run(`INSERT INTO tracks (track_id, kind, title, artist_name) VALUES ('t1', 'track', 'Song', 'Band')`);
      await store.run(`INSERT INTO plays (played_at, track_id, kind, ms_played, source) VALUES (TIMESTAMP '2024-03-01 10:00:00', 't1', 'track', 200000, 'spotify')`);
      const html = renderReportHtml(await reportData(store, { federationDir: '/nonexistent/federation' }));
      expect(html).toContain('globalThis');
      expect(html).toMatch(/vegaLite=\{\}/);
      expect(html).toContain(`content="default-src 'none'`);
      expect(html).not.toMatch(/<script[^>]+src=/);
    });
  });
});
