// Builds the add-in (task pane, ribbon commands, manifest, icons) into dist/, and in development the
// workbench: the real task pane against a fake Excel, for seeing and testing without Excel.
//
//   npm run build                       production build, manifest URLs on https://localhost:3000
//   ADDIN_ORIGIN=https://x.example npm run build   the same, for a deployment origin
//   npm run workbench                   the workbench on http://localhost:3001 (plain http: see README)
const path = require('path');
const HtmlWebpackPlugin = require('html-webpack-plugin');
const CopyWebpackPlugin = require('copy-webpack-plugin');
const webpack = require('webpack');

const DEV_ORIGIN = 'https://localhost:3000';
const OFFICE_JS = /<script[^>]+appsforoffice\.microsoft\.com[^>]*><\/script>\s*/g;

function withoutOfficeJs(file) {
  return require('fs').readFileSync(file, 'utf8').replace(OFFICE_JS, '');
}

module.exports = async (env = {}, argv = {}) => {
  const production = argv.mode === 'production';
  const origin = (process.env.ADDIN_ORIGIN || DEV_ORIGIN).replace(/\/+$/, '');
  const workbench = Boolean(env.workbench);
  // `npm start`: https with office-addin-dev-certs' localhost certificate, which Excel requires.
  const https = !workbench && env.https ? await require('office-addin-dev-certs').getHttpsServerOptions() : undefined;

  const addin = { taskpane: './src/taskpane/main.tsx', commands: './src/commands/commands.ts' };
  const entry = workbench
    ? { workbench: './test/workbench/main.tsx', fakeOffice: './test/workbench/fake-office.ts', ...addin }
    : addin;

  // In the workbench the real pages load the fake office.js (bound to the workbench's fake Excel)
  // instead of Microsoft's CDN script, which needs the network.
  const addinPage = (name) =>
    new HtmlWebpackPlugin({
      filename: `${name}.html`,
      chunks: workbench ? ['fakeOffice', name] : [name],
      chunksSortMode: 'manual',
      ...(workbench
        ? { templateContent: () => withoutOfficeJs(path.join(__dirname, 'src', name, `${name}.html`)) }
        : { template: `./src/${name}/${name}.html` }),
    });
  const pages = [
    addinPage('taskpane'),
    addinPage('commands'),
    ...(workbench ? [new HtmlWebpackPlugin({ filename: 'index.html', template: './test/workbench/index.html', chunks: ['workbench'] })] : []),
  ];

  return {
    mode: production ? 'production' : 'development',
    devtool: production ? 'source-map' : 'eval-source-map',
    entry,
    output: {
      path: path.resolve(__dirname, workbench ? 'dist-workbench' : 'dist'),
      filename: '[name].[contenthash:8].js',
      clean: true,
    },
    resolve: {
      extensions: ['.ts', '.tsx', '.js'],
      // The .xlsx host's file helpers are node-only; the browser never calls them.
      fallback: { fs: false, path: false, os: false, 'node:fs': false, 'node:path': false, stream: false, crypto: false },
    },
    module: {
      rules: [
        {
          test: /\.tsx?$/,
          loader: 'ts-loader',
          exclude: /node_modules/,
          options: { configFile: 'tsconfig.web.json', transpileOnly: true },
        },
      ],
    },
    plugins: [
      ...pages,
      new webpack.DefinePlugin({ 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') }),
      ...(workbench
        ? [new CopyWebpackPlugin({ patterns: [{ from: 'assets/sample/sample-projects.xlsx', to: 'sample-projects.xlsx' }] })]
        : [
            new CopyWebpackPlugin({
              patterns: [
                { from: 'assets/*.png', to: 'assets/[name][ext]' },
                { from: 'src/support/support.html', to: 'support.html' },
                {
                  from: 'manifest.xml',
                  to: 'manifest.xml',
                  transform: (content) => content.toString().split(DEV_ORIGIN).join(origin),
                },
              ],
            }),
          ]),
    ],
    performance: { hints: false },
    devServer: workbench
      ? { port: 3001, host: '127.0.0.1', static: false, hot: false, liveReload: false }
      : {
          port: 3000,
          headers: { 'Access-Control-Allow-Origin': '*' },
          server: https ? { type: 'https', options: https } : 'http',
        },
  };
};
