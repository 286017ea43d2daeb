/**
 * Writes test/extension/fixtures/demo-journeys.json: what the Journeys view's default queries (paths, summary,
 * source options) return on the demo data, answered by the preview over DuckDB, as plain rows. The extension tests
 * render the view from it without DuckDB (jsdom). Run again after the demo data or the queries change:
 * `npx tsx scripts/demo-journeys-fixture.ts`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreApi } from '../src/preview/api/core';
import { PreviewDatabase } from '../src/preview/api/database';
import { PREVIEW_USERS } from '../src/preview/api/users';
import { loadPreviewProject } from '../src/preview/project';
import { prepareDemo } from '../src/preview/demo';
import { journeyPathsQuery, journeySummaryQuery, sourcesQuery } from '../src/extension/looker/queries';
import { DEFAULT_VIEW_STATE } from '../src/extension/journeys/viewState';

async function main() {
  const root = process.cwd();
  const paths = await prepareDemo(root, { extension: false, quiet: true });
  const project = await loadPreviewProject(paths.projectDir);
  const db = await PreviewDatabase.open(paths.database, project.manifest.constants.OUTPUT_DATASET ?? 'journey_stitch');
  try {
    const api = new CoreApi(project.manifest, project.model, db);
    const run = async (body: object) => {
      const res = await api.invoke({ httpMethod: 'POST', path: '/queries/run/json', body }, PREVIEW_USERS.pii);
      if (!res.ok) throw new Error(res.error.message);
      return res.value;
    };
    const fixture = {
      note: 'The Journeys view\'s default queries on the demo data (scripts/demo-journeys-fixture.ts).',
      paths: await run(journeyPathsQuery(DEFAULT_VIEW_STATE)),
      summary: await run(journeySummaryQuery(DEFAULT_VIEW_STATE)),
      sources: await run(sourcesQuery(DEFAULT_VIEW_STATE)),
    };
    const out = join(root, 'test', 'extension', 'fixtures', 'demo-journeys.json');
    // One row a line: a regenerated fixture diffs by row.
    const rows = (v: unknown) => `[\n${(v as unknown[]).map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n ]`;
    const body = Object.entries(fixture).map(([k, v]) => ` ${JSON.stringify(k)}: ${Array.isArray(v) ? rows(v) : JSON.stringify(v)}`);
    writeFileSync(out, `{\n${body.join(',\n')}\n}\n`);
    process.stdout.write(`${out}: ${(fixture.paths as unknown[]).length} paths\n`);
  } finally {
    db.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
