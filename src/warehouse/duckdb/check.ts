/**
 * `journey-stitch check` for file sources, the twin of `introspect` for BigQuery: what each source file holds
 * against what the config expects (columns found and how they map, required ones missing, optional ones that
 * matter missing with close names, rows, time range, unreadable lines) and config values that match nothing in the
 * data. `stitch` runs the same checks on the data it loaded (sourceChecks, then valueFindings on its events).
 */
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { closestName } from '../../check/names';
import type { ReportColumn, SourceReport, TableReport } from '../../check/report';
import { OFFSITE_NAME_COLUMNS, type Config } from '../../config/schema';
import { loadSources, tooUnreadable, unreadableMessage, type LoadedSources, type LoadedTable } from './load';
import { buildPipeline, SourceColumnError } from '../../models';
import { matchHeaders, normalHeader, withHeaderMatches, type HeaderMatching } from '../../models/headers';
import { rawTableSpecs, type RawTableSpec } from '../../models/raw-tables';
import { dialects } from '../../sql/dialects';

const duck = dialects.duckdb;
const fmt = (n: number) => n.toLocaleString('en-US');

export interface Finding {
  level: 'error' | 'warning';
  message: string;
}

/** Optional columns whose absence loses identities or journeys, per raw table kind (logical names). */
function columnsThatMatter(config: Config, spec: RawTableSpec): string[][] {
  const carried = config.identity.carried_anonymous_id_column;
  if (spec.logical.startsWith('offsite:')) return [['email'], ['profile_url'], [...OFFSITE_NAME_COLUMNS]];
  if (config.source.type === 'snowplow') return [['user_id'], ['page_url']];
  if (spec.logical === 'pages') return [['user_id'], ['context_page_url'], ...(carried ? [[carried]] : [])];
  if (spec.logical === 'tracks') return [['user_id']];
  return [['user_id'], ['email'], ['name', 'first_name', 'last_name']];
}

export interface TableCheck {
  spec: RawTableSpec;
  loaded: LoadedTable;
  report: TableReport;
  findings: Finding[];
  /** Mappings worth adding (closest names for missing columns). */
  suggestions: Array<{ logical: string; column: string }>;
}

/** One raw table: columns found, missing, close names; unreadable lines. `config` has the header matches applied. */
function checkTable(config: Config, spec: RawTableSpec, t: LoadedTable, headers: HeaderMatching): TableCheck {
  const file = path.basename(t.file);
  const present = new Set(t.columns);
  const byHeader = new Set(headers.matches.filter((m) => m.table === spec.logical).map((m) => m.logical));
  // A file without a readable row has no header to check (an empty table got the expected columns).
  const empty = t.rows === 0;
  const found: ReportColumn[] = empty
    ? []
    : spec.columns.filter((c) => present.has(c.physical)).map((c) => ({ ...c, ...(byHeader.has(c.logical) ? { how: 'by header' } : {}) }));
  const missing = spec.columns.filter((c) => !present.has(c.physical));
  const free = t.columns.filter((name) => !found.some((f) => f.physical === name));
  const suggestions: TableCheck['suggestions'] = [];
  const suggest = (logical: string) => {
    const column = closestName(
      logical,
      free.filter((f) => !suggestions.some((s) => s.column === f)),
    );
    if (column) suggestions.push({ logical, column });
    return column;
  };
  const findings: Finding[] = [];
  const required = missing.filter((c) => c.required);
  if (!empty) {
    for (const c of required) {
      const close = suggest(c.logical);
      findings.push({
        level: 'error',
        message: `${file}: required column ${c.logical} is missing (looked for '${c.physical}')${close ? `; the closest column is '${close}': map ${spec.configKey}.${c.logical}: ${close}` : `: map ${spec.configKey}.${c.logical} to your column`}`,
      });
    }
    if (
      spec.logical.startsWith('offsite:') &&
      !OFFSITE_NAME_COLUMNS.some((n) => present.has(spec.columns.find((c) => c.logical === n)!.physical))
    ) {
      findings.push({
        level: 'error',
        message: `${file}: no name column (full_name, or first_name and last_name): map one in ${spec.configKey}`,
      });
    }
    for (const group of columnsThatMatter(config, spec)) {
      const cols = group.map((g) => spec.columns.find((c) => c.logical === g)).filter((c): c is NonNullable<typeof c> => c !== undefined);
      if (cols.length === 0 || cols.some((c) => present.has(c.physical))) continue;
      const close = suggest(cols[0].logical);
      findings.push({
        level: 'warning',
        message:
          `${file}: no ${group.join(' / ')} column: ${cols[0].logical} is read as NULL` +
          (close ? `; the closest column is '${close}': map ${spec.configKey}.${cols[0].logical}: ${close}` : ''),
      });
    }
  }
  if (tooUnreadable(t, config.load.max_reject_share)) {
    const key = spec.logical.startsWith('offsite:')
      ? `offsite[${config.offsite.findIndex((o) => `offsite:${o.name}` === spec.logical)}].path`
      : 'source.path';
    findings.push({ level: 'error', message: unreadableMessage(t, config.load.max_reject_share, key) });
  }
  const notes: string[] = [];
  if (t.rejected)
    notes.push(
      `unreadable: ${fmt(t.rejected)} line(s), the first on line ${t.firstBad!.line} (${t.firstBad!.reason.replace(/ on line \d+/, '')})`,
    );
  for (const a of headers.ambiguous.filter((x) => x.table === spec.logical)) {
    findings.push({
      level: 'warning',
      message: `${file}: ${a.columns.map((c) => `'${c}'`).join(' and ')} could each be ${a.logical}; none is read as it: map ${spec.configKey}.${a.logical}`,
    });
  }
  return {
    spec,
    loaded: t,
    findings,
    suggestions,
    report: {
      head: `${file} (${spec.logical})`,
      expected: spec.columns.length,
      found,
      missingRequired: empty ? [] : required,
      missingOptional: empty ? [] : missing.filter((c) => !c.required),
      facts: [`${fmt(t.rows)} rows`],
      notes,
    },
  };
}

/** The column checks of every loaded source. `config` has the header matches applied (withHeaderMatches). */
export function sourceChecks(config: Config, loaded: LoadedSources, headers: HeaderMatching): TableCheck[] {
  return rawTableSpecs(config).flatMap((spec) => {
    const t = loaded.tables.find((x) => x.table === spec.logical);
    return t ? [checkTable(config, spec, t, headers)] : [];
  });
}

/**
 * Config values that match nothing in the data: track_events and conversion_events among the track events' names,
 * email_query_params among the page URLs. `events` is a table of events with event_type, event_name and page_url
 * (js_events' accepted rows as staged, before duplicates are set aside; or stitched_events).
 */
export async function valueFindings(conn: DuckDBConnection, config: Config, events: string, where = 'TRUE'): Promise<Finding[]> {
  const seen = (
    await conn.runAndReadAll(
      `SELECT event_name, count(*) FROM ${events} WHERE ${where} AND event_type = 'track' AND event_name IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1`,
    )
  )
    .getRows()
    .map(([name, n]) => ({ name: String(name), n: Number(n) }));
  const findings: Finding[] = [];
  const names = new Set(seen.map((s) => s.name));
  for (const key of ['track_events', 'conversion_events'] as const) {
    for (const value of config.journeys[key]) {
      if (names.has(value)) continue;
      const same =
        seen.find((s) => normalHeader(s.name) === normalHeader(value))?.name ??
        closestName(
          value,
          seen.map((s) => s.name),
        );
      const top = seen
        .slice(0, 5)
        .map((s) => `${s.name} (${fmt(s.n)})`)
        .join(', ');
      findings.push({
        level: 'warning',
        message:
          `journeys.${key}: '${value}' matches no track event${same ? `; did you mean '${same}'?` : ''}` +
          (seen.length ? ` (most frequent: ${top})` : ' (there are no track events)'),
      });
    }
  }
  const [pages, ...withParam] = (
    await conn.runAndReadAll(
      `SELECT count(*), ${[...config.identity.email_query_params.map((p) => `count(*) FILTER (WHERE ${duck.regexpContains('page_url', `[?&]${p}=`)})`), '0'].join(', ')}
       FROM ${events} WHERE ${where} AND event_type = 'page' AND page_url IS NOT NULL`,
    )
  )
    .getRows()[0]
    .map(Number);
  config.identity.email_query_params.forEach((p, i) => {
    if (pages > 0 && withParam[i] === 0)
      findings.push({ level: 'warning', message: `identity.email_query_params: no page URL of ${fmt(pages)} has the parameter '${p}'` });
  });
  return findings;
}

/** Rows and time range per raw table, from the staged rows (rejected ones left out). */
async function timeRanges(conn: DuckDBConnection, staged: string): Promise<Map<string, string>> {
  const rows = (
    await conn.runAndReadAll(
      `SELECT source_table, strftime(min(occurred_at), '%Y-%m-%d %H:%M'), strftime(max(occurred_at), '%Y-%m-%d %H:%M') FROM ${staged} WHERE reject_reason IS NULL GROUP BY 1`,
    )
  ).getRows();
  return new Map(rows.map(([t, from, to]) => [String(t), `${from} to ${to} UTC`]));
}

export interface CheckResult {
  report: SourceReport;
  findings: Finding[];
  /** The config with the columns found by header mapped. */
  config: Config;
}

/** Everything `journey-stitch check` reports, on a connection of its own (nothing is written). */
export async function checkFiles(conn: DuckDBConnection, configured: Config): Promise<CheckResult> {
  const loaded = await loadSources(conn, configured, { stopOnUnreadable: false });
  const headers = matchHeaders(configured, (table) => [...loaded.raw.columns(table)!]);
  const config = withHeaderMatches(configured, headers.matches);
  const checks = sourceChecks(config, loaded, headers);
  const findings = checks.flatMap((c) => c.findings);
  if (!findings.some((f) => f.level === 'error')) {
    // The models' own staging reads every source (js_events' first statement stages every row): time ranges and event
    // names as stitch will see them.
    try {
      const pipeline = buildPipeline({ config, dialect: duck, raw: loaded.raw, out: (t) => duck.quoteIdent(t), temporaryScratch: true });
      const staged = pipeline.steps.findIndex((s) => s.name === 'js_events');
      for (const step of pipeline.steps.slice(0, staged + 1)) if (step.kind === 'sql') await conn.run(step.sql);
      const ranges = await timeRanges(conn, duck.quoteIdent('js_events'));
      for (const c of checks) {
        const range = ranges.get(c.spec.table);
        if (range) c.report.facts!.push(range);
      }
      findings.push(...(await valueFindings(conn, config, duck.quoteIdent('js_events'), 'reject_reason IS NULL')));
    } catch (err) {
      if (!(err instanceof SourceColumnError)) throw err;
      findings.push({ level: 'error', message: err.message });
    }
  }
  const suggested = suggestedMapping(configured, checks);
  const errors = findings.filter((f) => f.level === 'error');
  return {
    config,
    findings,
    report: {
      title: `Source files (${path.dirname(loaded.tables[0]?.file ?? configured.source.path ?? '.')}):`,
      tables: checks.map((c) => c.report),
      extra: findings.length ? ['', ...findings.map((f) => `${f.level}: ${f.message}`)] : [],
      suggested,
      ready: errors.length === 0,
      readyText: `Every file and required column is there: journey-stitch stitch can run${findings.length ? ` (${findings.length} warning(s) above; stitch --strict would stop on them)` : ''}.`,
      notReadyText: `Not ready: ${errors.length} error(s) above; stitch would stop on them.`,
    },
  };
}

function suggestedMapping(config: Config, checks: TableCheck[]): Record<string, unknown> | undefined {
  const map = (c: TableCheck) => Object.fromEntries(c.suggestions.map((s) => [s.logical, s.column]));
  const offsite = checks
    .filter((c) => c.spec.logical.startsWith('offsite:') && c.suggestions.length)
    .map((c) => ({ name: c.spec.logical.slice('offsite:'.length), columns: map(c) }));
  const first = checks.filter((c) => !c.spec.logical.startsWith('offsite:') && c.suggestions.length);
  const columns =
    config.source.type === 'snowplow'
      ? Object.assign({}, ...first.map(map))
      : Object.fromEntries(first.map((c) => [c.spec.logical, map(c)]));
  const fragment: Record<string, unknown> = {};
  if (first.length) fragment.source = { columns };
  if (offsite.length) fragment.offsite = offsite;
  return Object.keys(fragment).length ? fragment : undefined;
}
