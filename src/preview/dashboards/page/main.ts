/**
 * The dashboard page, in the browser: runs each tile's query through the preview's core API (run_inline_query,
 * json_detail) and draws it: a single value, a table, or a vega-lite chart rendered by vega as SVG. Bundled by
 * esbuild on the first dashboard page request, so vega is loaded by the dashboard pages only.
 */
import { compile } from 'vega-lite';
import { parse, View } from 'vega';
import type { DashboardPageConfig } from '../html';
import { tileQuery } from '../query';
import { tileView, type QueryDetail } from '../render';

declare global {
  interface Window {
    /** Each tile's outcome, read by the end-to-end tests. */
    __dashboardTiles: Record<string, { state: 'ok' | 'error' | 'empty'; kind?: string; rows?: number; marks?: number; message?: string }>;
  }
}

const config: DashboardPageConfig = JSON.parse(document.getElementById('dashboard-config')!.textContent!);
const d = config.dashboard;
window.__dashboardTiles = {};

const form = document.querySelector<HTMLFormElement>('form.filters')!;
const params = new URLSearchParams(location.search);
for (const input of form.querySelectorAll<HTMLInputElement>('input[type=text]'))
  if (params.has(input.name)) input.value = params.get(input.name)!;
const pii = form.querySelector<HTMLInputElement>('input[name=pii]')!;
pii.checked = params.get('pii') === 'yes';
form.addEventListener('submit', (ev) => {
  // The filters live in the URL, so a dashboard with its filters can be reloaded and linked.
  ev.preventDefault();
  const next = new URLSearchParams();
  for (const input of form.querySelectorAll<HTMLInputElement>('input[type=text]')) next.set(input.name, input.value);
  if (pii.checked) next.set('pii', 'yes');
  location.search = next.toString();
});

const values = Object.fromEntries([...form.querySelectorAll<HTMLInputElement>('input[type=text]')].map((i) => [i.name, i.value]));

async function runDetail(body: object): Promise<QueryDetail> {
  const res = await fetch('/__preview/api/core', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ request: { httpMethod: 'POST', path: '/queries/run/json_detail', body }, user: pii.checked ? 'pii' : 'no_pii' }),
  });
  if (!res.ok) throw new Error(await res.text());
  const answer = await res.json();
  if (answer.refused) throw new Error(answer.refused);
  if (!answer.response.ok) throw new Error(answer.response.error.message);
  return answer.response.value as QueryDetail;
}

const el = (tag: string, className?: string, text?: string) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

async function drawTile(section: HTMLElement): Promise<void> {
  const e = d.elements.find((x) => x.name === section.dataset.tile)!;
  const body = section.querySelector<HTMLElement>('.body')!;
  try {
    const detail = await runDetail(tileQuery(d, e, values));
    const view = tileView(e, detail, { width: Math.max(120, body.clientWidth - 4), height: Math.max(80, body.clientHeight - 8) });
    body.replaceChildren();
    if (view.kind === 'empty') {
      body.append(el('div', 'empty', view.message));
      window.__dashboardTiles[e.name] = { state: 'empty', message: view.message };
    } else if (view.kind === 'single') {
      const box = el('div', 'single');
      box.append(el('div', 'value', view.value), el('div', 'label', view.label));
      if (view.others.length) box.append(el('div', 'others', view.others.map((o) => `${o.label}: ${o.value}`).join(' · ')));
      body.append(box);
      window.__dashboardTiles[e.name] = { state: 'ok', kind: 'single', rows: detail.data.length };
    } else if (view.kind === 'table') {
      const table = el('table');
      const head = el('tr');
      for (const c of view.columns) head.append(el('th', c.numeric ? 'num' : '', c.label));
      table.append(head);
      for (const r of view.rows) {
        const tr = el('tr');
        r.forEach((v, i) => {
          const td = el('td', view.columns[i].numeric ? 'num' : '', v);
          td.title = v; // long page titles are cut: the whole text on hover
          tr.append(td);
        });
        table.append(tr);
      }
      body.append(table);
      window.__dashboardTiles[e.name] = { state: 'ok', kind: 'table', rows: view.rows.length };
    } else {
      const chart = el('div', 'chart');
      body.append(chart);
      const vgView = new View(parse(compile(view.spec).spec), { renderer: 'svg', container: chart, hover: true });
      await vgView.runAsync();
      const marks = chart.querySelectorAll('path, rect, circle, line').length;
      window.__dashboardTiles[e.name] = { state: 'ok', kind: 'chart', rows: detail.data.length, marks };
    }
    section.dataset.state = window.__dashboardTiles[e.name].state;
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    body.textContent = message;
    section.dataset.state = 'error';
    window.__dashboardTiles[e.name] = { state: 'error', message };
  }
}

// One query at a time, as the preview's database answers them.
(async () => {
  for (const section of document.querySelectorAll<HTMLElement>('section.tile')) await drawTile(section);
  document.body.dataset.ready = 'yes';
})();
