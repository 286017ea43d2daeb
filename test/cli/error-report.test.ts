/** What the CLI prints for the error that ends a run: a user's mistake its message, a bug its stack. */
import { strict as assert } from 'node:assert';
import { errorReport } from '../../src/cli/main';
import { ConfigError } from '../../src/config/load';
import { SourceFileError } from '../../src/engine/load';

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
    expect(errorReport(new ConfigError('journey-stitch.yaml', ['sources: unknown key']), {})).toBe('journey-stitch: journey-stitch.yaml: sources: unknown key\n');
    expect(errorReport(new SourceFileError("no 'pages' file in ./data"), {})).toBe("journey-stitch: no 'pages' file in ./data\n");
    expect(errorReport(new Error('--json writes the DuckDB run summary'), {})).toBe('journey-stitch: --json writes the DuckDB run summary\n');
  });

  it('prints the stack of a programming error, so the bug can be found', () => {
    const bug = thrown(() => readsAPropertyOfUndefined({}));
    const report = errorReport(bug, {});
    expect(report).toMatch(/^journey-stitch: unexpected error \(a bug in journey-stitch; please report it with these lines\):\nTypeError: /);
    expect(report).toMatch(/\n +at readsAPropertyOfUndefined \(.*error-report\.test\.ts:\d+:\d+\)/);
    const assertion = errorReport(thrown(() => assert.equal(1, 2)), {});
    expect(assertion).toMatch(/unexpected error.*\nAssertionError.*\n[\s\S]*\n +at /);
  });

  it('tells a bug by name, so an error from another realm counts too; non-errors are bugs as well', () => {
    const foreign = { name: 'RangeError', message: 'Invalid time value', stack: 'RangeError: Invalid time value\n    at somewhere (native)' };
    expect(errorReport(foreign, {})).toContain('\nRangeError: Invalid time value\n    at somewhere (native)\n');
    expect(errorReport('a string', {})).toBe('journey-stitch: unexpected error (a bug in journey-stitch; please report it): a string\n');
  });

  it('prints every stack with JOURNEY_STITCH_DEBUG set', () => {
    expect(errorReport(new Error('plain'), { JOURNEY_STITCH_DEBUG: '1' })).toMatch(/^journey-stitch: Error: plain\n +at /);
  });
});
