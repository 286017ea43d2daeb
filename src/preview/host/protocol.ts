/**
 * What the host does with each request an extension sends over chatty (ExtensionRequestType of
 * @looker/extension-sdk). Pure, so the browser page and the unit tests share it: the page only carries out the
 * returned effect. Core API calls go to the preview server, which checks core_api_methods entitlements itself.
 */
import type { Entitlements } from '../project/manifest';

export interface ExtensionRequest {
  type: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire data from the extension, checked field by field below
  payload?: any;
}

export interface InvokeCoreSdk {
  httpMethod: string;
  path: string;
  params?: Record<string, unknown>;
  body?: unknown;
  apiVersion?: string;
}

export type Effect =
  | { kind: 'core'; request: InvokeCoreSdk }
  | { kind: 'reply'; value: unknown }
  | { kind: 'localStorage'; op: 'get' | 'set' | 'remove'; name: string; value?: string }
  | { kind: 'location'; url: string; target?: string }
  | { kind: 'route'; route: string; routeState?: unknown }
  | { kind: 'title'; title: string }
  | { kind: 'refuse'; message: string };

/** Requests an extension may send that change nothing in a preview (telemetry, popovers, lifecycle). */
const NO_OPS = new Set(['RENDERED', 'TRACK_ACTION', 'CLOSE_HOST_POPOVERS', 'ERROR_EVENT', 'EXTENSION_UNLOADED']);

/** The Looker release the preview claims to be (the SDK gates features on it). */
export const PREVIEW_LOOKER_VERSION = '25.20.0';

export function unsupported(type: string): string {
  return `The journey-stitch preview does not support the extension request ${type}; it supports INVOKE_CORE_SDK (me, run_inline_query), VERIFY_HOST, LOCAL_STORAGE, UPDATE_LOCATION, ROUTE_CHANGED and UPDATE_TITLE`;
}

export function routeExtensionRequest(request: ExtensionRequest, entitlements: Entitlements): Effect {
  const p = request.payload ?? {};
  switch (request.type) {
    case 'VERIFY_HOST':
      return { kind: 'reply', value: true };
    case 'INVOKE_CORE_SDK':
      if (typeof p.httpMethod !== 'string' || typeof p.path !== 'string')
        return { kind: 'refuse', message: 'INVOKE_CORE_SDK needs httpMethod and path' };
      return {
        kind: 'core',
        request: {
          httpMethod: p.httpMethod,
          path: p.path,
          params: p.params ?? undefined,
          body: p.body ?? undefined,
          apiVersion: p.apiVersion,
        },
      };
    case 'LOCAL_STORAGE':
      if (!entitlements.localStorage) return { kind: 'refuse', message: 'Extension not entitled to access local storage' };
      if (!['get', 'set', 'remove'].includes(p.type) || typeof p.name !== 'string')
        return { kind: 'refuse', message: 'LOCAL_STORAGE needs type get, set or remove and a name' };
      return { kind: 'localStorage', op: p.type, name: p.name, value: p.value };
    case 'UPDATE_LOCATION': {
      if (typeof p.url !== 'string') return { kind: 'refuse', message: 'UPDATE_LOCATION needs a url' };
      const newWindow = typeof p.target === 'string' && p.target !== '_self';
      if (newWindow && !entitlements.newWindow) return { kind: 'refuse', message: 'Extension not entitled to open a new window' };
      if (!newWindow && !entitlements.navigation) return { kind: 'refuse', message: 'Extension not entitled to navigate' };
      return { kind: 'location', url: p.url, target: newWindow ? p.target : undefined };
    }
    case 'ROUTE_CHANGED':
      return { kind: 'route', route: typeof p.route === 'string' ? p.route : '/', routeState: p.routeState };
    case 'UPDATE_TITLE':
      return { kind: 'title', title: String(p.title ?? '') };
    default:
      return NO_OPS.has(request.type) ? { kind: 'reply', value: undefined } : { kind: 'refuse', message: unsupported(request.type) };
  }
}

/**
 * Route of the extension from the host URL path and query: /extensions/<id>/<route>?<q> → /<route>?<q>. Only the
 * path is decoded: the query stays as the extension wrote it, so a value holding '&', '+' or '%' comes back whole.
 */
export function routeFromHostPath(pathAndQuery: string, extensionId: string): string {
  const prefix = `/extensions/${extensionId}`;
  const at = pathAndQuery.indexOf('?');
  const [path, query] = at < 0 ? [pathAndQuery, ''] : [pathAndQuery.slice(0, at), pathAndQuery.slice(at)];
  const decoded = decodeURIComponent(path);
  if (!decoded.startsWith(prefix)) return '/';
  const rest = decoded.slice(prefix.length);
  return `${rest.startsWith('/') ? rest : `/${rest}`}${query}`;
}

export function hostPathForRoute(route: string, extensionId: string): string {
  return `/extensions/${extensionId}${route.startsWith('/') ? route : `/${route}`}`;
}
