/** Two projects: the engine/generator/preview run in Node; the extension renders in jsdom. */
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { transform: { react: { runtime: 'automatic' } } } }] };
// d3 and friends ship ESM only: let swc transform them.
const transformIgnorePatterns = ['/node_modules/(?!(d3-[^/]+|d3|internmap|delaunator|robust-predicates)/)'];
module.exports = {
  testTimeout: 60000,
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
