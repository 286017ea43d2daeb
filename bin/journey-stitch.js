#!/usr/bin/env node
// The CLI runs compiled JavaScript: dist/cli/journey-stitch.cjs, which `npm ci` builds (the prepare script,
// scripts/build-cli.js). When it is missing or older than a source file (a checkout being edited), it is rebuilt
// first, with esbuild; without esbuild (an install without dev dependencies) the TypeScript runs through tsx.
const { buildCli, cliIsFresh, CLI_FILE } = require('../scripts/build-cli.js');

if (!cliIsFresh()) {
  try {
    buildCli();
  } catch {
    require('tsx/cjs');
    require('../src/cli/main.ts').main();
    return;
  }
}
require(CLI_FILE).main();
