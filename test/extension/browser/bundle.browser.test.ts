/**
 * @jest-environment node
 *
 * Smoke test of the production bundle in headless Chromium: dist/bundle.js in an iframe under a minimal chatty
 * host (browser/host.html) that answers run_inline_query with canned json_detail rows. Checks that the bundle
 * connects, sends the contract's queries through the real extension SDK and renders both views without errors.
 * Screenshots go to test-artifacts/. (The full DuckDB-backed host and its e2e tests live in src/preview.)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { EVENT_FIELDS, EXPLORES, LOOKER_MODEL, PERSON_FIELDS, pathFields } from '../../../src/contract/looker';
import type { InlineQuery } from '../../../src/extension/looker/queries';
import { launchBrowser } from '../../preview/support/browser';

const ROOT = path.resolve(__dirname, '../../..');
const BUNDLE = path.join(ROOT, 'dist/bundle.js');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const jp = pathFields('journey_paths');

function newestSource(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = path.join(dir, e.name);
    return Math.max(m, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }, 0);
}

/** Builds the bundle unless dist/bundle.js is newer than every extension source. */
function ensureBundle() {
  const stale =
    !existsSync(BUNDLE) ||
    statSync(BUNDLE).mtimeMs < Math.max(newestSource(path.join(ROOT, 'src/extension')), newestSource(path.join(ROOT, 'src/contract')));
  if (stale) execFileSync('npx', ['webpack', '--mode', 'production'], { cwd: ROOT, stdio: 'inherit' });
}

const rows = (q: InlineQuery): Record<string, unknown>[] => {
  if (q.fields.includes(jp.step(1))) {
    return [
      { [jp.step(1)]: 'Home', [jp.step(2)]: 'Pricing', [jp.step(3)]: 'Signup', [jp.count]: 120 },
      { [jp.step(1)]: 'Home', [jp.step(2)]: 'Blog', [jp.count]: 60 },
      { [jp.step(1)]: 'LinkedIn: liked', [jp.step(2)]: 'Home', [jp.step(3)]: 'Pricing', [jp.count]: 30 },
      { [jp.step(1)]: 'Blog', [jp.count]: 45 },
    ];
  }
  if (q.fields.includes(jp.identifiedCount))
    return [{ [jp.count]: 255, [jp.identifiedCount]: 90, [jp.inferredCount]: 12, [jp.conversions]: 40 }];
  if (q.view === EXPLORES.events && q.fields.length === 1) return [{ [EVENT_FIELDS.source]: 'linkedin' }, { [EVENT_FIELDS.source]: 'web' }];
  if (q.view === EXPLORES.events) {
    return [
      {
        [EVENT_FIELDS.eventId]: 'e1',
        [EVENT_FIELDS.occurredTime]: '2024-03-01 09:00:00',
        [EVENT_FIELDS.source]: 'linkedin',
        [EVENT_FIELDS.eventType]: 'offsite',
        [EVENT_FIELDS.offsiteAction]: 'liked',
        [EVENT_FIELDS.isInferred]: 'Yes',
        [EVENT_FIELDS.linkReason]: 'name_match',
      },
      {
        [EVENT_FIELDS.eventId]: 'e2',
        [EVENT_FIELDS.occurredTime]: '2024-03-01 10:00:00',
        [EVENT_FIELDS.source]: 'web',
        [EVENT_FIELDS.eventType]: 'page',
        [EVENT_FIELDS.pageTitle]: 'Pricing',
        [EVENT_FIELDS.anonymousId]: 'anon-1',
        [EVENT_FIELDS.isInferred]: 'No',
        [EVENT_FIELDS.linkReason]: 'user_id',
      },
    ];
  }
  return [
    {
      [PERSON_FIELDS.personId]: 'user_42',
      [PERSON_FIELDS.name]: 'Ada Lovelace',
      [PERSON_FIELDS.email]: 'ada@example.com',
      [PERSON_FIELDS.identityStatus]: 'inferred',
      [PERSON_FIELDS.eventCount]: 2,
    },
  ];
};

function jsonDetail(q: InlineQuery) {
  const data = rows(q).map((r) => Object.fromEntries(q.fields.map((f) => [f, { value: r[f] ?? null }])));
  return { data, fields: { dimensions: q.fields.map((name) => ({ name })), measures: [] } };
}

describe('production bundle in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    ensureBundle();
    const files: Record<string, [string, string]> = {
      '/': [readFileSync(path.join(__dirname, 'host.html'), 'utf8'), 'text/html'],
      '/extension.html': ['<!doctype html><html><body><script src="/bundle.js"></script></body></html>', 'text/html'],
      '/bundle.js': [readFileSync(BUNDLE, 'utf8'), 'text/javascript'],
    };
    server = createServer((req, res) => {
      const file = files[(req.url ?? '/').split('?')[0]];
      res.writeHead(file ? 200 : 404, { 'content-type': file?.[1] ?? 'text/plain' });
      res.end(file?.[0] ?? 'not found');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });

  it('connects through chatty, sends the contract queries and renders the Journeys and Person views', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const calls: Array<{ path: string; body: InlineQuery }> = [];
    await page.exposeFunction('answerExtensionRequest', (request: { type: string; payload?: { path: string; body: InlineQuery } }) => {
      if (request.type !== 'INVOKE_CORE_SDK' || !request.payload) return undefined;
      calls.push(request.payload);
      if (!request.payload.path.startsWith('/queries/run/'))
        return { ok: false, error: { message: `not entitled: ${request.payload.path}` } };
      return { ok: true, value: jsonDetail(request.payload.body) };
    });
    await page.goto(origin);
    const frame = page.frameLocator('#extension');

    await frame.locator('[data-testid="sankey-node"]').first().waitFor({ timeout: 30_000 });
    expect(await frame.locator('[data-testid="sankey-node"][data-step="1"][data-label="Home"]').getAttribute('data-value')).toBe('180');
    expect(await frame.locator('[data-testid="summary-count"]').getAttribute('data-value')).toBe('255');
    expect(calls.every((c) => c.path === '/queries/run/json_detail' && c.body.model === LOOKER_MODEL)).toBe(true);
    expect(calls.map((c) => c.body.view)).toEqual(expect.arrayContaining([EXPLORES.journeys, EXPLORES.events]));
    await page.screenshot({ path: path.join(ARTIFACTS, 'extension-journeys.png'), fullPage: true });

    await frame.locator('[data-testid="sankey-node"][data-step="2"][data-label="Pricing"] rect').click();
    await frame.locator('[data-testid="focus-bar"]').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'extension-journeys-focused.png'), fullPage: true });

    await frame.locator('[data-testid="nav"] #tab-person').click();
    await frame.locator('[data-testid="person-search-input"]').fill('ada');
    await frame.locator('[data-testid="person-result"]').first().click();
    await frame.locator('[data-testid="timeline-row"]').first().waitFor();
    expect(await frame.locator('[data-testid="inferred-marker"]').count()).toBe(1);
    // The page declares no charset: the bundle must be ASCII-only for "·" to survive.
    expect(await frame.locator('[data-testid="person-header"]').textContent()).toContain('ada@example.com · person id user_42');
    await page.screenshot({ path: path.join(ARTIFACTS, 'extension-person.png'), fullPage: true });

    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
