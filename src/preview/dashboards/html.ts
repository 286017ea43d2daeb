/** The dashboard pages of the preview: an index of the project's dashboards and one page per dashboard. */
import type { DashboardDoc } from './query';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** JSON inside <script>: `<` escaped so no value can close the tag. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export const DASHBOARDS_PATH = '/dashboards';
export const dashboardPath = (name: string) => `${DASHBOARDS_PATH}/${encodeURIComponent(name)}`;

/** What the dashboard page script reads from the page. */
export interface DashboardPageConfig {
  dashboard: DashboardDoc;
}

/** Looker's newspaper rows are about this tall. */
export const ROW_PX = 56;

const STYLE = `
  html, body { margin: 0; font-family: Roboto, "Noto Sans", Arial, sans-serif; background: #f4f5f7; color: #262d33; }
  header { display: flex; align-items: center; gap: 16px; padding: 8px 16px; background: #262d33; color: #fff; font-size: 14px; }
  header a { color: #cfe3ff; text-decoration: none; }
  header a[aria-current="page"] { color: #fff; font-weight: 600; text-decoration: underline; }
  header .hint { color: #b8c0c8; margin-left: auto; }
  h1 { font-size: 20px; font-weight: 500; margin: 16px 16px 4px; }
  p.description { margin: 0 16px 8px; color: #5a6570; font-size: 13px; }
  form.filters { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 12px; margin: 8px 16px; font-size: 12px; }
  form.filters label { display: flex; flex-direction: column; gap: 2px; color: #5a6570; }
  form.filters input[type=text] { font-size: 13px; padding: 4px 6px; border: 1px solid #c4ccd4; border-radius: 4px; min-width: 160px; }
  form.filters button { font-size: 13px; padding: 5px 12px; border-radius: 4px; border: 0; background: #1a73e8; color: #fff; cursor: pointer; }
  form.filters .pii { flex-direction: row; align-items: center; gap: 6px; }
  .grid { display: grid; grid-template-columns: repeat(24, minmax(0, 1fr)); grid-auto-rows: ${ROW_PX}px; gap: 8px; padding: 8px 16px 24px; }
  .tile { background: #fff; border: 1px solid #dde2e6; border-radius: 6px; padding: 10px 12px; display: flex; flex-direction: column; min-width: 0; min-height: 0; overflow: hidden; }
  .tile h2 { font-size: 14px; font-weight: 500; margin: 0 0 6px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .tile .body { flex: 1; min-height: 0; overflow: auto; position: relative; }
  .tile[data-state="loading"] .body::after { content: "Loading…"; color: #8a949e; font-size: 13px; }
  .tile[data-state="error"] .body { color: #b00020; font-size: 13px; white-space: pre-wrap; }
  .tile .empty { color: #8a949e; font-size: 13px; }
  .single { height: 100%; display: flex; flex-direction: column; align-items: center; justify-content: center; text-align: center; }
  .single .value { font-size: 40px; font-weight: 500; color: #1a73e8; line-height: 1.1; }
  .single .label { font-size: 13px; color: #5a6570; }
  .single .others { font-size: 12px; color: #5a6570; margin-top: 4px; }
  table { border-collapse: collapse; width: 100%; font-size: 12px; }
  th { position: sticky; top: 0; background: #f4f5f7; text-align: left; font-weight: 500; }
  th, td { padding: 4px 8px; border-bottom: 1px solid #eef0f2; white-space: nowrap; max-width: 180px; overflow: hidden; text-overflow: ellipsis; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  ul.index { margin: 8px 16px; padding: 0; list-style: none; }
  ul.index li { background: #fff; border: 1px solid #dde2e6; border-radius: 6px; padding: 12px 16px; margin-bottom: 8px; }
  ul.index a { font-size: 16px; color: #1a73e8; text-decoration: none; }
  ul.index p { margin: 4px 0 0; color: #5a6570; font-size: 13px; }
`;

function header(dashboards: DashboardDoc[], extensionUrl: string, current?: string): string {
  const links = dashboards.map(
    (d) => `<a href="${dashboardPath(d.dashboard)}"${d.dashboard === current ? ' aria-current="page"' : ''}>${escapeHtml(d.title)}</a>`,
  );
  return `<header><a href="${escapeHtml(extensionUrl)}">Extension</a><a href="${DASHBOARDS_PATH}"${current ? '' : ' aria-current="page"'}>Dashboards</a>${links.join('')}<span class="hint">journey-stitch local preview · LookML dashboards on DuckDB</span></header>`;
}

export function dashboardIndexHtml(dashboards: DashboardDoc[], extensionUrl: string): string {
  const items = dashboards.map(
    (d) =>
      `<li><a href="${dashboardPath(d.dashboard)}">${escapeHtml(d.title)}</a><p>${escapeHtml(d.description ?? '')} (${d.elements.length} tiles)</p></li>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dashboards — journey-stitch preview</title><style>${STYLE}</style></head>
<body>
${header(dashboards, extensionUrl)}
<h1>LookML dashboards</h1>
<p class="description">The project's <code>lookml/dashboards/*.dashboard.lookml</code>, each tile's query run by the preview on the stitched database.</p>
<ul class="index">${items.join('') || '<li>The project has no dashboards.</li>'}</ul>
</body></html>
`;
}

export function dashboardPageHtml(d: DashboardDoc, dashboards: DashboardDoc[], extensionUrl: string): string {
  const tiles = d.elements.map(
    (e) =>
      `<section class="tile" data-testid="tile-${escapeHtml(e.name)}" data-tile="${escapeHtml(e.name)}" data-type="${escapeHtml(e.type)}" data-state="loading" style="grid-column: ${e.col + 1} / span ${e.width}; grid-row: ${e.row + 1} / span ${e.height}"><h2 title="${escapeHtml(e.title)}">${escapeHtml(e.title)}</h2><div class="body"></div></section>`,
  );
  const filters = (d.filters ?? []).map(
    (f) =>
      `<label>${escapeHtml(f.title)}<input type="text" name="${escapeHtml(f.name)}" value="${escapeHtml(f.default_value ?? '')}" placeholder="is any value" data-testid="filter-${escapeHtml(f.name)}"></label>`,
  );
  const config: DashboardPageConfig = { dashboard: d };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(d.title)} — journey-stitch preview</title><style>${STYLE}</style></head>
<body>
${header(dashboards, extensionUrl, d.dashboard)}
<h1>${escapeHtml(d.title)}</h1>
<p class="description">${escapeHtml(d.description ?? '')}</p>
<form class="filters" data-testid="dashboard-filters">${filters.join('')}<button type="submit">Run</button><label class="pii" title="A user with or without the can_see_pii user attribute"><input type="checkbox" name="pii" data-testid="dashboard-pii-switch"> User can see PII</label></form>
<main class="grid" data-testid="dashboard-grid">${tiles.join('')}</main>
<script type="application/json" id="dashboard-config">${scriptJson(config)}</script>
<script type="module" src="/__preview/dashboard.js"></script>
</body></html>
`;
}
