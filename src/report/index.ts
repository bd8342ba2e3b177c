/**
 * `report/` — drift reports for people: Markdown for GitHub (job summaries, the retraining
 * pull request) with Mermaid charts, and a self-contained HTML page with SVG histograms.
 * Renderers only: they take a `DriftReport` from drift/ and return text.
 */
export { driftMarkdown, mdText } from './markdown.js';
export type { DriftMarkdownOptions } from './markdown.js';
export { driftHtml, figureIds } from './html.js';
export { histogramSvg, escapeHtml } from './svg.js';
export { psiChart, histogramChart, mermaidText } from './mermaid.js';
export { DEFAULT_PSI_LEVELS } from './format.js';
export type { DriftRenderOptions, PsiLevels } from './format.js';
