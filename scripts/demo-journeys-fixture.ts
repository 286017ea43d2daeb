/**
 * Writes test/extension/fixtures/demo-journeys.json: what the Journeys view's default queries (paths, summary,
 * source options) return on the demo data, answered by the preview over DuckDB, as plain rows. The extension tests
 * render the view from it without DuckDB (jsdom). Run again after the demo data or the queries change:
 * `npx tsx scripts/demo-journeys-fixture.ts`.
 */
import { journeyPathsQuery, journeySummaryQuery, sourcesQuery } from '../src/extension/looker/queries';
import { DEFAULT_VIEW_STATE } from '../src/extension/journeys/viewState';
import { runScript, withDemoQueries, writeFixture } from './demo-fixture';

runScript(() =>
  withDemoQueries(async (run) => {
    const fixture = {
      note: "The Journeys view's default queries on the demo data (scripts/demo-journeys-fixture.ts).",
      paths: await run(journeyPathsQuery(DEFAULT_VIEW_STATE)),
      summary: await run(journeySummaryQuery(DEFAULT_VIEW_STATE)),
      sources: await run(sourcesQuery(DEFAULT_VIEW_STATE)),
    };
    process.stdout.write(`${writeFixture('demo-journeys', fixture)}: ${fixture.paths.length} paths\n`);
  }),
);
