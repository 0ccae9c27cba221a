#!/usr/bin/env node
// Build the dashboard into dist/: app.js (src/main.ts and uPlot, bundled and minified by esbuild),
// app.css (uPlot's stylesheet and src/style.css) and index.html. ainkad serves these files as they are.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const here = join(import.meta.dirname, '..');
const dist = join(here, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
const result = await build({
  entryPoints: [join(here, 'src', 'main.ts')],
  bundle: true,
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  minify: true,
  sourcemap: true,
  outfile: join(dist, 'app.js'),
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
});
const uplotDir = dirname(createRequire(import.meta.url).resolve('uplot/package.json'));
writeFileSync(join(dist, 'app.css'), `${readFileSync(join(uplotDir, 'dist', 'uPlot.min.css'), 'utf8')}\n${readFileSync(join(here, 'src', 'style.css'), 'utf8')}`);
copyFileSync(join(here, 'src', 'index.html'), join(dist, 'index.html'));
const size = Object.values(result.metafile.outputs).reduce((n, o) => n + (o.bytes ?? 0), 0);
console.log(`dashboard: dist/app.js, app.css, index.html (${(size / 1024).toFixed(0)} KiB of JS and source map)`);
