/**
 * The preview's dashboard pages in headless Chromium: every LookML dashboard of the demo project (pdt) and of a
 * project with run history (tables + lookml.run_history, ./run-log-world) opened as a page, every tile drawn with
 * data (a single value, a table with rows, or a vega chart with marks) and none in error; dashboard filters reach the
 * tiles that listen to them. Screenshots in test-artifacts/dashboard-*.png.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startPreview, type Preview } from '../../src/preview';
import { prepareDemo } from '../../src/preview/demo';
import { loadDashboards } from '../../src/preview/dashboards/load';
import type { DashboardDoc } from '../../src/preview/dashboards/query';
import { artifactPath, launchBrowser } from '../preview/support/browser';
import { LATE_PAGES, runLogWorld } from './run-log-world';

const ROOT = join(__dirname, '..', '..');
interface Served {
  preview: Preview;
  base: string;
  dashboards: DashboardDoc[];
}
const served: Record<'demo' | 'runLog', Served> = {} as never;
let browser: Browser;
let tmp: string;

async function serve(projectDir: string, database: string): Promise<Served> {
  // The repository's committed bundle.js: these pages do not load the extension.
  const preview = await startPreview({ projectDir, database, bundle: join(ROOT, 'bundle.js') });
  return { preview, base: `http://127.0.0.1:${preview.port}`, dashboards: loadDashboards(projectDir) };
}

beforeAll(async () => {
  const paths = await prepareDemo(ROOT, { quiet: true, extension: false });
  tmp = mkdtempSync(join(tmpdir(), 'js-dashboard-pages-'));
  const runLog = await runLogWorld(paths.dataDir, tmp);
  [served.demo, served.runLog, browser] = await Promise.all([
    serve(paths.projectDir, paths.database),
    serve(runLog.projectDir, runLog.database),
    launchBrowser(),
  ]);
}, 600_000);
afterAll(async () => {
  await browser?.close();
  for (const s of Object.values(served)) await s?.preview.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

type TileOutcome = { state: string; kind?: string; rows?: number; marks?: number; message?: string };

async function openDashboard(
  s: Served,
  name: string,
  query = '',
): Promise<{ page: Page; tiles: Record<string, TileOutcome>; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${s.base}/dashboards/${name}${query}`);
  await page.waitForSelector('body[data-ready=yes]', { timeout: 120_000 });
  return { page, tiles: await page.evaluate(() => window.__dashboardTiles), errors };
}

/** Why a tile does not show data, or undefined. */
function problem(t: TileOutcome | undefined): string | undefined {
  if (!t) return 'not drawn';
  if (t.state !== 'ok') return `${t.state}: ${t.message}`;
  if (!t.rows) return 'no rows';
  if (t.kind === 'chart' && !t.marks) return 'a chart without marks';
  return undefined;
}

test.each(['demo', 'runLog'] as const)(
  '%s: every tile of every dashboard page draws its data',
  async (world) => {
    const s = served[world];
    expect(s.dashboards).toHaveLength(4);
    const problems: string[] = [];
    for (const d of s.dashboards) {
      const { page, tiles, errors } = await openDashboard(s, d.dashboard);
      for (const e of d.elements) {
        const why = problem(tiles[e.name]);
        if (why) problems.push(`${d.dashboard}/${e.name}: ${why}`);
        // Drawn as its LookML type says: a chart for the chart types, a number, or a table.
        const kind = e.type === 'single_value' ? 'single' : e.type === 'looker_grid' ? 'table' : 'chart';
        if (tiles[e.name]?.kind !== kind) problems.push(`${d.dashboard}/${e.name}: drawn as ${tiles[e.name]?.kind}, not ${kind}`);
      }
      problems.push(...errors.map((m) => `${d.dashboard}: page error ${m}`));
      await page.screenshot({ path: artifactPath(`dashboard-${world}-${d.dashboard}.png`), fullPage: true });
      await page.close();
    }
    expect(problems).toEqual([]);
  },
  300_000,
);

test('tiles sit on the newspaper grid: a tile of the next row starts below the tiles above it', async () => {
  const { page } = await openDashboard(served.demo, 'journey_stitch_identity_coverage');
  const box = async (name: string) => (await page.getByTestId(`tile-${name}`).boundingBox())!;
  const [share, unmatched, events] = [await box('identified_share'), await box('unmatched_profiles'), await box('events_by_status')];
  expect(Math.abs(share.y - unmatched.y)).toBeLessThan(1);
  expect(unmatched.x).toBeGreaterThan(share.x + share.width - 1);
  expect(events.y).toBeGreaterThanOrEqual(share.y + share.height);
  await page.close();
});

test('the data quality filters reach the tiles that listen to them; run history and late rows show', async () => {
  const s = served.runLog;
  const value = (page: Page, tile: string) => page.getByTestId(`tile-${tile}`).locator('.single .value').textContent();
  const { page } = await openDashboard(s, 'journey_stitch_data_quality');
  const [rejected, duplicates] = [await value(page, 'rejected_rows'), await value(page, 'duplicate_copies')];
  expect(Number(rejected)).toBeGreaterThan(0);
  expect(Number(duplicates)).toBeGreaterThan(0);
  expect(await value(page, 'late_rows')).toBe(String(LATE_PAGES));
  expect(await page.getByTestId('tile-run_history').locator('tr').count()).toBe(3); // the header and two runs
  // Only duplicates: no rejected row is left, the duplicates stay; the URL keeps the filter.
  await page.getByTestId('filter-reason').fill('duplicate');
  await Promise.all([page.waitForURL(/reason=duplicate/), page.getByRole('button', { name: 'Run' }).click()]);
  await page.waitForSelector('body[data-ready=yes]');
  expect([await value(page, 'rejected_rows'), await value(page, 'duplicate_copies')]).toEqual(['0', duplicates]);
  await page.close();
});

test('the index lists the dashboards, the extension page links to it, an unknown dashboard is a 404', async () => {
  const s = served.demo;
  const page = await browser.newPage();
  await page.goto(`${s.base}/dashboards`);
  expect(await page.locator('ul.index a').allTextContents()).toEqual(s.dashboards.map((d) => d.title));
  await page.goto(s.preview.url);
  expect(await page.locator('header a.dashboards').getAttribute('href')).toBe('/dashboards');
  const res = await page.goto(`${s.base}/dashboards/no_such_dashboard`);
  expect(res?.status()).toBe(404);
  await page.close();
});
