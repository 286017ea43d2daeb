/** The two HTML documents the preview serves: the host page and the (sandboxed) extension frame. */
import type { PageConfig } from './page-config';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** JSON inside <script>: `<` escaped so no value can close the tag. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export function hostPageHtml(config: PageConfig): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(config.label)} — journey-stitch preview</title>
<style>
  html, body { margin: 0; height: 100%; font-family: Roboto, "Noto Sans", Arial, sans-serif; }
  body { display: flex; flex-direction: column; background: #f4f5f7; }
  header { display: flex; align-items: center; gap: 16px; padding: 8px 16px; background: #262d33; color: #fff; font-size: 14px; }
  header .title { font-weight: 600; }
  header .hint { color: #b8c0c8; }
  header .dashboards { margin-left: auto; color: #cfe3ff; }
  header label { display: flex; align-items: center; gap: 6px; cursor: pointer; }
  #preview-status:empty { display: none; }
  #preview-status { padding: 6px 16px; font-size: 13px; background: #fff8e1; border-bottom: 1px solid #f0d98c; }
  #preview-status .status-error { color: #b00020; }
  #preview-extension { flex: 1; display: flex; min-height: 0; }
  #preview-extension iframe { flex: 1; border: 0; background: #fff; }
</style>
</head>
<body>
<header>
  <span class="title">${escapeHtml(config.label)}</span>
  <span class="hint">journey-stitch local preview · ${escapeHtml(config.extensionId)} · Looker ${escapeHtml(config.lookerVersion)} API on DuckDB</span>
  <a class="dashboards" href="/dashboards" target="_top">LookML dashboards</a>
  <label title="Switch between a user with and without the can_see_pii user attribute (reloads the extension)">
    <input type="checkbox" id="preview-pii-switch" data-testid="preview-pii-switch"> User can see PII
  </label>
</header>
<div id="preview-status" data-testid="preview-status" role="status"></div>
<main id="preview-extension"></main>
<script type="application/json" id="preview-config">${scriptJson(config)}</script>
<script src="/__preview/host.js"></script>
</body>
</html>
`;
}

/** The frame document: an empty page that runs the bundle, as Looker's extension frame does. */
export function extensionFrameHtml(bundleVersion: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><style>html, body { margin: 0; height: 100%; }</style></head>
<body>
<script src="/__preview/bundle.js?v=${encodeURIComponent(bundleVersion)}"></script>
</body>
</html>
`;
}
