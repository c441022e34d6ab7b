// Build web/dist from web/src: `node build.mjs` (from web/, after npm install).
//
// Only the libraries are bundled (CodeMirror, marked, KaTeX, DOMPurify), into
// dist/vendor.js (an ES module built from src/vendor-entry.js). The app's own
// modules, CSS, HTML and images are copied unchanged, so what the browser runs
// is what is in src/. KaTeX's style sheet and fonts are copied to dist/katex/.
// Nothing is fetched from a CDN: the server serves dist/ and nothing else.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const srcDir = path.join(here, 'src');
const distDir = path.join(here, 'dist');
const vendorEntry = 'vendor-entry.js';
const require = createRequire(import.meta.url);
const copiedExtensions = new Set(['.js', '.css', '.html', '.svg', '.png', '.ico', '.txt']);

function listFiles(dir, rel = '') {
  const out = [];
  for (const ent of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, ent.name);
    if (ent.isDirectory()) out.push(...listFiles(dir, r));
    else if (ent.isFile()) out.push(r);
  }
  return out;
}

/* App modules are served as they are, so a bare import ("codemirror") would
 * only fail later in the browser: catch it here, with the file and line. */
function checkImports(rel, text) {
  const problems = [];
  const re = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) {
    const spec = m[1] || m[2] || m[3];
    if (!/^(\.\.?\/|\/)/.test(spec)) {
      const line = text.slice(0, m.index).split('\n').length;
      problems.push(`${rel}:${line}: bare import "${spec}" (app code is not bundled; import it through vendor-entry.js and "./vendor.js")`);
    }
  }
  return problems;
}

/* KaTeX's CSS refers to its fonts as url(fonts/KaTeX_*.woff2) etc.: both go
 * to dist/katex/, served from 'self' (the CSP's font-src and style-src). */
function copyKatex() {
  const katexDist = path.dirname(require.resolve('katex')); // node_modules/katex/dist/katex.js
  const to = path.join(distDir, 'katex');
  fs.mkdirSync(path.join(to, 'fonts'), { recursive: true });
  fs.copyFileSync(path.join(katexDist, 'katex.min.css'), path.join(to, 'katex.min.css'));
  let fonts = 0;
  for (const name of fs.readdirSync(path.join(katexDist, 'fonts'))) {
    if (!/\.(woff2|woff|ttf)$/.test(name)) continue;
    fs.copyFileSync(path.join(katexDist, 'fonts', name), path.join(to, 'fonts', name));
    fonts++;
  }
  const css = fs.readFileSync(path.join(to, 'katex.min.css'), 'utf8');
  const missing = [...css.matchAll(/url\(([^)]+)\)/g)]
    .map((m) => m[1].replace(/^['"]|['"]$/g, ''))
    .filter((u) => !u.startsWith('data:') && !fs.existsSync(path.join(to, u)));
  if (missing.length) throw new Error(`katex.min.css refers to files that are not in dist/katex: ${missing.slice(0, 5).join(', ')}`);
  return fonts;
}

async function main() {
  const started = Date.now();
  fs.rmSync(distDir, { recursive: true, force: true });
  fs.mkdirSync(distDir, { recursive: true });

  await build({
    entryPoints: [path.join(srcDir, vendorEntry)],
    outfile: path.join(distDir, 'vendor.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    legalComments: 'eof',
    logLevel: 'warning',
  });

  const problems = [];
  let copied = 0;
  for (const rel of listFiles(srcDir)) {
    if (rel === vendorEntry) continue;
    if (!copiedExtensions.has(path.extname(rel))) continue;
    const from = path.join(srcDir, rel);
    const to = path.join(distDir, rel);
    if (rel.endsWith('.js')) problems.push(...checkImports(rel, fs.readFileSync(from, 'utf8')));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
    copied++;
  }
  if (problems.length) {
    throw new Error(problems.join('\n'));
  }
  const fonts = copyKatex();
  const vendorKiB = (fs.statSync(path.join(distDir, 'vendor.js')).size / 1024).toFixed(0);
  console.log(`built dist/: vendor.js (${vendorKiB} KiB) + ${copied} files copied from src/ + KaTeX CSS and ${fonts} fonts in ${Date.now() - started} ms`);
}

main().catch((err) => {
  console.error(`build failed: ${err.message}`);
  process.exit(1);
});
