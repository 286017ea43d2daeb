/** The embedded DuckDB warehouse: stitch, check and offline SQL; the modules beside it (DuckDB itself) load when used. */
import { rawTableSpecs } from '../../models/raw-tables';
import { dialects } from '../../sql/dialects';
import type { Warehouse } from '../warehouse';

const duck = dialects.duckdb;

export const duckdbWarehouse: Warehouse = {
  name: 'duckdb',
  dialect: duck,
  stitchOptions: new Set(['exportDir', 'json']),

  async stitch(config, { incremental, progress, exportDir, strict }) {
    const { stitchDuckDB } = await import('./stitch');
    const { database, exported, summary, run } = await stitchDuckDB(config, { exportDir, incremental, strict, progress });
    // The summary itself went to `progress`; schedulers read it as JSON.
    return { summary: { database, exported, ...summary, seconds: Math.round(run.totalMs) / 1000 } };
  },

  // Tables are named after the config in the current database: any config will do.
  offlineConfig: (config) => config,

  offline(config) {
    const specs = rawTableSpecs(config);
    const tableOf = (logical: string) => {
      const spec = specs.find((s) => s.logical === logical);
      if (!spec) throw new Error(`unknown raw table '${logical}'`);
      return spec.table;
    };
    // The raw tables are named after the config (source.tables, offsite table or name) in the current database.
    return {
      raw: { ref: (table) => duck.quoteIdent(tableOf(table)), columns: () => undefined },
      out: (table) => duck.quoteIdent(table),
      readsNote: 'load your source files into these tables first',
    };
  },

  async checkFiles(config, { strict }) {
    const { openDuckDB } = await import('./instance');
    const { checkFiles } = await import('./check');
    const { formatSourceReport } = await import('../../check/report');
    const instance = await openDuckDB(':memory:', config);
    const conn = await instance.connect();
    try {
      const result = await checkFiles(conn, config);
      const warnings = result.findings.some((f) => f.level === 'warning');
      return { text: formatSourceReport(result.report), ready: result.report.ready && !(strict && warnings) };
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  },
};
