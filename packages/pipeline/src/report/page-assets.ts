/** The page's styles: one column on a phone, a grid of cards on a wide screen, light and dark. */
export const PAGE_CSS = `
:root { --bg: #fafafa; --fg: #1d1d1f; --muted: #5b5b66; --card: #fff; --line: #d9d9e0; --accent: #1f6feb; color-scheme: light dark; }
@media (prefers-color-scheme: dark) { :root { --bg: #111317; --fg: #e8e8ed; --muted: #a0a0ab; --card: #1b1e24; --line: #343842; --accent: #6ea8fe; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header, main { max-width: 90rem; margin: 0 auto; padding: 1rem; }
h1 { margin: .5rem 0; font-size: clamp(1.6rem, 4vw, 2.4rem); }
h2 { margin: 2rem 0 .75rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { margin: 0 0 .25rem; font-size: 1.05rem; }
.meta, .summary, .empty { color: var(--muted); }
.stats { display: flex; flex-wrap: wrap; gap: .75rem; }
.stat { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: .5rem .9rem; }
.stat .value { font-size: 1.5rem; font-weight: 650; color: var(--accent); }
.highlights { padding-left: 1.2rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 30rem), 1fr)); gap: 1rem; }
.card { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: 1rem; min-width: 0; }
.chart { width: 100%; min-height: 120px; }
.table { max-height: 16rem; overflow: auto; margin-top: .75rem; border-top: 1px solid var(--line); }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
caption { text-align: left; color: var(--muted); padding: .25rem 0; }
th, td { text-align: left; padding: .2rem .5rem; border-bottom: 1px solid var(--line); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code { background: var(--card); border: 1px solid var(--line); border-radius: .25rem; padding: 0 .3rem; }
`;

/**
 * Draws each chart with Vega (SVG), themed for the current colour scheme and redrawn when it
 * changes; marks the body once all are drawn so that tests and screenshots know when to look.
 */
export const RENDER_SCRIPT = `
(function () {
  var specs = JSON.parse(document.getElementById('specs').textContent);
  var media = window.matchMedia('(prefers-color-scheme: dark)');
  var views = [];
  function config(dark) {
    var fg = dark ? '#e8e8ed' : '#1d1d1f', grid = dark ? '#343842' : '#e4e4ea';
    return { background: 'transparent', view: { stroke: null },
      axis: { labelColor: fg, titleColor: fg, gridColor: grid, domainColor: fg, tickColor: fg },
      legend: { labelColor: fg, titleColor: fg }, mark: { color: dark ? '#6ea8fe' : '#1f6feb' } };
  }
  function draw() {
    views.forEach(function (v) { v.finalize(); });
    views = [];
    var dark = media.matches;
    document.body.removeAttribute('data-rendered');
    var runs = Object.keys(specs).map(function (id) {
      var el = document.getElementById('c-' + id);
      var spec = Object.assign({}, specs[id], { config: config(dark) });
      var view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'svg', container: el, hover: true });
      views.push(view);
      return view.runAsync();
    });
    Promise.all(runs).then(function () {
      document.body.setAttribute('data-rendered-ms', String(Math.round(performance.now())));
      document.body.setAttribute('data-rendered', String(runs.length));
    }, function (e) { console.error('chart failed: ' + e); });
  }
  draw();
  media.addEventListener('change', draw);
})();
`;
