/** Two projects: the warehouses, generator and preview run in Node; the extension renders in jsdom. */
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { transform: { react: { runtime: 'automatic' } } } }] };
// d3 and friends ship ESM only: let swc transform them.
const transformIgnorePatterns = ['/node_modules/(?!(d3-[^/]+|d3|internmap|delaunator|robust-predicates)/)'];
module.exports = {
  testTimeout: 60000,
  // Suites run in worker processes, never in band (jest's default on a 2-core machine): a full in-band run once
  // ended with a DuckDB connection's destructor deadlocked at exit (2026-12-06; its query still running, on the
  // preview's demo database), which a worker survives because jest kills a worker that does not exit. forceExit
  // ends the main process the same way.
  maxWorkers: 2,
  forceExit: true,
  projects: [
    {
      displayName: 'node',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/test/extension/'],
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'extension',
      testEnvironment: 'jsdom',
      roots: ['<rootDir>/test/extension'],
      testMatch: ['**/*.test.ts?(x)'],
      setupFiles: ['<rootDir>/test/extension/setup.ts'],
      transform,
      transformIgnorePatterns,
    },
  ],
};
