/**
 * The host protocol: unit tests of the request routing, and the fixture extension (built with the real
 * @looker/extension-sdk) running in headless Chromium against the preview server.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CoreApi, EntitlementError, methodOf } from '../../src/preview/api/core';
import { PREVIEW_USERS } from '../../src/preview/api/users';
import { startPreview, type Preview } from '../../src/preview';
import { hostPathForRoute, routeExtensionRequest, routeFromHostPath } from '../../src/preview/host/protocol';
import { loadPreviewProject } from '../../src/preview/project';
import type { Entitlements } from '../../src/preview/project/manifest';
import { artifactPath, launchBrowser } from './support/browser';
import { buildFixtureBundle } from './support/bundle';
import { createFixtureDatabase, FIXTURE_EVENTS, writeFixtureProject, type FixtureDatabase } from './support/fixture';

const ALL: Entitlements = {
  coreApiMethods: ['me', 'run_inline_query'],
  localStorage: true,
  navigation: true,
  newWindow: true,
  useFormSubmit: false,
};
const NONE: Entitlements = { coreApiMethods: [], localStorage: false, navigation: false, newWindow: false, useFormSubmit: false };

describe('request routing', () => {
  test('core API calls, host verification and local storage', () => {
    expect(routeExtensionRequest({ type: 'INVOKE_CORE_SDK', payload: { httpMethod: 'GET', path: '/user', params: null } }, ALL)).toEqual({
      kind: 'core',
      request: { httpMethod: 'GET', path: '/user', params: undefined, body: undefined, apiVersion: undefined },
    });
    expect(routeExtensionRequest({ type: 'VERIFY_HOST' }, NONE)).toEqual({ kind: 'reply', value: true });
    expect(routeExtensionRequest({ type: 'LOCAL_STORAGE', payload: { type: 'set', name: 'a', value: 'b' } }, ALL)).toEqual({
      kind: 'localStorage',
      op: 'set',
      name: 'a',
      value: 'b',
    });
  });
  test('entitlements: local storage, navigation, new windows', () => {
    expect(routeExtensionRequest({ type: 'LOCAL_STORAGE', payload: { type: 'get', name: 'a' } }, NONE)).toEqual({
      kind: 'refuse',
      message: 'Extension not entitled to access local storage',
    });
    expect(routeExtensionRequest({ type: 'UPDATE_LOCATION', payload: { url: '/explore/x' } }, NONE)).toEqual({
      kind: 'refuse',
      message: 'Extension not entitled to navigate',
    });
    expect(routeExtensionRequest({ type: 'UPDATE_LOCATION', payload: { url: 'https://x', target: '_blank' } }, NONE)).toEqual({
      kind: 'refuse',
      message: 'Extension not entitled to open a new window',
    });
    expect(routeExtensionRequest({ type: 'UPDATE_LOCATION', payload: { url: 'https://x', target: '_blank' } }, ALL)).toEqual({
      kind: 'location',
      url: 'https://x',
      target: '_blank',
    });
  });
  test('routes, titles, no-ops and unsupported requests', () => {
    expect(routeExtensionRequest({ type: 'ROUTE_CHANGED', payload: { route: '/person/a' } }, NONE)).toEqual({
      kind: 'route',
      route: '/person/a',
      routeState: undefined,
    });
    expect(routeExtensionRequest({ type: 'RENDERED' }, NONE)).toEqual({ kind: 'reply', value: undefined });
    const refused = routeExtensionRequest({ type: 'INVOKE_EXTERNAL_API', payload: {} }, ALL);
    expect(refused).toEqual({
      kind: 'refuse',
      message: expect.stringMatching(
        /^The journey-stitch preview does not support the extension request INVOKE_EXTERNAL_API; it supports INVOKE_CORE_SDK/,
      ),
    });
  });
  test('host URL <-> extension route', () => {
    const id = 'journey_stitch::journey_stitch';
    expect(routeFromHostPath('/extensions/journey_stitch::journey_stitch/person/p%201', id)).toBe('/person/p 1');
    expect(routeFromHostPath('/extensions/journey_stitch::journey_stitch', id)).toBe('/');
    expect(routeFromHostPath('/extensions/journey_stitch::journey_stitch/journeys?date=custom&from=2024-01-01', id)).toBe(
      '/journeys?date=custom&from=2024-01-01',
    );
    // The query is kept as written: decoding it would split 'Q&A: C++ 100%' at the '&' and turn '+' into nothing.
    const landing = `landing=${encodeURIComponent('Q&A: C++ 100%')}&q=${encodeURIComponent('ann+news@x.com')}`;
    expect(routeFromHostPath(`/extensions/journey_stitch::journey_stitch/journeys?${landing}`, id)).toBe(`/journeys?${landing}`);
    expect(
      new URLSearchParams(routeFromHostPath(`/extensions/journey_stitch::journey_stitch/journeys?${landing}`, id).split('?')[1]).get(
        'landing',
      ),
    ).toBe('Q&A: C++ 100%');
    expect(hostPathForRoute('/sessions', id)).toBe('/extensions/journey_stitch::journey_stitch/sessions');
  });
});

describe('core API entitlements', () => {
  test('Looker method names by route', () => {
    expect(methodOf('GET', '/user')).toBe('me');
    expect(methodOf('post', '/queries/run/json_detail')).toBe('run_inline_query');
    expect(methodOf('GET', '/lookml_models/m/explores/e')).toBe('lookml_model_explore');
    expect(methodOf('GET', '/nothing/here')).toBeUndefined();
  });
  test("a method missing from core_api_methods is refused with Looker's error; unknown and unimplemented calls say so", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preview-project-'));
    const project = await loadPreviewProject(writeFixtureProject(dir));
    rmSync(dir, { recursive: true, force: true });
    const runner = { run: async () => [] };
    const narrow = new CoreApi(
      { ...project.manifest, entitlements: { ...project.manifest.entitlements, coreApiMethods: ['me'] } },
      project.model,
      runner,
    );
    await expect(narrow.invoke({ httpMethod: 'POST', path: '/queries/run/json', body: {} }, PREVIEW_USERS.pii)).rejects.toThrow(
      new EntitlementError('run_inline_query'),
    );
    await expect(narrow.invoke({ httpMethod: 'POST', path: '/queries/run/json', body: {} }, PREVIEW_USERS.pii)).rejects.toThrow(
      'Extension not entitled to use api method run_inline_query',
    );
    expect(await narrow.invoke({ httpMethod: 'GET', path: '/user' }, PREVIEW_USERS.pii)).toMatchObject({
      ok: true,
      value: { display_name: 'Preview Analyst' },
    });
    const wide = new CoreApi(
      {
        ...project.manifest,
        entitlements: { ...project.manifest.entitlements, coreApiMethods: ['me', 'run_inline_query', 'all_lookml_models'] },
      },
      project.model,
      runner,
    );
    expect(await wide.invoke({ httpMethod: 'GET', path: '/lookml_models' }, PREVIEW_USERS.pii)).toEqual({
      ok: false,
      error: {
        message: expect.stringMatching(/does not implement the API method all_lookml_models \(GET \/lookml_models\)/),
        documentation_url: null,
      },
    });
    expect(await wide.invoke({ httpMethod: 'GET', path: '/nothing' }, PREVIEW_USERS.pii)).toEqual({
      ok: false,
      error: { message: expect.stringMatching(/does not know the API call GET \/nothing/), documentation_url: null },
    });
  });
});

describe('the fixture extension in Chromium', () => {
  let browser: Browser;
  let fixture: FixtureDatabase;
  let bundle: string;
  const started: Preview[] = [];
  const temp: string[] = [];

  beforeAll(async () => {
    [browser, fixture, bundle] = await Promise.all([launchBrowser(), createFixtureDatabase(), buildFixtureBundle()]);
  });
  afterAll(async () => {
    await browser?.close();
    for (const p of started) await p.stop();
    fixture?.cleanup();
    for (const dir of temp) rmSync(dir, { recursive: true, force: true });
  });

  async function open(projectDir: string, query = ''): Promise<{ page: Page; outputs: Record<string, string>; preview: Preview }> {
    const preview = await startPreview({ projectDir, database: fixture.path, bundle });
    started.push(preview);
    const page = await browser.newPage();
    await page.goto(`${preview.url}${query}`);
    const frame = page.frameLocator('[data-testid=preview-extension-frame]');
    await frame.locator('[data-testid=fixture-done], [data-testid=fixture-fatal]').first().waitFor({ timeout: 20000 });
    const outputs = await frame
      .locator('pre')
      .evaluateAll((els) => Object.fromEntries(els.map((e) => [(e as HTMLElement).dataset.testid!, e.textContent!])));
    return { page, outputs, preview };
  }

  const confirmed = [...new Set(FIXTURE_EVENTS.filter((e) => e[1] === 'confirmed').map((e) => e[0]))].sort();

  test('handshake, INITIALIZE, me, queries in both formats, local storage, route changes, unsupported calls', async () => {
    const { page, outputs } = await open(fixture.project);
    expect(outputs['fixture-fatal']).toBeUndefined();
    expect(JSON.parse(outputs['fixture-host'])).toEqual({
      extensionId: 'journey_stitch::journey_stitch',
      route: '/',
      lookerVersion: '25.20.0',
    });
    expect(outputs['fixture-verify']).toBe('true');
    expect(JSON.parse(outputs['fixture-me'])).toMatchObject({ display_name: 'Preview Viewer' });
    // Without the PII switch the name column is dropped, as Looker drops a field the user has no grant for.
    expect(JSON.parse(outputs['fixture-json'])).toEqual([{ 'persons.identity_status': 'confirmed', 'persons.count': confirmed.length }]);
    expect(JSON.parse(outputs['fixture-json-detail'])).toMatchObject({
      measures: ['persons.count'],
      data: [{ 'persons.count': { value: confirmed.length } }],
    });
    expect(outputs['fixture-bad-query-error']).toBe('explore persons: field persons.nope does not exist in view persons');
    expect(outputs['fixture-unsupported-method-error']).toBe('Error: Extension not entitled to use api method all_lookml_models');
    expect(outputs['fixture-storage']).toBe('hello');
    expect(outputs['fixture-user-attribute-error']).toMatch(/does not support the extension request USER_ATTRIBUTE/);
    await page.waitForURL(/\/extensions\/journey_stitch::journey_stitch\/person\/ann$/);
    // Back in the host: the extension is told its route changed.
    await page.goBack();
    await expect(page.frameLocator('[data-testid=preview-extension-frame]').getByTestId('fixture-host-route').textContent()).resolves.toBe(
      '/',
    );
    const status = await page.getByTestId('preview-status').innerText();
    expect(status).toMatch(/Refused INVOKE_CORE_SDK GET \/lookml_models: Extension not entitled/);
    expect(status).toContain(
      'Looker would open /explore/journey_stitch/persons?fields=persons.count; Looker pages are not part of the preview.',
    );
    await page.screenshot({ path: artifactPath('preview-host-fixture.png') });
  });

  test('the PII switch: a user with can_see_pii sees the names', async () => {
    const { page } = await open(fixture.project);
    await Promise.all([page.waitForEvent('load'), page.getByTestId('preview-pii-switch').check()]);
    const frame = page.frameLocator('[data-testid=preview-extension-frame]');
    const json = await frame.getByTestId('fixture-json').textContent({ timeout: 20000 });
    expect(JSON.parse(json!)).toEqual(
      confirmed.map((p) => ({ 'persons.identity_status': 'confirmed', 'persons.name': p.toUpperCase(), 'persons.count': 1 })),
    );
    await expect(page.getByTestId('preview-pii-switch').isChecked()).resolves.toBe(true);
  });

  test("a manifest without run_inline_query: the query is refused with Looker's entitlement error", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preview-project-'));
    temp.push(dir);
    const project = writeFixtureProject(dir);
    const manifest = join(project, 'manifest.lkml');
    writeFileSync(
      manifest,
      readFileSync(manifest, 'utf8').replace('core_api_methods: ["me", "run_inline_query"]', 'core_api_methods: ["me"]'),
    );
    const { outputs } = await open(project);
    expect(outputs['fixture-me']).toMatch(/Preview Viewer/);
    expect(outputs['fixture-json-error']).toBe('Error: Extension not entitled to use api method run_inline_query');
  });
});
