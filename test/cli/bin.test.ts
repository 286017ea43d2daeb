/**
 * npm links the bin as `node_modules/.bin/journey-stitch` (no .js): the CLI must run whatever the file is called.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { version } from '../../package.json';

it('runs through a symlink named like the one npm creates', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'js-bin-'));
  try {
    const link = path.join(dir, 'journey-stitch');
    symlinkSync(path.resolve(__dirname, '../../bin/journey-stitch.js'), link);
    expect(execFileSync(link, ['--version'], { encoding: 'utf8' }).trim()).toBe(version);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
