/** The main job's step runner: a step runs when its inputs or outputs changed, and is skipped otherwise. */
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventDateRange, hashInputs, prepareDemo, runSteps, withLock, type DemoStepReport, type Step } from '../../src/preview/demo';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'demo-steps-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a step is skipped while its inputs hash the same and its output exists', async () => {
  const input = join(dir, 'input.txt');
  const output = join(dir, 'output.txt');
  const state = join(dir, 'steps.json');
  writeFileSync(input, 'one');
  let runs = 0;
  const step: Step = {
    name: 'copy',
    inputs: () => hashInputs(dir, [input], ['copy']),
    outputs: [output],
    run: async () => {
      runs++;
      writeFileSync(output, 'done');
    },
  };
  const reports: DemoStepReport[] = [];
  const go = () => runSteps(state, [step], (r) => reports.push(r));
  await go();
  await go();
  expect([runs, reports.map((r) => r.skipped)]).toEqual([1, [false, true]]);
  writeFileSync(input, 'two'); // changed input
  await go();
  rmSync(output); // missing output
  await go();
  await go();
  expect([runs, reports.map((r) => r.skipped)]).toEqual([3, [false, true, false, false, true]]);
});

test('outputs built by another command after every input changed count as current', async () => {
  const input = join(dir, 'input.txt');
  const output = join(dir, 'output.txt');
  writeFileSync(input, 'one');
  writeFileSync(output, 'built elsewhere');
  let runs = 0;
  const step: Step = {
    name: 'build',
    inputs: () => hashInputs(dir, [input], []),
    outputs: [output],
    run: async () => void runs++,
    builtElsewhere: () => statSync(output).mtimeMs >= statSync(input).mtimeMs,
  };
  await runSteps(join(dir, 'steps.json'), [step], () => {});
  expect(runs).toBe(0);
  writeFileSync(input, 'two');
  utimesSync(input, new Date(), new Date(Date.now() + 60_000)); // changed after the output was built
  await runSteps(join(dir, 'steps.json'), [step], () => {});
  expect(runs).toBe(1);
});

test('a failed step records nothing, so it runs again', async () => {
  const state = join(dir, 'steps.json');
  let runs = 0;
  const step: Step = {
    name: 'flaky',
    inputs: () => 'same',
    outputs: [],
    run: async () => {
      runs++;
      if (runs === 1) throw new Error('boom');
    },
  };
  await expect(runSteps(state, [step], () => {})).rejects.toThrow('boom');
  await runSteps(state, [step], () => {});
  await runSteps(state, [step], () => {});
  expect(runs).toBe(2);
});

test('the hash covers file names, contents and arguments', () => {
  const a = join(dir, 'a');
  writeFileSync(a, 'x');
  const h = hashInputs(dir, [a], ['--demo']);
  expect(hashInputs(dir, [a], ['--demo'])).toBe(h);
  expect(hashInputs(dir, [a], ['--other'])).not.toBe(h);
  writeFileSync(a, 'y');
  expect(hashInputs(dir, [a], ['--demo'])).not.toBe(h);
});

describe('the demo lock', () => {
  test('holders run one at a time', async () => {
    const lock = join(dir, 'lock');
    const events: string[] = [];
    const hold = (name: string) =>
      withLock(lock, async () => {
        events.push(`${name} in`);
        await new Promise((r) => setTimeout(r, 50));
        events.push(`${name} out`);
      });
    await Promise.all([hold('a'), hold('b')]);
    expect(events).toEqual(['a in', 'a out', 'b in', 'b out']);
  });
  test('a lock left by a process that is gone is taken over', async () => {
    const lock = join(dir, 'lock');
    writeFileSync(lock, '999999999');
    await expect(withLock(lock, async () => 'ran')).resolves.toBe('ran');
  });
});

test('the demo data ends on its day, and a new day regenerates it', async () => {
  // A root of its own: the shared demo under .journey-stitch is left to npm start and the e2e tests.
  const run = async (today: string) => {
    const reports: DemoStepReport[] = [];
    const paths = await prepareDemo(dir, { quiet: true, extension: false, today, report: (r) => reports.push(r) });
    return { paths, ran: reports.filter((r) => !r.skipped).map((r) => r.step) };
  };
  const first = await run('2026-03-01');
  expect(first.ran).toEqual(['sample', 'stitch', 'generate']);
  expect(await eventDateRange(first.paths.database)).toEqual({ from: '2025-03-02', to: '2026-03-01' });
  expect((await run('2026-03-01')).ran).toEqual([]);
  const next = await run('2026-03-02');
  expect(next.ran).toEqual(['sample', 'stitch', 'generate']);
  expect((await eventDateRange(next.paths.database)).to).toBe('2026-03-02');
}, 120_000);
