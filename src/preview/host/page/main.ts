/**
 * The host page, in the browser: loads the extension bundle in a sandboxed iframe, connects with chatty as Looker
 * does, sends INITIALIZE, and carries out each request as routed by ../protocol. Core API calls are forwarded to
 * the preview server. Bundled by esbuild when the server starts.
 */
import { Chatty, type ChattyHostConnection } from '@looker/chatty';
import { hostPathForRoute, routeExtensionRequest, routeFromHostPath, type Effect, type ExtensionRequest } from '../protocol';
import type { PageConfig } from '../page-config';

declare global {
  interface Window {
    /** Every request the extension made and how it ended; read by the end-to-end tests. */
    __previewLog: { type: string; detail?: string; outcome: 'ok' | 'refused' | 'error'; message?: string }[];
    __previewConnected?: boolean;
  }
}

const config: PageConfig = JSON.parse(document.getElementById('preview-config')!.textContent!);
// The PII switch lives in the tab's session, so the URL stays the extension's (route and query) as in Looker.
const PII_KEY = 'journey-stitch-preview:pii';
const user = sessionStorage.getItem(PII_KEY) === 'on' ? 'pii' : 'no_pii';
window.__previewLog = [];

const status = document.getElementById('preview-status')!;
const statusLines = new Map<string, { line: HTMLElement; count: number }>();
/** One line per distinct message, with a count when it repeats (an extension retries, or runs queries in parallel). */
function showStatus(message: string, kind: 'info' | 'error') {
  const seen = statusLines.get(message);
  if (seen) {
    seen.count++;
    seen.line.textContent = `${message} (×${seen.count})`;
    return;
  }
  const line = document.createElement('div');
  line.className = `status-${kind}`;
  line.textContent = message;
  status.appendChild(line);
  statusLines.set(message, { line, count: 1 });
}

const piiSwitch = document.getElementById('preview-pii-switch') as HTMLInputElement;
piiSwitch.checked = user === 'pii';
piiSwitch.addEventListener('change', () => {
  // A different user means a new Looker session: reload the extension with the other user.
  sessionStorage.setItem(PII_KEY, piiSwitch.checked ? 'on' : 'off');
  location.reload();
});

const storagePrefix = `${config.extensionId}:`;

async function callCoreApi(request: Extract<Effect, { kind: 'core' }>['request']): Promise<unknown> {
  const res = await fetch('/__preview/api/core', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ request, user }),
  });
  const answer = await res.json();
  if (answer.refused) throw new Error(answer.refused);
  return answer.response;
}

let connection: ChattyHostConnection | undefined;

async function perform(effect: Effect): Promise<unknown> {
  switch (effect.kind) {
    case 'reply':
      return effect.value;
    case 'core':
      return callCoreApi(effect.request);
    case 'localStorage':
      if (effect.op === 'get') return localStorage.getItem(storagePrefix + effect.name);
      if (effect.op === 'set') localStorage.setItem(storagePrefix + effect.name, effect.value ?? '');
      else localStorage.removeItem(storagePrefix + effect.name);
      return true;
    case 'route': {
      // A new route is a new history entry, so the browser's back button returns to the previous one (as in Looker).
      const path = hostPathForRoute(effect.route, config.extensionId);
      if (path === location.pathname + location.search) history.replaceState(effect.routeState ?? null, '', path);
      else history.pushState(effect.routeState ?? null, '', path);
      return undefined;
    }
    case 'location': {
      // Looker pages (explores, dashboards) do not exist here: say where Looker would go instead of opening a 404.
      const url = new URL(effect.url, location.origin);
      const ownRoute = url.origin === location.origin && url.pathname.startsWith(`/extensions/${config.extensionId}`);
      if (ownRoute) location.assign(url.toString());
      else if (url.origin !== location.origin) window.open(url.toString(), effect.target ?? '_self');
      else
        showStatus(
          `Looker would open ${effect.url}${effect.target ? ' in a new window' : ''}; Looker pages are not part of the preview.`,
          'info',
        );
      return undefined;
    }
    case 'title':
      document.title = `${effect.title} — journey-stitch preview`;
      return undefined;
    case 'refuse':
      throw new Error(effect.message);
  }
}

async function handle(request: ExtensionRequest): Promise<unknown> {
  const effect = routeExtensionRequest(request, config.entitlements);
  const detail = effect.kind === 'core' ? `${effect.request.httpMethod} ${effect.request.path}` : undefined;
  try {
    const value = await perform(effect);
    window.__previewLog.push({ type: request.type, detail, outcome: 'ok' });
    return value;
  } catch (e) {
    const message = (e as Error).message;
    window.__previewLog.push({
      type: request.type,
      detail,
      outcome: effect.kind === 'core' || effect.kind === 'refuse' ? 'refused' : 'error',
      message,
    });
    showStatus(`Refused ${request.type}${detail ? ` ${detail}` : ''}: ${message}`, 'error');
    throw e;
  }
}

async function start() {
  const host = Chatty.createHost(`/__preview/extension.html?v=${config.bundleVersion}`)
    .appendTo(document.getElementById('preview-extension')!)
    .withTargetOrigin('*') // the sandboxed iframe has an opaque origin
    .withDefaultTimeout(-1);
  for (const attr of config.sandbox) host.withSandboxAttribute(attr);
  host.on('EXTENSION_API_REQUEST', (request: ExtensionRequest) => handle(request));
  const built = host.build();
  built.iframe.setAttribute('data-testid', 'preview-extension-frame');
  built.iframe.setAttribute('title', config.label);
  connection = await built.connect();
  const route = routeFromHostPath(location.pathname + location.search, config.extensionId);
  const init = await connection.sendAndReceive('EXTENSION_NOTIFICATION', {
    type: 'INITIALIZE',
    payload: {
      extensionId: config.extensionId,
      lookerVersion: config.lookerVersion,
      route,
      routeState: history.state ?? undefined,
      hostUrl: location.origin,
      hostOrigin: location.origin,
      hostType: 'standard',
      mountPoint: 'standalone',
      extensionDashboardTileEnabled: false,
    },
  });
  const response = init?.[0] as { extensionSdkVersion?: string; errorMessage?: string } | undefined;
  if (response?.errorMessage) showStatus(`The extension refused to start: ${response.errorMessage}`, 'error');
  window.__previewConnected = true;
  document.body.dataset.connected = 'true';
  // Back/forward in the host: tell the extension, as Looker does.
  window.addEventListener('popstate', () => {
    connection?.send('EXTENSION_NOTIFICATION', {
      type: 'ROUTE_CHANGED',
      payload: {
        route: routeFromHostPath(location.pathname + location.search, config.extensionId),
        routeState: history.state ?? undefined,
      },
    });
  });
}

const CONNECT_WARNING_MS = 15_000;
setTimeout(() => {
  if (!window.__previewConnected)
    showStatus(
      `The extension has not connected after ${CONNECT_WARNING_MS / 1000}s: does the bundle call connectExtensionHost? See the browser console, or rebuild it (npm run build:extension).`,
      'error',
    );
}, CONNECT_WARNING_MS);
start().catch((e) => showStatus(`Could not connect to the extension: ${(e as Error).message}`, 'error'));
