/**
 * The preview HTTP server on 127.0.0.1: the host page (and its script, bundled with esbuild at start), the
 * extension frame, the unchanged production bundle, the core API answered from DuckDB, and the project's LookML
 * dashboards as pages (/dashboards).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { packageFile } from '../../package-root';
import { CoreApi, EntitlementError, type QueryRunner } from '../api/core';
import { previewUser } from '../api/users';
import type { PreviewProject } from '../project';
import { dashboardIndexHtml, dashboardPageHtml, DASHBOARDS_PATH } from '../dashboards/html';
import { extensionFrameHtml, hostPageHtml } from './html';
import type { PageConfig } from './page-config';
import { PREVIEW_LOOKER_VERSION } from './protocol';
import { JourneyStitchError } from '../../contract/errors';

export interface PreviewServerOptions {
  project: PreviewProject;
  runner: QueryRunner;
  /** The production extension bundle (dist/bundle.js), served as is. */
  bundlePath: string;
  port?: number;
  host?: string;
}

export interface RunningPreview {
  url: string;
  /** The LookML dashboards' index page. */
  dashboardsUrl: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Looker's extension frame sandbox; forms only with the use_form_submit entitlement. */
function sandboxOf(project: PreviewProject): string[] {
  const attrs = ['allow-scripts', 'allow-popups', 'allow-popups-to-escape-sandbox', 'allow-downloads'];
  if (project.manifest.entitlements.useFormSubmit) attrs.push('allow-forms');
  return attrs;
}

let hostScript: Promise<string> | undefined;
/** The host page script, bundled once per process. */
function hostPageScript(): Promise<string> {
  hostScript ??= build({
    // From the package root, not __dirname: the CLI runs as one compiled file in dist/cli.
    entryPoints: [packageFile('src/preview/host/page/main.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2019',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  }).then((r) => r.outputFiles[0].text);
  return hostScript;
}

let dashboardScript: Promise<string> | undefined;
/**
 * The dashboard page script with vega and vega-lite, bundled on the first dashboard page request (once per process):
 * the host page and the extension never load it. ESM: vega's modules use top-level await.
 */
function dashboardPageScript(): Promise<string> {
  dashboardScript ??= build({
    entryPoints: [packageFile('src/preview/dashboards/page/main.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  }).then((r) => r.outputFiles[0].text);
  dashboardScript.catch(() => (dashboardScript = undefined));
  return dashboardScript;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a request body from the preview page; the API checks what it reads
async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 5_000_000) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export async function startPreviewServer(options: PreviewServerOptions): Promise<RunningPreview> {
  const { project, runner, bundlePath } = options;
  if (!existsSync(bundlePath)) throw new JourneyStitchError(`${bundlePath} not found: build the extension first (npm run build:extension)`);
  const api = new CoreApi(project.manifest, project.model, runner);
  const script = await hostPageScript();
  const bundleVersion = () => {
    const s = statSync(bundlePath);
    return createHash('sha1').update(`${s.size}:${s.mtimeMs}`).digest('hex').slice(0, 12);
  };
  const pageConfig = (): PageConfig => ({
    extensionId: project.manifest.extensionId,
    label: project.manifest.applicationLabel,
    lookerVersion: PREVIEW_LOOKER_VERSION,
    entitlements: project.manifest.entitlements,
    sandbox: sandboxOf(project),
    bundleVersion: bundleVersion(),
  });
  const extensionPrefix = `/extensions/${project.manifest.extensionId}`;

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://preview.local');
      const path = decodeURIComponent(url.pathname);
      if (req.method === 'GET' && path === '/') {
        res.writeHead(302, { location: `${extensionPrefix}/` });
        return res.end();
      }
      if (req.method === 'GET' && (path === extensionPrefix || path.startsWith(`${extensionPrefix}/`)))
        return send(res, 200, 'text/html; charset=utf-8', hostPageHtml(pageConfig()));
      if (req.method === 'GET' && path === '/favicon.ico') {
        res.writeHead(204);
        return res.end();
      }
      if (req.method === 'GET' && path === '/__preview/host.js') return send(res, 200, 'text/javascript; charset=utf-8', script);
      if (req.method === 'GET' && (path === DASHBOARDS_PATH || path === `${DASHBOARDS_PATH}/`))
        return send(res, 200, 'text/html; charset=utf-8', dashboardIndexHtml(project.dashboards, `${extensionPrefix}/`));
      if (req.method === 'GET' && path.startsWith(`${DASHBOARDS_PATH}/`)) {
        const d = project.dashboards.find((x) => x.dashboard === path.slice(DASHBOARDS_PATH.length + 1));
        if (!d)
          return send(
            res,
            404,
            'text/plain; charset=utf-8',
            `No dashboard ${path.slice(DASHBOARDS_PATH.length + 1)} in the project (see ${DASHBOARDS_PATH})`,
          );
        return send(res, 200, 'text/html; charset=utf-8', dashboardPageHtml(d, project.dashboards, `${extensionPrefix}/`));
      }
      if (req.method === 'GET' && path === '/__preview/dashboard.js')
        return send(res, 200, 'text/javascript; charset=utf-8', await dashboardPageScript());
      if (req.method === 'GET' && path === '/__preview/extension.html')
        return send(res, 200, 'text/html; charset=utf-8', extensionFrameHtml(bundleVersion()));
      if (req.method === 'GET' && path === '/__preview/bundle.js')
        return send(res, 200, 'text/javascript; charset=utf-8', readFileSync(bundlePath));
      if (req.method === 'POST' && path === '/__preview/api/core') {
        const { request, user } = await readJson(req);
        try {
          const response = await api.invoke(request, previewUser(user));
          return send(res, 200, 'application/json', JSON.stringify({ response }));
        } catch (e) {
          if (e instanceof EntitlementError) return send(res, 200, 'application/json', JSON.stringify({ refused: e.message }));
          throw e;
        }
      }
      return send(res, 404, 'text/plain; charset=utf-8', `Not found: ${req.method} ${path}`);
    } catch (e) {
      return send(res, 500, 'text/plain; charset=utf-8', `preview error: ${(e as Error).message}`);
    }
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new JourneyStitchError(`port ${options.port} on ${host} is in use: pass another --port`) : e),
    );
    server.listen(options.port ?? 0, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}${extensionPrefix}/`,
    dashboardsUrl: `http://${host}:${port}${DASHBOARDS_PATH}`,
    port,
    server,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
