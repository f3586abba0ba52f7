// Builds the web UI's third-party libraries into the web bundle's static assets, with the licence
// of every package that ends up in them. Run after changing package.json (then commit the lock
// file, the built files and the licences together):
//
//   cd kernel/web/ui && npm ci && node build.mjs
//
// The Maven build only packages what this wrote, so it needs no Node and no network.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const assets = join(here, '../src/main/resources/io/promethium/web/internal/ui/assets');
const licenses = join(assets, 'licenses');

const bundles = [
  ['src/codemirror.js', 'lib-codemirror.js'],
  ['src/uplot.js', 'lib-uplot.js'],
];

const packages = new Set();
for (const [entry, out] of bundles) {
  const result = await esbuild.build({
    entryPoints: [join(here, entry)],
    outfile: join(assets, out),
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2020',
    // Licence texts go to licenses/ as files; the bundle names where they are.
    legalComments: 'none',
    banner: { js: `// Built by kernel/web/ui/build.mjs from npm packages (see package-lock.json); licences in licenses/.` },
    metafile: true,
    logLevel: 'warning',
  });
  // Only packages with code in the output: a file merely looked at (bytesInOutput 0) adds nothing.
  const [output] = Object.values(result.metafile.outputs);
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (!bytesInOutput) continue;
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input.split(sep).join('/'));
    if (m) packages.add(m[1]);
  }
  const size = statSync(join(assets, out)).size;
  console.log(`${out}: ${(size / 1024).toFixed(1)} KiB`);
}
copyFileSync(join(here, 'node_modules/uplot/dist/uPlot.min.css'), join(assets, 'lib-uplot.css'));
packages.add('uplot');

rmSync(licenses, { recursive: true, force: true });
mkdirSync(licenses, { recursive: true });
const lines = [];
for (const name of [...packages].sort()) {
  const dir = join(here, 'node_modules', name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  if (!file) throw new Error(`${name} ships no licence file: add its text by hand before bundling it`);
  const target = name.replace('/', '__') + '.txt';
  writeFileSync(join(licenses, target), readFileSync(join(dir, file)));
  lines.push(`${name} ${pkg.version} (${pkg.license}): licenses/${target}`);
  if (existsSync(join(dir, 'NOTICE'))) copyFileSync(join(dir, 'NOTICE'), join(licenses, target.replace('.txt', '.NOTICE.txt')));
}
writeFileSync(join(licenses, 'README.txt'),
  'The third-party packages bundled into lib-codemirror.js, lib-uplot.js and lib-uplot.css, with their licences:\n\n'
  + lines.join('\n') + '\n');
console.log(lines.join('\n'));
