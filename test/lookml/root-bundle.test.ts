/**
 * The repository root is a deployable LookML project: manifest.lkml's application points at bundle.js, so the
 * committed bundle.js must be the production build of the current extension source. `npm test` builds
 * dist/bundle.js first (pretest); the build is deterministic, so a stale root copy shows up here.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

describe('repository root extension bundle', () => {
  it('manifest.lkml points at bundle.js, which equals the fresh production build', () => {
    expect(readFileSync(path.join(root, 'manifest.lkml'), 'utf8')).toMatch(/file:\s*"bundle\.js"/);
    const built = path.join(root, 'dist/bundle.js');
    if (!existsSync(built)) throw new Error('dist/bundle.js is missing: run npm run build:extension (npm test does it first)');
    const committed = readFileSync(path.join(root, 'bundle.js'));
    if (!committed.equals(readFileSync(built))) {
      throw new Error('bundle.js at the repository root is stale: run npm run bundle:root and commit it');
    }
  });
});
