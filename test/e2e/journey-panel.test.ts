/**
 * Issue 24's Journeys items in headless Chromium: the production bundle in the preview over the stitched demo data.
 * A node's persons panel (its count equal to the node, the summary following the focus, a row opening the Person
 * view, names only with the preview's PII switch), a link's focus, the inferred marking, the comparison side by
 * side, the CSV downloads and an ISO date typed into the custom range. Screenshots at 1280×800 and 1920×1080 go to
 * test-artifacts/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { startPreview, type Preview } from '../../src/preview';
import { eventDateRange, prepareDemo } from '../../src/preview/demo';
import { artifactPath, launchBrowser } from '../preview/support/browser';

let preview: Preview;
let browser: Browser;
let range: { from: string; to: string };

beforeAll(async () => {
  const paths = await prepareDemo(join(__dirname, '..', '..'), { quiet: true });
  [preview, browser] = await Promise.all([
    startPreview({ projectDir: paths.projectDir, database: paths.database, bundle: paths.bundle }),
    launchBrowser(),
  ]);
  range = await eventDateRange(paths.database);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await preview?.stop();
});

const frameOf = (page: Page): FrameLocator => page.frameLocator('[data-testid=preview-extension-frame]');

async function open(path: string, viewport = { width: 1280, height: 800 }, pii = false): Promise<{ page: Page; frame: FrameLocator }> {
  const page = await browser.newPage({ viewport, acceptDownloads: true });
  await page.goto(`${preview.url}${path}`);
  if (pii) await Promise.all([page.waitForEvent('load'), page.getByTestId('preview-pii-switch').check()]);
  const frame = frameOf(page);
  await frame.getByTestId('sankey-node').first().waitFor({ timeout: 60_000 });
  return { page, frame };
}

const anyTime = () => `journeys?date=custom&from=${range.from}&to=${range.to}&steps=4&top=5`;

test("a node opens its persons: the count is the node's, the summary follows, a row opens the Person view", async () => {
  const { page, frame } = await open(anyTime());
  const node = frame.locator('[data-testid=sankey-node][data-step="2"][data-kind=step]').first();
  const value = await node.getAttribute('data-value');
  const label = await node.getAttribute('data-label');
  await node.locator('rect').click();
  const panel = frame.getByTestId('selection-panel');
  await panel.getByTestId('selection-person').first().waitFor({ timeout: 30_000 });
  await frame.locator(`[data-testid=selection-summary][data-count="${value}"]`).waitFor({ timeout: 30_000 });
  await frame.locator(`[data-testid=summary-count][data-value="${value}"]`).waitFor();
  expect(await frame.getByTestId('summary-focus-note').textContent()).toContain(`Focused on ${label}, step 2`);
  const rows = await panel.getByTestId('selection-person').count();
  expect(rows).toBe(Math.min(50, Number(value)));
  // No grant (the preview's PII switch is off): no name or email column, the pseudonymous id.
  expect(await panel.locator('thead th').allTextContents()).toEqual(['Person', 'Status', 'Steps', 'Events', 'Converted']);
  await panel.getByTestId('selection-pii-note').waitFor();
  await page.screenshot({ path: artifactPath('e2e-journeys-selection-1280.png') });
  // The panel sits under the chart: scrolled to inside the extension's frame.
  await panel.getByRole('heading').scrollIntoViewIfNeeded();
  await page.screenshot({ path: artifactPath('e2e-journeys-selection-panel-1280.png') });

  const first = panel.getByTestId('selection-person').first();
  const personId = await first.getAttribute('data-person-id');
  await first.getByRole('button').click();
  await frame.locator(`[data-testid=person-journey][data-person-id="${personId}"]`).waitFor({ timeout: 30_000 });
  await page.close();
});

test('with the grant the panel names the persons; a link click focuses its journeys (1920×1080)', async () => {
  const { page, frame } = await open(anyTime(), { width: 1920, height: 1080 }, true);
  const link = frame.locator('[data-testid=sankey-link][data-source^="1|step|"][data-target^="2|step|"]').first();
  const value = await link.getAttribute('data-value');
  await link.click({ force: true });
  await page.waitForURL(/focus=link/);
  const panel = frame.getByTestId('selection-panel');
  await panel.getByTestId('selection-person').first().waitFor({ timeout: 30_000 });
  await frame.locator(`[data-testid=selection-summary][data-count="${value}"]`).waitFor({ timeout: 30_000 });
  expect(await panel.locator('thead th').allTextContents()).toEqual(['Person', 'Name', 'Email', 'Status', 'Steps', 'Events', 'Converted']);
  expect(await frame.locator('[data-testid=sankey-link][data-selected=true]').count()).toBe(1);
  await page.screenshot({ path: artifactPath('e2e-journeys-link-1920.png') });
  await panel.getByRole('heading').scrollIntoViewIfNeeded();
  await page.screenshot({ path: artifactPath('e2e-journeys-link-panel-1920.png') });
  await page.close();
});

test('inferred steps are marked, with a legend; the comparison draws both segments with shared colours', async () => {
  const { page, frame } = await open(anyTime(), { width: 1920, height: 1080 });
  expect(await frame.getByTestId('sankey-node-inferred').count()).toBeGreaterThan(0);
  await frame.getByTestId('inferred-legend').waitFor();
  await page.close();

  const compare = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await compare.goto(`${preview.url}${anyTime()}&compare=inferred`);
  const cf = frameOf(compare);
  const sides = cf.getByTestId('compare-side');
  await sides.nth(1).getByTestId('sankey-node').first().waitFor({ timeout: 60_000 });
  // The right side leaves name-matched events out: nothing is marked inferred there.
  expect(await sides.nth(0).getByTestId('sankey-node-inferred').count()).toBeGreaterThan(0);
  expect(await sides.nth(1).getByTestId('sankey-node-inferred').count()).toBe(0);
  const fills = async (i: number) =>
    Object.fromEntries(
      await sides
        .nth(i)
        .locator('[data-testid=sankey-node][data-kind=step]')
        .evaluateAll((els) =>
          els.map((e) => [`${e.getAttribute('data-step')}|${e.getAttribute('data-label')}`, e.querySelector('rect')!.getAttribute('fill')]),
        ),
    );
  const [left, right] = [await fills(0), await fills(1)];
  const shared = Object.keys(left).filter((k) => k in right);
  expect(shared.length).toBeGreaterThan(3);
  for (const k of shared) expect([k, right[k]]).toEqual([k, left[k]]);
  await compare.screenshot({ path: artifactPath('e2e-journeys-compare-1920.png') });
  await compare.close();
  // At 1280×800 the two charts share the width: neither spills past the page.
  const narrow = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await narrow.goto(`${preview.url}${anyTime()}&compare=inferred`);
  const nf = frameOf(narrow);
  await nf.getByTestId('compare-side').nth(1).getByTestId('sankey-node').first().waitFor({ timeout: 60_000 });
  const box = await nf.getByTestId('compare-side').nth(1).locator('svg[role=group]').boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(1280);
  await narrow.screenshot({ path: artifactPath('e2e-journeys-compare-1280.png') });
  await narrow.close();
});

test('CSV downloads: the path rows and the persons list', async () => {
  const { page, frame } = await open(anyTime());
  const [paths] = await Promise.all([page.waitForEvent('download'), frame.getByTestId('paths-csv').click()]);
  expect(paths.suggestedFilename()).toBe('journey-paths.csv');
  const csv = readFileSync((await paths.path())!, 'utf8');
  const lines = csv.trim().split('\r\n');
  expect(lines[0]).toBe('Step 1,Step 2,Step 3,Step 4,Step 1 inferred,Step 2 inferred,Step 3 inferred,Step 4 inferred,persons');
  // The counts add up to the persons the summary counts (less those without steps, which no row draws).
  const total = lines.slice(1).reduce((s, l) => s + Number(l.split(',').at(-1)), 0);
  const summary = Number(await frame.getByTestId('summary-count').getAttribute('data-value'));
  expect(total).toBeLessThanOrEqual(summary);
  expect(total).toBeGreaterThan(summary * 0.5);

  await frame.locator('[data-testid=sankey-node][data-step="1"][data-kind=step]').first().locator('rect').click();
  await frame.getByTestId('selection-person').first().waitFor({ timeout: 30_000 });
  const [persons] = await Promise.all([page.waitForEvent('download'), frame.getByTestId('selection-csv').click()]);
  const text = readFileSync((await persons.path())!, 'utf8');
  expect(text.split('\r\n')[0]).toBe('person_id,identity_status,steps,events,converted');
  expect(text.trim().split('\r\n').length - 1).toBe(await frame.getByTestId('selection-person').count());
  expect(text).not.toMatch(/@/);
  await page.close();
});

test('an ISO date typed into the custom range is read, and text that is no date says so', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${preview.url}journeys?date=custom`);
  const frame = frameOf(page);
  const inputs = frame.getByTestId('filter-date-range').locator('input');
  await inputs.nth(0).fill(range.from);
  await inputs.nth(0).press('Enter');
  await inputs.nth(1).fill('someday');
  await inputs.nth(1).press('Tab');
  await frame.getByText(/End date: "someday" is not a date/).waitFor({ timeout: 30_000 });
  await page.screenshot({ path: artifactPath('e2e-journeys-iso-date-problem.png') });
  await inputs.nth(1).fill(range.to);
  await inputs.nth(1).press('Enter');
  await page.waitForURL(new RegExp(`to=${range.to}`));
  expect(page.url()).toContain(`from=${range.from}`);
  await frame.getByTestId('sankey-node').first().waitFor({ timeout: 60_000 });
  await page.close();
});
