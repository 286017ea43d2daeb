/**
 * Production build of the Looker extension: one file, dist/bundle.js, which manifest.lkml's `file:` points at
 * (Looker loads a single script into the extension iframe, so chunks are disabled).
 * `npm run build:extension`; add `--json > dist/stats.json` for a stats analysis (see docs/extension.md).
 */
const path = require('path');
const webpack = require('webpack');
const { EsbuildPlugin } = require('esbuild-loader');

const root = (...p) => path.resolve(__dirname, 'node_modules', ...p);

/** Packages that must be bundled once: two Reacts break hooks, two SDKs or styled-components break context; lodash is just weight. */
const SINGLETONS = [
  'react',
  'react-dom',
  'react-router',
  'react-router-dom',
  'styled-components',
  '@looker/sdk',
  '@looker/sdk-rtl',
  '@looker/extension-sdk',
  '@looker/extension-sdk-react',
  '@looker/components',
  'lodash',
];

/** Fails the build when a singleton package is bundled from more than one directory (a stats check, built in). */
class SingleCopyCheck {
  apply(compiler) {
    compiler.hooks.afterCompile.tap('SingleCopyCheck', (compilation) => {
      const dirs = new Map();
      for (const m of compilation.modules) {
        const match = /^(.*node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+))[\\/]/.exec(m.resource || '');
        if (!match) continue;
        const name = match[2].replace(/\\/g, '/');
        if (!SINGLETONS.includes(name)) continue;
        dirs.set(name, (dirs.get(name) || new Set()).add(match[1]));
      }
      for (const [name, found] of dirs) {
        if (found.size > 1) {
          compilation.errors.push(new webpack.WebpackError(`${name} is bundled ${found.size} times: ${[...found].join(', ')}. Add it to resolve.alias in webpack.config.js.`));
        }
      }
    });
  }
}

module.exports = (_env, argv = {}) => ({
  mode: argv.mode || 'production',
  target: 'web',
  entry: path.resolve(__dirname, 'src/extension/index.tsx'),
  output: {
    path: path.resolve(__dirname, 'dist'),
    filename: 'bundle.js',
    clean: false,
  },
  devtool: false,
  resolve: {
    extensions: ['.tsx', '.ts', '.mjs', '.js', '.json'],
    // One copy of each of these, whatever a dependency pins (extension-sdk-react ships its own lodash).
    alias: {
      react: root('react'),
      'react-dom': root('react-dom'),
      'styled-components': root('styled-components'),
      lodash: root('lodash'),
      '@looker/sdk': root('@looker/sdk'),
      '@looker/sdk-rtl': root('@looker/sdk-rtl'),
    },
  },
  module: {
    rules: [
      {
        test: /\.tsx?$/,
        loader: 'esbuild-loader',
        options: { loader: 'tsx', target: 'es2018', jsx: 'automatic' },
        exclude: /node_modules/,
      },
    ],
  },
  optimization: {
    // esbuild minifies in seconds where terser takes a minute on this bundle. ASCII-only output: the bundle reads the
    // same whatever charset the host page declares ("·", "…", "→" in labels).
    minimizer: [new EsbuildPlugin({ target: 'es2018', charset: 'ascii' })],
  },
  plugins: [new webpack.optimize.LimitChunkCountPlugin({ maxChunks: 1 }), new SingleCopyCheck()],
  performance: { hints: false },
});
