/**
 * What the demo-fixture scripts share: the preview's Looker API over the demo data (prepared as `npm start` does),
 * queried as a user who may see personal data, and a fixture file written one row a line.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreApi } from '../src/preview/api/core';
import { PreviewDatabase } from '../src/preview/api/database';
import { PREVIEW_USERS } from '../src/preview/api/users';
import { loadPreviewProject } from '../src/preview/project';
import { prepareDemo } from '../src/preview/demo';

export type RunQuery = (body: object) => Promise<Record<string, unknown>[]>;

/** `use` with a query runner on the demo data; the database is closed after. */
export async function withDemoQueries<T>(use: (run: RunQuery) => Promise<T>): Promise<T> {
  const paths = await prepareDemo(process.cwd(), { extension: false, quiet: true });
  const project = await loadPreviewProject(paths.projectDir);
  const db = await PreviewDatabase.open(paths.database, project.manifest.constants.OUTPUT_DATASET ?? 'journey_stitch');
  try {
    const api = new CoreApi(project.manifest, project.model, db);
    return await use(async (body) => {
      const res = await api.invoke({ httpMethod: 'POST', path: '/queries/run/json', body }, PREVIEW_USERS.pii);
      if (!res.ok) throw new Error(res.error.message);
      return res.value as Record<string, unknown>[];
    });
  } finally {
    db.close();
  }
}

/** Writes test/extension/fixtures/<name>.json, one row a line (a regenerated fixture diffs by row); returns the path. */
export function writeFixture(name: string, fixture: Record<string, unknown>): string {
  const out = join(process.cwd(), 'test', 'extension', 'fixtures', `${name}.json`);
  const rows = (v: unknown[]) => (v.length === 0 ? '[]' : `[\n${v.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n ]`);
  const body = Object.entries(fixture).map(([k, v]) => ` ${JSON.stringify(k)}: ${Array.isArray(v) ? rows(v) : JSON.stringify(v)}`);
  writeFileSync(out, `{\n${body.join(',\n')}\n}\n`);
  return out;
}

/** Runs a script's main, printing a failure's stack and exiting 1. */
export function runScript(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
