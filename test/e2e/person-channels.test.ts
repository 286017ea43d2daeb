/**
 * End to end (#24 items 4 and 7): the production bundle in the preview over the stitched demo data, in headless
 * Chromium at 1280×800. Journeys: the first-touch breakdown and filters against direct queries of journey_paths, an
 * unknown source named. Person: the timeline grouped by session and paged, found again by a device id copied from
 * it and by "Last, First". Screenshots go to test-artifacts/.
 */
import { join } from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { startPreview, type Preview } from '../../src/preview';
import { PreviewDatabase } from '../../src/preview/api/database';
import { eventDateRange, prepareDemo } from '../../src/preview/demo';
import { artifactPath, launchBrowser } from '../preview/support/browser';

const ROOT = join(__dirname, '..', '..');
const STATUSES = "('confirmed', 'inferred', 'anonymous')";

let preview: Preview;
let browser: Browser;
let db: PreviewDatabase;
let range: { from: string; to: string };

beforeAll(async () => {
  const paths = await prepareDemo(ROOT, { quiet: true });
  [preview, browser, db] = await Promise.all([
    startPreview({ projectDir: paths.projectDir, database: paths.database, bundle: paths.bundle }),
    launchBrowser(),
    PreviewDatabase.open(paths.database, 'journey_stitch_direct'),
  ]);
  range = await eventDateRange(paths.database);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await preview?.stop();
  db?.close();
});

const frameOf = (page: Page): FrameLocator => page.frameLocator('[data-testid=preview-extension-frame]');
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

async function openPage(path: string, pii = false): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${preview.url}${path}`);
  // Personal data (names, device ids) needs the user with the can_see_pii attribute (the extension reloads).
  if (pii) await Promise.all([page.waitForEvent('load'), page.getByTestId('preview-pii-switch').check()]);
  return page;
}

describe('Journeys: first touch', () => {
  test('conversion rate by first-touch channel equals journey_paths; a channel filter narrows the summary to it', async () => {
    const all = `date=custom&from=${range.from}&to=${range.to}`;
    const page = await openPage(`journeys?${all}`);
    const frame = frameOf(page);
    await frame.getByTestId('breakdown-row').first().waitFor({ timeout: 60_000 });
    const direct = await db.run(
      `SELECT channel, COUNT(*), COUNT(*) FILTER (WHERE converted) FROM journey_paths WHERE identity_status IN ${STATUSES} GROUP BY channel ORDER BY 2 DESC, 1`,
    );
    const drawn = await frame
      .getByTestId('breakdown-row')
      .evaluateAll((rows) =>
        rows.map((r) => [(r as HTMLElement).dataset.value, ...[...r.querySelectorAll('td')].map((c) => c.textContent)]),
      );
    const expected = direct.map(([channel, persons, converted]) => [
      String(channel),
      String(channel),
      Number(persons).toLocaleString('en-US'),
      Number(converted).toLocaleString('en-US'),
      `${((100 * Number(converted)) / Number(persons)).toFixed(1)}%`,
    ]);
    expect([...drawn].sort()).toEqual([...expected].sort());
    expect(direct.length).toBeGreaterThan(3); // several channels in the demo: the table shows a real breakdown
    await page.screenshot({ path: artifactPath('e2e-channels-filters.png') });
    await frame.getByTestId('breakdown').scrollIntoViewIfNeeded();
    await page.screenshot({ path: artifactPath('e2e-channels-breakdown.png') });

    // A channel filter: only the persons whose first touch is that channel.
    const [channel, persons] = direct[0];
    await page.goto(`${preview.url}journeys?${all}&channel=${encodeURIComponent(String(channel))}`);
    await frame
      .getByTestId('summary-count')
      .and(frame.locator(`[data-value="${Number(persons)}"]`))
      .waitFor({ timeout: 60_000 });
    // The breakdown is its own query: wait for its answer, not only the summary's.
    await frame.getByTestId('breakdown-row').first().waitFor({ timeout: 60_000 });
    expect(await frame.getByTestId('breakdown-row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.value))).toEqual([
      String(channel),
    ]);
    await page.close();
  }, 120_000);

  test('landing page path: suggestions from the data, contains in any case; an unknown source is named', async () => {
    const page = await openPage(`journeys?date=custom&from=${range.from}&to=${range.to}&source=webb`);
    const frame = frameOf(page);
    const unknown = frame.getByTestId('unknown-filter-values');
    await unknown.waitFor({ timeout: 60_000 });
    // No journeys: the shares say n/a, not 0.0%.
    expect(await frame.getByTestId('summary-identified-share').innerText()).toMatch(/n\/a/);
    expect(await unknown.innerText()).toMatch(
      /^Source "webb" is not in the data of this date range \(source values there: .*web.*\): no journey can match it\.$/,
    );
    await page.screenshot({ path: artifactPath('e2e-unknown-source.png') });

    await page.goto(`${preview.url}journeys?date=custom&from=${range.from}&to=${range.to}`);
    const suggestions = frame.locator('[data-testid=landing-path-suggestions] option');
    await suggestions.first().waitFor({ state: 'attached', timeout: 60_000 });
    const values = await suggestions.evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(values.length).toBeGreaterThan(2);
    const needle = values[0].split('/').filter(Boolean)[0].toUpperCase();
    const input = frame.getByTestId('filter-landing-path').locator('input');
    await input.fill(needle);
    await input.press('Enter');
    await page.waitForURL(new RegExp(`landing_path=${needle}`));
    const [[count]] = await db.run(
      `SELECT COUNT(*) FROM journey_paths WHERE identity_status IN ${STATUSES} AND strpos(lower(landing_page_path), lower(${quote(needle)})) > 0`,
    );
    expect(Number(count)).toBeGreaterThan(0);
    await frame
      .getByTestId('summary-count')
      .and(frame.locator(`[data-value="${Number(count)}"]`))
      .waitFor({ timeout: 60_000 });
    await page.screenshot({ path: artifactPath('e2e-landing-path.png') });
    await page.close();
  }, 120_000);
});

describe('Person view', () => {
  test('grouped by session and paged; found again by a device id from the timeline and by "Last, First"', async () => {
    // The person with the most sessions who has a two-word name: a timeline of several pages.
    const [[personId, name, sessions, events, firstSeen]] = await db.run(
      `SELECT person_id, name, session_count, event_count, strftime(first_seen_at, '%Y-%m-%d %H:%M:%S') FROM persons
       WHERE name LIKE '% %' AND name NOT LIKE '% % %' ORDER BY session_count DESC, person_id LIMIT 1`,
    );
    expect(Number(sessions)).toBeGreaterThan(10);
    const page = await openPage(`person?id=${encodeURIComponent(String(personId))}`, true);
    const frame = frameOf(page);
    const journey = frame.locator(`[data-testid=person-journey][data-person-id="${String(personId)}"]`);
    await journey.getByTestId('session-header').first().waitFor({ timeout: 60_000 });
    expect(await journey.getByTestId('person-first-seen').innerText()).toBe(`First seen ${String(firstSeen)}`);
    // Page 1: the first ten sessions (or fewer, at most 50 events), their headers in words.
    const firstPage = await journey.getByTestId('session-header').allInnerTexts();
    expect(firstPage.length).toBeLessThanOrEqual(10);
    expect(firstPage[0]).toMatch(/^Session 1 · started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · .+ · \d+ events? · (converted|no conversion)$/);
    const pageText = journey.getByTestId('timeline-page').first();
    expect(await pageText.innerText()).toMatch(
      new RegExp(`^Page 1 of \\d+ · sessions 1–${firstPage.length} of ${Number(sessions)} · events 1–\\d+ of ${Number(events)}$`),
    );
    // The extension's own page, not the host's: a page of the timeline, not every event in one table.
    const height = await frame.locator('body').evaluate((b) => b.scrollHeight);
    process.stdout.write(
      `person ${String(personId)}: ${Number(events)} events, ${Number(sessions)} sessions; first page ${height} px high\n`,
    );
    await page.screenshot({ path: artifactPath('e2e-person-sessions.png') });

    // Every event, page by page, exactly once.
    let seen = await journey.getByTestId('timeline-row').count();
    while (!(await journey.getByTestId('timeline-next').first().isDisabled())) {
      await journey.getByTestId('timeline-next').first().click();
      seen += await journey.getByTestId('timeline-row').count();
    }
    expect(seen).toBe(Number(events));
    await journey.getByTestId('timeline-previous').first().click();
    await page.screenshot({ path: artifactPath('e2e-person-sessions-page.png') });

    // A device id copied from the timeline finds the person.
    const deviceId = (await journey.getByTestId('device-id').first().innerText()).trim();
    const search = frame.locator('[data-testid=person-search-input] input, input[data-testid=person-search-input]').first();
    await search.fill(deviceId);
    await frame.locator(`[data-testid=person-result][data-person-id="${String(personId)}"]`).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: artifactPath('e2e-person-device-search.png') });

    // "Last, First" finds the same person as "First Last".
    const [first, last] = String(name).split(' ');
    await search.fill(`${last}, ${first}`);
    await frame.locator(`[data-testid=person-result][data-person-id="${String(personId)}"]`).waitFor({ timeout: 60_000 });
    expect(height).toBeLessThan(4000);
    await page.close();
  }, 180_000);
});
