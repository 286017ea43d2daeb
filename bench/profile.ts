/**
 * `npx tsx bench/profile.ts <data dir> ["SET …" …]`: our pipeline on one sample (in memory), the time of every step
 * over 20 ms, then, for the steps named in PROFILE=step,step, DuckDB's profiler: the slowest operators of each.
 * SEED=1 also times the seed's SQL first; KEEP=1 keeps the scratch tables to the end; ALT=file.sql,… times other
 * statements on the finished tables (with KEEP=1) and prints what the last one returns; INLINE=step,… profiles
 * steps inside the run itself (the memory as in a real run, unlike PROFILE); MEM sets DuckDB's memory limit (8GB);
 * MIN_MS the shortest step listed (20). For finding where time goes; the figures that count are bench/run.ts's.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadConfig } from '../src/config/load';
import { loadSources } from '../src/warehouse/duckdb/load';
import { runPipeline } from '../src/warehouse/duckdb/run';
import { buildPipeline } from '../src/models';
import { DuckDBDialect } from '../src/sql/dialects/duckdb';
import { runSeedBaseline } from '../src/evaluate/seed';

async function main() {
  const data = process.argv[2];
  const settings = process.argv.slice(3);
  const duck = new DuckDBDialect();
  const { config } = await loadConfig(path.join(data, 'journey-stitch.yaml'));
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: process.env.MEM ?? '8GB',
    temp_directory: path.join(os.tmpdir(), 'journey-stitch-profile-spill'),
  });
  const conn = await instance.connect();
  for (const s of settings) await conn.run(s);
  const loaded = await loadSources(conn, config);
  const seedMs = process.env.SEED ? await runSeedBaseline(conn, loaded.raw, config) : 0;
  const pipeline = buildPipeline({ config, dialect: duck, raw: loaded.raw, out: (t) => duck.quoteIdent(t) });
  const profileFile = (step: string) => path.join(os.tmpdir(), `journey-stitch-profile-${step}.json`);
  // INLINE=step,step: DuckDB's profiler on those steps during the run itself (tables and memory as in a real run).
  const inline = (process.env.INLINE ?? '').split(',').filter(Boolean);
  for (const name of inline) {
    const at = pipeline.steps.findIndex((s) => s.name === name);
    if (at < 0) continue;
    pipeline.steps.splice(
      at,
      1,
      {
        kind: 'sql',
        name: 'profile on',
        sql: `SET enable_profiling = 'json'; SET profiling_output = ${duck.stringLiteral(profileFile(name))}`,
      },
      pipeline.steps[at],
      { kind: 'sql', name: 'profile off', sql: `SET enable_profiling = 'no_output'` },
    );
  }
  const t0 = performance.now();
  const rep = await runPipeline(conn, pipeline, process.env.KEEP ? {} : { dropScratchEarly: (t) => duck.quoteIdent(t) });
  const total = performance.now() - t0;
  for (const s of rep.steps) if (s.ms > Number(process.env.MIN_MS ?? 20)) console.log(s.name.padEnd(24), s.ms.toFixed(0));
  console.log('TOTAL', total.toFixed(0), 'seed', seedMs.toFixed(0));
  // ALT=file.sql,file.sql: time other statements on the finished tables (run with KEEP=1 to keep scratch tables).
  for (const file of (process.env.ALT ?? '').split(',').filter(Boolean)) {
    const started = performance.now();
    const result = await conn.runAndReadAll(readFileSync(file, 'utf8'));
    console.log(`ALT ${file}`.padEnd(40), (performance.now() - started).toFixed(0));
    for (const row of result.getRowObjectsJson().slice(0, 30)) console.log('  ', JSON.stringify(row));
  }
  // PROFILE=step,step: run those steps again with DuckDB's profiler and print the slowest operators.
  for (const name of [...inline, ...(process.env.PROFILE ?? '').split(',').filter(Boolean)]) {
    const step = pipeline.steps.find((s) => s.kind === 'sql' && s.name === name);
    if (!step || step.kind !== 'sql') continue;
    const file = profileFile(name);
    if (!inline.includes(name)) {
      await conn.run(`SET enable_profiling = 'json'; SET profiling_output = ${duck.stringLiteral(file)}`);
      await conn.run(step.sql);
      await conn.run(`SET enable_profiling = 'no_output'`);
    }
    const ops: { name: string; ms: number; rows: number; extra: string }[] = [];
    const walk = (n: any) => {
      ops.push({
        name: String(n.operator_type ?? n.operator_name ?? n.name ?? 'query'),
        ms: (n.operator_timing ?? 0) * 1000,
        rows: n.operator_cardinality ?? 0,
        extra: JSON.stringify(n.extra_info ?? {}).slice(0, 150),
      });
      for (const c of n.children ?? []) walk(c);
    };
    const j = JSON.parse(readFileSync(file, 'utf8'));
    walk(j);
    console.log(`-- ${name}: ${(j.latency * 1000).toFixed(0)} ms`);
    for (const o of ops.sort((a, b) => b.ms - a.ms).slice(0, 12))
      console.log('  ', o.name.padEnd(22), o.ms.toFixed(0).padStart(6), String(o.rows).padStart(9), o.extra);
  }
}
main();
