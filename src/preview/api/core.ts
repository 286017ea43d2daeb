/**
 * The Looker core API as the preview answers it: each call is mapped to its Looker method name, refused with
 * Looker's own error when manifest.lkml does not entitle the extension to it, and answered as an SDKResponse
 * (`{ ok: true, value }` or `{ ok: false, error: { message, documentation_url } }`), which is what the extension
 * SDK's methods return inside Looker.
 */
import type { Manifest } from '../project/manifest';
import type { InvokeCoreSdk } from '../host/protocol';
import { compileQuery, type QueryUser, type WriteQuery } from '../query/compile';
import type { SemanticModel } from '../query/model';
import { formatJson, formatJsonDetail, RESULT_FORMATS, type ResultFormat } from '../query/results';
import { isJourneyStitchError, JourneyStitchError } from '../../contract/errors';

/** Looker API 4.0 methods by route, so a refused or unsupported call is named as Looker names it. */
const ROUTES: { method: string; httpMethod: string; path: RegExp }[] = [
  { method: 'me', httpMethod: 'GET', path: /^\/user$/ },
  { method: 'run_inline_query', httpMethod: 'POST', path: /^\/queries\/run\/([^/]+)$/ },
  { method: 'create_query', httpMethod: 'POST', path: /^\/queries$/ },
  { method: 'run_query', httpMethod: 'GET', path: /^\/queries\/[^/]+\/run\/[^/]+$/ },
  { method: 'query', httpMethod: 'GET', path: /^\/queries\/[^/]+$/ },
  { method: 'all_lookml_models', httpMethod: 'GET', path: /^\/lookml_models$/ },
  { method: 'lookml_model', httpMethod: 'GET', path: /^\/lookml_models\/[^/]+$/ },
  { method: 'lookml_model_explore', httpMethod: 'GET', path: /^\/lookml_models\/[^/]+\/explores\/[^/]+$/ },
  { method: 'user', httpMethod: 'GET', path: /^\/users\/[^/]+$/ },
  { method: 'user_attribute_user_values', httpMethod: 'GET', path: /^\/users\/[^/]+\/attribute_values$/ },
  { method: 'all_dashboards', httpMethod: 'GET', path: /^\/dashboards$/ },
  { method: 'all_looks', httpMethod: 'GET', path: /^\/looks$/ },
  { method: 'run_look', httpMethod: 'GET', path: /^\/looks\/[^/]+\/run\/[^/]+$/ },
  { method: 'run_sql_query', httpMethod: 'POST', path: /^\/sql_queries\/[^/]+\/run\/[^/]+$/ },
  { method: 'create_sql_query', httpMethod: 'POST', path: /^\/sql_queries$/ },
  { method: 'model_fieldname_suggestions', httpMethod: 'GET', path: /^\/models\/[^/]+\/views\/[^/]+\/fields\/[^/]+\/suggestions$/ },
];

/** Methods the preview answers. */
export const IMPLEMENTED_METHODS = ['me', 'run_inline_query'] as const;

/** Thrown (not returned) like Looker's host does: the extension's SDK call rejects with this message. */
export class EntitlementError extends JourneyStitchError {
  constructor(method: string) {
    super(`Extension not entitled to use api method ${method}`);
    this.name = 'EntitlementError';
  }
}

export interface PreviewUser {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  attributes: Record<string, string>;
}

export interface QueryRunner {
  run(sql: string): Promise<unknown[][]>;
}

export type SdkResponse = { ok: true; value: unknown } | { ok: false; error: { message: string; documentation_url: string | null } };

const fail = (message: string): SdkResponse => ({ ok: false, error: { message, documentation_url: null } });

export function methodOf(httpMethod: string, path: string): string | undefined {
  const p = path.split('?')[0];
  return ROUTES.find((r) => r.httpMethod === httpMethod.toUpperCase() && r.path.test(p))?.method;
}

export class CoreApi {
  private readonly viewLabels: Map<string, string>;

  constructor(
    private readonly manifest: Manifest,
    private readonly model: SemanticModel,
    private readonly runner: QueryRunner,
  ) {
    this.viewLabels = new Map([...model.views.values()].map((v) => [v.name, v.label]));
  }

  async invoke(request: InvokeCoreSdk, user: PreviewUser): Promise<SdkResponse> {
    const method = methodOf(request.httpMethod, request.path);
    if (!method)
      return fail(
        `The journey-stitch preview does not know the API call ${request.httpMethod} ${request.path} (it implements ${IMPLEMENTED_METHODS.join(', ')})`,
      );
    if (!this.manifest.entitlements.coreApiMethods.includes(method)) throw new EntitlementError(method);
    switch (method) {
      case 'me':
        return { ok: true, value: meOf(user) };
      case 'run_inline_query':
        return this.runInlineQuery(request, user);
      default:
        return fail(
          `The journey-stitch preview does not implement the API method ${method} (${request.httpMethod} ${request.path}); it implements ${IMPLEMENTED_METHODS.join(', ')}`,
        );
    }
  }

  private async runInlineQuery(request: InvokeCoreSdk, user: PreviewUser): Promise<SdkResponse> {
    const format = /^\/queries\/run\/([^/?]+)/.exec(request.path)![1];
    if (!(RESULT_FORMATS as readonly string[]).includes(format))
      return fail(`run_inline_query: result format ${format} is not supported by the preview (use ${RESULT_FORMATS.join(' or ')})`);
    const body = request.body as WriteQuery | undefined;
    if (!body || typeof body !== 'object') return fail('run_inline_query: the request body must be a query (model, view, fields, ...)');
    const query: WriteQuery =
      request.params?.limit !== undefined && request.params.limit !== null ? { ...body, limit: request.params.limit as string } : body;
    const queryUser: QueryUser = { attributes: user.attributes };
    try {
      const compiled = compileQuery(this.model, query, queryUser, this.manifest.constants);
      const started = performance.now();
      const rows = await this.runner.run(compiled.sql);
      const seconds = (performance.now() - started) / 1000;
      const value =
        (format as ResultFormat) === 'json' ? formatJson(compiled, rows) : formatJsonDetail(compiled, rows, this.viewLabels, seconds);
      return { ok: true, value };
    } catch (e) {
      // The query's or the project's fault (a field, a filter, Liquid the preview does not render) says so alone.
      if (isJourneyStitchError(e)) return fail(e.message);
      const message = (e as { message?: string })?.message ?? String(e);
      return fail(`run_inline_query failed in DuckDB: ${message}`);
    }
  }
}

/** The `me` answer: Looker's User object, the fields an extension reads. */
function meOf(user: PreviewUser) {
  return {
    id: user.id,
    first_name: user.firstName,
    last_name: user.lastName,
    display_name: `${user.firstName} ${user.lastName}`,
    email: user.email,
    locale: 'en',
    is_disabled: false,
    role_ids: ['2'],
    group_ids: ['1'],
  };
}
