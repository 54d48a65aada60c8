/**
 * The report page: one self-contained HTML file (inline CSS, figures as inline SVG, no scripts, no network) with a
 * header (date, seed, backend, package version, RNG), the summary table of the seed's claims, and one section per
 * experiment with its reading, figures, numbers and claims.
 */
import type { Claim } from '../experiments/experiment.ts';
import type { FigureLink, NumbersTable } from '../experiments/experiment.ts';

/** A figure as the page shows it. */
export interface PageFigure {
  readonly name: string;
  readonly caption: string;
  /** The SVG document (made safe to inline with {@link scopeSvgIds}). */
  readonly svg: string;
  /** Paths of the files, relative to the page. */
  readonly svgFile: string;
  readonly pngFile: string | null;
  /** Links to the explorer page showing the same numbers (served by `npm run explore`). */
  readonly links?: readonly FigureLink[];
}

/** An experiment as the page shows it. */
export interface PageExperiment {
  readonly name: string;
  readonly title: string;
  readonly reading: string;
  readonly claims: readonly Claim[];
  readonly figures: readonly PageFigure[];
  readonly table: NumbersTable | null;
  readonly config: unknown;
  readonly seconds: number;
  /** The command that reproduces this experiment's numbers. */
  readonly command: string;
}

/** What the page header says. */
export interface PageMeta {
  readonly date: Date;
  readonly seed: number;
  readonly quick: boolean;
  readonly backend: string;
  readonly backendNotice?: string;
  readonly version: string;
  readonly rng: string;
  readonly seconds: number;
  readonly node: string;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * Makes an SVG document safe to inline next to others: drops an XML prolog, prefixes every `id` (and the
 * `url(#…)` and `href="#…"` references to it) with `prefix`, and lets it scale down with the page.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  let out = svg.replace(/^<\?xml[^>]*\?>\s*/, '');
  const ids = new Set([...out.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]!));
  if (ids.size > 0) {
    const scoped = (id: string): string => (ids.has(id) ? `${prefix}-${id}` : id);
    out = out
      .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${scoped(id)}"`)
      .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${scoped(id)})`)
      .replace(/(\b(?:xlink:)?href)="#([^"]+)"/g, (_, attr: string, id: string) => `${attr}="#${scoped(id)}"`);
  }
  return out.replace(/^<svg\b/, '<svg role="img" preserveAspectRatio="xMinYMin meet"');
}

const STYLE = `
:root { --ink: #1d2330; --muted: #5b6472; --line: #dde1e7; --soft: #f5f7fa; --ok: #1a7f37; --bad: #c62828; --accent: #2f5fa7; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main, header.page, footer.page { max-width: 1080px; margin: 0 auto; padding: 0 24px; }
header.page { padding-top: 32px; padding-bottom: 8px; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 6px; }
h2 { font-size: 1.35rem; margin: 40px 0 8px; padding-top: 8px; border-top: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 22px 0 6px; }
p.lead { color: var(--muted); margin: 0 0 14px; max-width: 70ch; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 12px 0 16px; font-size: .9rem; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
nav.toc ol { margin: 6px 0 0; padding-left: 1.3em; columns: 2; font-size: .95rem; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .86em; }
code { background: var(--soft); padding: 1px 4px; border-radius: 3px; }
pre { background: var(--soft); padding: 10px 12px; border-radius: 6px; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 10px 0 18px; font-size: .9rem; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line); }
th { background: var(--soft); font-weight: 600; }
table.numbers td, table.numbers th { white-space: nowrap; }
table.numbers td + td { font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
td.held { text-align: center; font-size: 1.15rem; font-weight: 700; width: 3.5em; }
td.held.yes { color: var(--ok); }
td.held.no { color: var(--bad); }
tr.failed td { background: #fff5f5; }
td.experiment { white-space: nowrap; }
.verdict { font-weight: 600; }
.verdict.all { color: var(--ok); }
.verdict.some { color: var(--bad); }
p.reading { font-size: 1.02rem; max-width: 78ch; background: var(--soft); border-left: 4px solid var(--accent); padding: 10px 14px; border-radius: 0 6px 6px 0; }
figure { margin: 18px 0 24px; }
figure .plot { overflow-x: auto; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: .9rem; margin-top: 6px; max-width: 80ch; }
figcaption a { font-size: .85rem; margin-left: 6px; }
ul.claims { padding-left: 0; list-style: none; }
ul.claims li { margin: 6px 0; padding-left: 1.8em; text-indent: -1.8em; }
ul.claims .mark { display: inline-block; width: 1.8em; text-indent: 0; font-weight: 700; }
ul.claims .mark.yes { color: var(--ok); }
ul.claims .mark.no { color: var(--bad); }
ul.claims .measurement { color: var(--muted); }
details { margin: 8px 0 12px; }
summary { cursor: pointer; color: var(--muted); font-size: .9rem; }
.notice { background: #fff8e1; border: 1px solid #f0d98c; padding: 8px 12px; border-radius: 6px; }
footer.page { color: var(--muted); font-size: .85rem; padding-top: 20px; padding-bottom: 40px; border-top: 1px solid var(--line); margin-top: 40px; }
@media (max-width: 700px) { nav.toc ol { columns: 1; } main, header.page, footer.page { padding: 0 14px; } }
@media print { h2 { break-before: auto; } figure { break-inside: avoid; } }
`;

function seconds(value: number): string {
  return value >= 60 ? `${Math.floor(value / 60)} min ${Math.round(value % 60)} s` : `${value.toFixed(1)} s`;
}

function mark(held: boolean): string {
  return held ? '✓' : '✗';
}

function tableHtml(table: NumbersTable): string {
  const head = `<tr>${table.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = table.rows.map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<div class="scroll"><table class="numbers">\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}

function summaryHtml(experiments: readonly PageExperiment[]): string {
  const rows: string[] = [];
  let n = 0;
  for (const e of experiments) {
    for (const c of e.claims) {
      n++;
      rows.push(
        `<tr${c.held ? '' : ' class="failed"'}><td>${n}</td><td class="experiment"><a href="#${escapeHtml(e.name)}">${escapeHtml(e.name)}</a></td>` +
          `<td>${escapeHtml(c.claim)}</td><td>${escapeHtml(c.measurement)}</td>` +
          `<td class="held ${c.held ? 'yes' : 'no'}" title="${c.held ? 'held' : 'did not hold'}">${mark(c.held)}</td></tr>`,
      );
    }
  }
  const held = experiments.reduce((sum, e) => sum + e.claims.filter((c) => c.held).length, 0);
  const verdict = `<p class="verdict ${held === n ? 'all' : 'some'}">${held} of ${n} claims held.</p>`;
  return (
    `<section id="summary">\n<h2>The seed's claims, measured</h2>\n${verdict}\n` +
    `<div class="scroll"><table class="claims" id="summary-table">\n<thead><tr><th scope="col">#</th><th scope="col">experiment</th><th scope="col">claim</th>` +
    `<th scope="col">measurement</th><th scope="col">held</th></tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table></div>\n</section>`
  );
}

/** "Explore: a · b · c (npm run explore)" after a figure's caption, or nothing. */
function explorerLinksHtml(links: readonly FigureLink[] | undefined): string {
  if (!links || links.length === 0) return '';
  const anchors = links.map((l) => `<a class="explore" href="${escapeHtml(l.href)}">${escapeHtml(l.label)}</a>`).join(' · ');
  return `<br>In the explorer (start it with <code>npm run explore</code>): ${anchors}`;
}

function experimentHtml(e: PageExperiment, index: number): string {
  const figures = e.figures
    .map(
      (f) =>
        `<figure id="figure-${escapeHtml(f.name)}">\n<div class="plot">${f.svg}</div>\n<figcaption>${escapeHtml(f.caption)} ` +
        `<a href="${escapeHtml(f.svgFile)}">SVG</a>${f.pngFile ? ` <a href="${escapeHtml(f.pngFile)}">PNG</a>` : ''}${explorerLinksHtml(f.links)}</figcaption>\n</figure>`,
    )
    .join('\n');
  const claims = e.claims
    .map(
      (c) =>
        `<li><span class="mark ${c.held ? 'yes' : 'no'}">${mark(c.held)}</span>${escapeHtml(c.claim)} ` +
        `<span class="measurement">— ${escapeHtml(c.measurement)}</span></li>`,
    )
    .join('\n');
  return [
    `<section id="${escapeHtml(e.name)}">`,
    `<h2>${index}. ${escapeHtml(e.title)}</h2>`,
    `<p class="reading">${escapeHtml(e.reading)}</p>`,
    figures,
    e.table ? `<h3>Numbers</h3>\n${tableHtml(e.table)}` : '',
    e.claims.length > 0 ? `<h3>Claims</h3>\n<ul class="claims">\n${claims}\n</ul>` : '',
    `<details><summary>Configuration and command (${seconds(e.seconds)})</summary>\n<pre>${escapeHtml(e.command)}</pre>\n<pre>${escapeHtml(JSON.stringify(e.config, null, 2))}</pre>\n</details>`,
    `</section>`,
  ]
    .filter((part) => part !== '')
    .join('\n');
}

/** The whole page. */
export function renderHtml(meta: PageMeta, experiments: readonly PageExperiment[]): string {
  const date = meta.date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  const toc = experiments.map((e) => `<li><a href="#${escapeHtml(e.name)}">${escapeHtml(e.title)}</a></li>`).join('\n');
  const settings = meta.quick ? 'quick (fewer iterations and samples, same claims)' : 'full';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="initlab ${escapeHtml(meta.version)}">
<title>initlab report: why weight initialization matters</title>
<style>${STYLE}</style>
</head>
<body>
<header class="page">
<h1>Why weight initialization matters</h1>
<p class="lead">Each claim of the seed tutorial on weight initialization, turned into a seeded experiment with numbers and pictures: constant, small random, Xavier, He, LeCun and orthogonal initialization, measured on activations, gradients and training.</p>
<dl class="meta">
<dt>date</dt><dd>${escapeHtml(date)}</dd>
<dt>seed</dt><dd>${meta.seed}</dd>
<dt>settings</dt><dd>${escapeHtml(settings)}</dd>
<dt>backend</dt><dd>TensorFlow.js ${escapeHtml(meta.backend)}, Node ${escapeHtml(meta.node)}</dd>
<dt>package</dt><dd>initlab ${escapeHtml(meta.version)}</dd>
<dt>random numbers</dt><dd>${escapeHtml(meta.rng)}</dd>
<dt>run time</dt><dd>${seconds(meta.seconds)}</dd>
</dl>
${meta.backendNotice ? `<p class="notice">${escapeHtml(meta.backendNotice)}</p>\n` : ''}<nav class="toc" aria-label="contents"><ol>
<li><a href="#summary">The seed's claims, measured</a></li>
${toc}
</ol></nav>
</header>
<main>
${summaryHtml(experiments)}
${experiments.map((e, i) => experimentHtml(e, i + 1)).join('\n')}
</main>
<footer class="page">
<p>Written by <code>initlab report</code>. Every number is reproducible from the seed: the command under each experiment reruns it alone, and <code>results.json</code> next to this page holds every result in full. Figures are Vega-Lite specifications rendered headless to SVG (and PNG in <code>figures/</code>); their specs with inline data are in <code>figures/*.vl.json</code>.</p>
</footer>
</body>
</html>
`;
}
