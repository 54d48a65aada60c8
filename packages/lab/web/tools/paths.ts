/**
 * Where the explorer's files are: its sources (web/), the static folder the build writes
 * (dist/explorer/) and what it copies there from installed packages.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The lab package's folder (these tools run compiled from dist/web/tools/). */
export const LAB_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The explorer's sources: index.html, style.css and src/*.ts. */
export const WEB_SOURCES = path.join(LAB_ROOT, 'web');

/** The static folder of the built page, ready to be served or published. */
export const EXPLORER_DIR = path.join(LAB_ROOT, 'dist', 'explorer');

/** The folder of the installed `@tensorflow/tfjs-backend-wasm` binaries. */
export function wasmSourceFolder(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}
