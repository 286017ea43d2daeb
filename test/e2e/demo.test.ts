/**
 * End to end: the demo data stitched on DuckDB, the generated LookML project and the production extension bundle,
 * served by the preview and driven in headless Chromium. What the extension draws is checked against direct DuckDB
 * queries of the stitched tables (run through the extension's own pure Sankey transform).
 * The first run builds everything (`prepareDemo`, as `npm start` does); later runs reuse what is up to date.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { buildSankey, type PathRow } from '../../src/extension/sankey/transform';
import { startPreview, type Preview } from '../../src/preview';
import { PreviewDatabase } from '../../src/preview/api/database';
import { eventDateRange, prepareDemo, type DemoPaths } from '../../src/preview/demo';
import { artifactPath, launchBrowser } from '../preview/support/browser';

const ROOT = join(__dirname, '..', '..');
const DEFAULT_STATUSES = ['confirmed', 'inferred', 'anonymous'];
const STEPS = 5; // the Journeys view's defaults
const TOP_K = 6;

let paths: DemoPaths;
let preview: Preview;
let browser: Browser;
let db: PreviewDatabase;
let range: { from: string; to: string };
const temp: string[] = [];
const extraPreviews: Preview[] = [];

beforeAll(async () => {
  paths = await prepareDemo(ROOT, { quiet: true });
  [preview, browser, db] = await Promise.all([
    startPreview({ projectDir: paths.projectDir, database: paths.database, bundle: paths.bundle }),
    launchBrowser(),
    PreviewDatabase.open(paths.database, 'journey_stitch_direct'),
  ]);
  range = await eventDateRange(paths.database);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  for (const p of [preview, ...extraPreviews]) await p?.stop();
  db?.close();
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});

const frameOf = (page: Page): FrameLocator => page.frameLocator('[data-testid=preview-extension-frame]');

async function openPage(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(url);
  return page;
}

/** The journeys the view would draw, straight from the stitched journey_paths (or session_paths) table. */
async function expectedSankey(statuses: string[], table: 'journey_paths' | 'session_paths' = 'journey_paths') {
  const steps = Array.from({ length: STEPS }, (_, i) => `step_${i + 1}`).join(', ');
  const list = statuses.map((s) => `'${s}'`).join(', ');
  const rows = await db.run(`SELECT ${steps}, COUNT(*) FROM ${table} WHERE identity_status IN (${list}) GROUP BY ALL`);
  const pathRows: PathRow[] = rows.map((r) => ({ steps: r.slice(0, STEPS) as (string | null)[], value: Number(r[STEPS]) }));
  const [[persons]] = await db.run(`SELECT COUNT(*) FROM ${table} WHERE identity_status IN (${list})`);
  return { sankey: buildSankey(pathRows, { steps: STEPS, topK: TOP_K }), persons: Number(persons) };
}

/** Nodes and links as drawn (their data attributes). */
async function drawnSankey(frame: FrameLocator) {
  const nodes = await frame.getByTestId('sankey-node').evaluateAll((els) =>
    els.map((e) => {
      const d = (e as HTMLElement).dataset;
      return { id: `${d.step}|${d.kind}|${d.label}`, value: Number(d.value) };
    }),
  );
  const links = await frame.getByTestId('sankey-link').evaluateAll((els) =>
    els.map((e) => {
      const d = (e as HTMLElement).dataset;
      return { source: d.source!, target: d.target!, value: Number(d.value) };
    }),
  );
  return { nodes, links };
}

const byId = <T extends { value: number }>(items: T[], key: (t: T) => string) => Object.fromEntries(items.map((t) => [key(t), t.value]));

async function summaryCount(frame: FrameLocator): Promise<number> {
  return Number(await frame.getByTestId('summary-count').getAttribute('data-value'));
}

describe('the demo in the preview', () => {
  test('the Sankey draws the nodes and links a direct DuckDB query of journey_paths gives; unticking Inferred removes exactly the inferred persons', async () => {
    const page = await openPage(`${preview.url}journeys?date=custom&from=${range.from}&to=${range.to}`);
    const frame = frameOf(page);
    await frame.getByTestId('sankey-node').first().waitFor({ timeout: 30_000 });

    const expected = await expectedSankey(DEFAULT_STATUSES);
    const drawn = await drawnSankey(frame);
    expect(drawn.nodes.length).toBe(expected.sankey.nodes.length);
    expect(drawn.links.length).toBe(expected.sankey.links.length);
    expect(byId(drawn.nodes, (n) => n.id)).toEqual(byId(expected.sankey.nodes, (n) => n.id));
    expect(byId(drawn.links, (l) => `${l.source}->${l.target}`)).toEqual(byId(expected.sankey.links, (l) => `${l.source}->${l.target}`));
    expect(await summaryCount(frame)).toBe(expected.persons);
    await page.screenshot({ path: artifactPath('e2e-journeys.png') });

    const [[inferred]] = await db.run("SELECT COUNT(*) FROM journey_paths WHERE identity_status = 'inferred'");
    expect(Number(inferred)).toBeGreaterThan(0); // otherwise the toggle below would prove nothing
    await frame.getByTestId('filter-status').getByText('Inferred', { exact: true }).click();
    await page.waitForURL(/status=/);
    await frame
      .getByTestId('summary-count')
      .and(frame.locator(`[data-value="${expected.persons - Number(inferred)}"]`))
      .waitFor({ timeout: 30_000 });

    const without = await expectedSankey(DEFAULT_STATUSES.filter((s) => s !== 'inferred'));
    expect(without.persons).toBe(expected.persons - Number(inferred));
    await frame.getByTestId('sankey-node').first().waitFor();
    const drawnWithout = await drawnSankey(frame);
    expect(byId(drawnWithout.nodes, (n) => n.id)).toEqual(byId(without.sankey.nodes, (n) => n.id));
    expect(byId(drawnWithout.links, (l) => `${l.source}->${l.target}`)).toEqual(
      byId(without.sankey.links, (l) => `${l.source}->${l.target}`),
    );
    const step1 = (nodes: { id: string; value: number }[]) => nodes.filter((n) => n.id.startsWith('1|')).reduce((s, n) => s + n.value, 0);
    const [[inferredWithSteps]] = await db.run(
      "SELECT COUNT(*) FROM journey_paths WHERE identity_status = 'inferred' AND step_1 IS NOT NULL",
    );
    expect(step1(drawn.nodes) - step1(drawnWithout.nodes)).toBe(Number(inferredWithSteps));
    await page.screenshot({ path: artifactPath('e2e-journeys-without-inferred.png') });
    await page.close();
  });

  test('the default view, the last 90 days, draws the persons with events in them (the demo ends today)', async () => {
    const page = await openPage(`${preview.url}journeys`);
    const frame = frameOf(page);
    await frame.getByTestId('sankey-node').first().waitFor({ timeout: 30_000 });
    // Looker's "90 days": today and the 89 days before it.
    const [[recent, all]] = await db.run(
      `SELECT COUNT(DISTINCT e.person_id) FILTER (WHERE e.occurred_at >= current_date - INTERVAL 89 DAY), COUNT(DISTINCT e.person_id)
       FROM stitched_events AS e JOIN persons AS p ON p.person_id = e.person_id
       WHERE p.identity_status IN (${DEFAULT_STATUSES.map((s) => `'${s}'`).join(', ')})`,
    );
    expect(Number(recent)).toBeGreaterThan(0);
    expect(Number(recent)).toBeLessThan(Number(all));
    expect(await summaryCount(frame)).toBe(Number(recent));
    expect(await frame.getByTestId('sankey-link').count()).toBeGreaterThan(0);
    await page.screenshot({ path: artifactPath('e2e-journeys-default.png') });
    await page.close();
  });

  test('"Before conversion" draws the steps before each first conversion, aligned on it, as journey_paths.before_N … before_1 give', async () => {
    const page = await openPage(`${preview.url}journeys?anchor=conversion&date=custom&from=${range.from}&to=${range.to}`);
    const frame = frameOf(page);
    await frame.getByTestId('sankey-node').first().waitFor({ timeout: 30_000 });
    const list = DEFAULT_STATUSES.map((s) => `'${s}'`).join(', ');
    const columns = [...Array.from({ length: STEPS }, (_, i) => `before_${STEPS - i}`), "COALESCE(conversion_step, 'Conversion')"].join(
      ', ',
    );
    const rows = await db.run(
      `SELECT ${columns}, COUNT(*) FROM journey_paths WHERE converted AND identity_status IN (${list}) GROUP BY ALL`,
    );
    const expected = buildSankey(
      rows.map((r) => ({ steps: r.slice(0, STEPS + 1) as (string | null)[], value: Number(r[STEPS + 1]) })),
      { steps: STEPS + 1, topK: TOP_K, align: 'end' },
    );
    const drawn = await drawnSankey(frame);
    expect(byId(drawn.nodes, (n) => n.id)).toEqual(byId(expected.nodes, (n) => n.id));
    expect(byId(drawn.links, (l) => `${l.source}->${l.target}`)).toEqual(byId(expected.links, (l) => `${l.source}->${l.target}`));
    expect(await summaryCount(frame)).toBe(rows.reduce((sum, r) => sum + Number(r[STEPS + 1]), 0));
    expect(await frame.getByTestId('column-title').allTextContents()).toEqual([
      '5 steps before',
      '4 steps before',
      '3 steps before',
      '2 steps before',
      '1 step before',
      'Conversion',
    ]);
    await page.screenshot({ path: artifactPath('e2e-journeys-before-conversion.png') });
    await page.close();
  });

  test('counting sessions: the Sankey equals a direct query of session_paths', async () => {
    const page = await openPage(`${preview.url}journeys?measure=sessions&date=custom&from=${range.from}&to=${range.to}`);
    const frame = frameOf(page);
    await frame.getByTestId('sankey-node').first().waitFor({ timeout: 30_000 });
    const expected = await expectedSankey(DEFAULT_STATUSES, 'session_paths');
    const drawn = await drawnSankey(frame);
    expect(byId(drawn.nodes, (n) => n.id)).toEqual(byId(expected.sankey.nodes, (n) => n.id));
    expect(byId(drawn.links, (l) => `${l.source}->${l.target}`)).toEqual(byId(expected.sankey.links, (l) => `${l.source}->${l.target}`));
    expect(await summaryCount(frame)).toBe(expected.persons);
    await page.screenshot({ path: artifactPath('e2e-journeys-sessions.png') });
    await page.close();
  });

  test('person search finds a known inferred person and shows their timeline with the inferred marker', async () => {
    const [[personId, name]] = await db.run(
      "SELECT person_id, name FROM persons WHERE identity_status = 'inferred' AND name IS NOT NULL ORDER BY person_id LIMIT 1",
    );
    const [[events, inferredEvents]] = await db.run(
      `SELECT COUNT(*), COUNT(*) FILTER (WHERE is_inferred_identity) FROM stitched_events WHERE person_id = '${String(personId).replace(/'/g, "''")}'`,
    );
    const page = await openPage(`${preview.url}person`);
    // Names are PII: switch to the user with the can_see_pii attribute (the extension reloads).
    await Promise.all([page.waitForEvent('load'), page.getByTestId('preview-pii-switch').check()]);
    const frame = frameOf(page);
    await frame.locator('input[data-testid=person-search-input], [data-testid=person-search-input] input').first().fill(String(name));
    const result = frame.locator(`[data-testid=person-result][data-person-id="${String(personId)}"]`);
    await result.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: artifactPath('e2e-person-search.png') });
    await result.click();
    const journey = frame.locator(`[data-testid=person-journey][data-person-id="${String(personId)}"]`);
    await journey.getByTestId('timeline-row').first().waitFor({ timeout: 30_000 });
    // The timeline is paged by session: every event and marker, page by page.
    let [rows, markers] = [await journey.getByTestId('timeline-row').count(), await journey.getByTestId('inferred-marker').count()];
    while ((await journey.getByTestId('timeline-next').count()) > 0 && !(await journey.getByTestId('timeline-next').first().isDisabled())) {
      await journey.getByTestId('timeline-next').first().click();
      rows += await journey.getByTestId('timeline-row').count();
      markers += await journey.getByTestId('inferred-marker').count();
    }
    expect(rows).toBe(Number(events));
    expect(markers).toBe(Number(inferredEvents));
    expect(Number(inferredEvents)).toBeGreaterThan(0);
    await expect(journey.getByTestId('person-header').innerText()).resolves.toContain(String(name));
    await page.screenshot({ path: artifactPath('e2e-person-timeline.png'), fullPage: true });
    await page.close();
  });

  test('without the PII switch the same person is found by id, with name and email hidden', async () => {
    const [[personId, name]] = await db.run(
      "SELECT person_id, name FROM persons WHERE identity_status = 'inferred' AND name IS NOT NULL ORDER BY person_id LIMIT 1",
    );
    const page = await openPage(`${preview.url}person`);
    const frame = frameOf(page);
    await frame.locator('input[data-testid=person-search-input], [data-testid=person-search-input] input').first().fill(String(personId));
    const result = frame.locator(`[data-testid=person-result][data-person-id="${String(personId)}"]`);
    await result.waitFor({ timeout: 30_000 });
    expect(await result.getByTestId('pii-hidden').count()).toBeGreaterThan(0);
    expect(await result.innerText()).not.toContain(String(name));
    await page.screenshot({ path: artifactPath('e2e-person-search-without-pii.png') });
    await page.close();
  });

  test('a manifest without run_inline_query: the extension shows its entitlement error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'e2e-project-'));
    temp.push(dir);
    cpSync(paths.projectDir, dir, { recursive: true });
    const manifest = join(dir, 'manifest.lkml');
    const text = readFileSync(manifest, 'utf8');
    const narrowed = text.replace(/core_api_methods:\s*\[[^\]]*\]/, 'core_api_methods: ["me"]');
    expect(narrowed).not.toBe(text);
    writeFileSync(manifest, narrowed);
    const narrow = await startPreview({ projectDir: dir, database: paths.database, bundle: paths.bundle });
    extraPreviews.push(narrow);
    const page = await openPage(`${narrow.url}journeys`);
    const denied = frameOf(page).locator('[data-testid=permission-denied][data-reason=entitlement]').first();
    await denied.waitFor({ timeout: 30_000 });
    await expect(denied.innerText()).resolves.toMatch(/run_inline_query/);
    await expect(page.getByTestId('preview-status').innerText()).resolves.toMatch(
      /Extension not entitled to use api method run_inline_query/,
    );
    await page.screenshot({ path: artifactPath('e2e-missing-entitlement.png') });
    await page.close();
  });
});
