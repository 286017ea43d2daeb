/** What the CLI prints for the error that ends a run: a user's mistake its message, a bug its stack. */
import { strict as assert } from 'node:assert';
import { errorReport } from '../../src/cli/main';
import { ConfigError } from '../../src/config/load';
import { isJourneyStitchError, JourneyStitchError } from '../../src/contract/errors';
import { SourceFileError } from '../../src/warehouse/duckdb/load';
import { PipelineStepError } from '../../src/warehouse/duckdb/run';
import { PdtPlanError } from '../../src/lookml/pdt';
import { LookmlSerializeError } from '../../src/lookml/serialize';
import { SourceColumnError } from '../../src/models/types';
import { EntitlementError } from '../../src/preview/api/core';
import { QueryCompileError } from '../../src/preview/query/compile';
import { FilterError } from '../../src/preview/query/filters';
import { PreviewProjectError } from '../../src/preview/project/error';
import { LoopCapError } from '../../src/sql/runner';
import { BigQueryJobError } from '../../src/warehouse/bigquery/client';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('did not throw');
}

function readsAPropertyOfUndefined(value: { a?: { b: number } }): number {
  return value.a!.b;
}

describe('errorReport', () => {
  it('prints expected errors as their message alone: a config error, a missing file, a plain Error', () => {
    expect(errorReport(new ConfigError('journey-stitch.yaml', ['sources: unknown key']), {})).toBe(
      'journey-stitch: journey-stitch.yaml: sources: unknown key\n',
    );
    expect(errorReport(new SourceFileError("no 'pages' file in ./data"), {})).toBe("journey-stitch: no 'pages' file in ./data\n");
    expect(errorReport(new Error('--json writes the DuckDB run summary'), {})).toBe(
      'journey-stitch: --json writes the DuckDB run summary\n',
    );
  });

  it('prints the stack of a programming error, so the bug can be found', () => {
    const bug = thrown(() => readsAPropertyOfUndefined({}));
    const report = errorReport(bug, {});
    expect(report).toMatch(
      /^journey-stitch: unexpected error \(a bug in journey-stitch; please report it with these lines\):\nTypeError: /,
    );
    expect(report).toMatch(/\n +at readsAPropertyOfUndefined \(.*error-report\.test\.ts:\d+:\d+\)/);
    const assertion = errorReport(
      thrown(() => assert.equal(1, 2)),
      {},
    );
    expect(assertion).toMatch(/unexpected error.*\nAssertionError.*\n[\s\S]*\n +at /);
  });

  it('tells a bug by name, so an error from another realm counts too; non-errors are bugs as well', () => {
    const foreign = {
      name: 'RangeError',
      message: 'Invalid time value',
      stack: 'RangeError: Invalid time value\n    at somewhere (native)',
    };
    expect(errorReport(foreign, {})).toContain('\nRangeError: Invalid time value\n    at somewhere (native)\n');
    expect(errorReport('a string', {})).toBe('journey-stitch: unexpected error (a bug in journey-stitch; please report it): a string\n');
  });

  it('prints every stack with JOURNEY_STITCH_DEBUG set', () => {
    expect(errorReport(new Error('plain'), { JOURNEY_STITCH_DEBUG: '1' })).toMatch(/^journey-stitch: Error: plain\n +at /);
  });
});

describe('errorReport and JourneyStitchError', () => {
  it('every error journey-stitch throws on purpose shares the base class, across realms too (by brand)', () => {
    const errors = [
      new ConfigError('a.yaml', ['x']),
      new SourceFileError('x'),
      new SourceColumnError('pages', 'url', 'url'),
      new LoopCapError('propagate', 3, 1),
      new PipelineStepError('js_events', new Error('Binder Error')),
      new BigQueryJobError({ message: 'Not found' }),
      new PdtPlanError('x'),
      new LookmlSerializeError('k', 'why'),
      new QueryCompileError('x'),
      new FilterError('f', 'e', 'why'),
      new EntitlementError('me'),
      new PreviewProjectError('x'),
    ];
    for (const err of errors)
      expect([err.name, err instanceof JourneyStitchError, isJourneyStitchError(err)]).toEqual([err.name, true, true]);
    // Another copy of the module (a bundle, another realm): not an instance, still ours by its brand.
    const foreign = Object.assign(new Error('from elsewhere'), { [Symbol.for('journey-stitch.error')]: true });
    expect(foreign instanceof JourneyStitchError).toBe(false);
    expect(isJourneyStitchError(foreign)).toBe(true);
    expect(isJourneyStitchError(new Error('plain'))).toBe(false);
  });

  it('prints ours alone, even named like a bug; one a bug caused prints the bug’s stack', () => {
    const named = Object.assign(new JourneyStitchError('a value out of range: use 1 to 10'), { name: 'RangeError' });
    expect(errorReport(named, {})).toBe('journey-stitch: a value out of range: use 1 to 10\n');
    const bug = thrown(() => readsAPropertyOfUndefined({})) as Error;
    const report = errorReport(new PipelineStepError('js_events', bug), {});
    expect(report).toMatch(
      /^journey-stitch: unexpected error \(a bug in journey-stitch; please report it with these lines\):\nPipelineStepError: model 'js_events' failed: .*\ncaused by TypeError: /,
    );
    expect(report).toMatch(/\n +at readsAPropertyOfUndefined /);
    expect(errorReport(new PipelineStepError('js_events', new Error('Binder Error: no column x')), {})).toBe(
      "journey-stitch: model 'js_events' failed: Binder Error: no column x\n",
    );
  });
});
