/**
 * The frame every dashboard page shares: an HTML file with the site's own style sheet and a
 * Content-Security-Policy that allows nothing else (no scripts at all, nothing from outside
 * the site), a header with the site's navigation, and the commit the site was built from.
 */
import { escapeHtml as h } from '../../report/svg.js';
import { DECISION_COLORS, LEVEL_COLORS, STAGE_COLORS } from './charts.js';

/** Marks a folder as a dashboard this tool wrote, so rebuilding may replace it. */
export const GENERATOR = 'gitops-mlops dashboard';

/** The site's one style sheet, `style.css`: shared, so each page is only its content. */
export const CSS = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1e293b;background:#f8fafc}
header{background:#0f172a;color:#e2e8f0;padding:10px 24px;display:flex;gap:20px;align-items:baseline;flex-wrap:wrap}
header a{color:#e2e8f0;text-decoration:none}header a:hover{text-decoration:underline}
header .brand{font-weight:700;font-size:16px}
header .built{margin-left:auto;color:#94a3b8;font-size:12px}
main{max-width:1240px;margin:0 auto;padding:20px 24px 48px}
h1{font-size:22px;margin:4px 0 6px}h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid #e2e8f0;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
a{color:#1d4ed8}
.lead{color:#475569;margin:0 0 12px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:10px 14px;min-width:180px}
.card .k{font-size:12px;color:#64748b;text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:18px;font-weight:600}
.badge{display:inline-block;white-space:nowrap;padding:0 8px;border-radius:10px;color:#fff;font-weight:600;font-size:12px;line-height:20px}
${Object.entries(STAGE_COLORS)
  .map(([s, c]) => `.stage-${s}{background:${c}}`)
  .join('')}
${Object.entries(LEVEL_COLORS)
  .map(([l, c]) => `.level-${l}{background:${c}}`)
  .join('')}
.decision{background:#475569}
.badge.ok{background:#15803d}
.badge.warn{background:#b45309;white-space:normal}
${Object.entries(DECISION_COLORS)
  .map(([d, c]) => `.decision-${d}{background:${c}}`)
  .join('')}
table{border-collapse:collapse;background:#fff;width:100%;margin:6px 0}
th,td{padding:5px 8px;border-bottom:1px solid #e2e8f0;text-align:left;vertical-align:top}
th{font-size:12px;color:#475569;text-transform:uppercase;letter-spacing:.03em}
td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(370px,1fr));gap:12px}
figure{margin:0;padding:8px;background:#fff;border:1px solid #e2e8f0;border-radius:8px}
figure svg{width:100%;height:auto;display:block}
figure.wide svg{max-width:760px}
figcaption{font-size:12.5px;color:#475569;padding-top:4px}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px}
code{background:#f1f5f9;padding:0 3px;border-radius:3px}
pre{background:#f1f5f9;padding:8px;border-radius:6px;overflow-x:auto;margin:6px 0;white-space:pre-wrap}
details summary{cursor:pointer;color:#475569}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:3px 16px;margin:6px 0}
dt{font-weight:600}dd{margin:0}
ul{margin:4px 0;padding-left:20px}
.muted{color:#64748b}
.warning{background:#fef3c7;border:1px solid #f59e0b;border-radius:8px;padding:8px 12px;margin:8px 0}
.commit{font-family:ui-monospace,monospace}
.trailers{font-size:12.5px;color:#475569}
`;

export interface PageOptions {
  title: string;
  /** The path from this page back to the site's root: '' or '../../'. */
  root: string;
  /** The commit and date the site was built from. */
  commit: string;
  date: string;
  body: string;
}

/**
 * A whole page. `body` is HTML already escaped by its renderer.
 * @example
 * page({ title: 'Models', root: '', commit, date, body: '<h1>Models</h1>' })
 */
export function page(o: PageOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'self'; img-src data:">
<meta name="generator" content="${GENERATOR}">
<title>${h(o.title)}</title>
<link rel="stylesheet" href="${o.root}style.css">
</head>
<body>
<header><a class="brand" href="${o.root}index.html">Model registry</a><a href="${o.root}index.html">Models</a><a href="${o.root}audit.html">Audit trail</a><span class="built">built from <span class="commit">${h(o.commit.slice(0, 7))}</span>${o.date ? ` · ${h(o.date.slice(0, 16).replace('T', ' '))} UTC` : ''}</span></header>
<main>
${o.body}
</main>
</body>
</html>
`;
}

/** A stage as a coloured badge. */
export const stageBadge = (stage: string) =>
  `<span class="badge stage-${h(stage)}">${h(stage)}</span>`;

/** A drift level as a coloured badge. */
export const levelBadge = (level: string) =>
  `<span class="badge level-${h(level)}">${h(level)}</span>`;

/** A model's page, relative to the root. */
export const modelHref = (model: string) => `models/${encodeURIComponent(model)}/index.html`;

/** A version's page (its card), relative to the root. */
export const versionHref = (model: string, version: string) =>
  `models/${encodeURIComponent(model)}/${encodeURIComponent(version)}.html`;

/** `2026-11-19 13:11`: a timestamp as the tables show it (UTC). */
export const when = (iso: string) => h(iso.slice(0, 16).replace('T', ' '));
