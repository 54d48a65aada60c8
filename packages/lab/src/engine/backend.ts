/**
 * TensorFlow.js backend selection for the lab in Node: the WebAssembly backend when it loads, the pure-JS cpu
 * backend otherwise (the selection itself is engine/backend-core.ts, shared with the explorer page).
 *
 * In Node the wasm backend reads its `.wasm` binary from disk with `fs` (Emscripten's Node path), so pointing
 * `setWasmPaths` at the package's own `dist/` folder (a file-system path ending in `/`) makes it work offline
 * with no fetch. Node has no wasm threads here, so the SIMD single-threaded binary
 * (`tfjs-backend-wasm-simd.wasm`) is the one that loads.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { setupBackendAt, type BackendInfo, type BackendName } from './backend-core.ts';

export type { BackendInfo, BackendName } from './backend-core.ts';

/**
 * The folder holding `tfjs-backend-wasm*.wasm`, as a file-system path with a trailing separator (the form
 * `setWasmPaths` concatenates file names onto). The `INITLAB_WASM_DIR` environment variable overrides it (used by
 * the tests to exercise the cpu fallback).
 */
export function wasmBinaryFolder(): string {
  const override = process.env['INITLAB_WASM_DIR'];
  if (override) return override.endsWith(path.sep) ? override : override + path.sep;
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(packageJson), 'dist') + path.sep;
}

/**
 * Makes TF.js ready on the preferred backend and returns which backend is active (see `setupBackendAt`), with
 * the wasm binaries read from the installed package (no network).
 *
 * - `preferred` defaults to the `INITLAB_BACKEND` environment variable (`wasm` or `cpu`), else `wasm`.
 *
 * @example
 * const { name, notice } = await setupBackend(); // 'wasm', or 'cpu' with a one-line notice
 */
export async function setupBackend(preferred?: BackendName): Promise<BackendInfo> {
  return setupBackendAt(preferred ?? defaultBackend(), wasmBinaryFolder());
}

/** `INITLAB_BACKEND` when it names a known backend, else `'wasm'`. */
function defaultBackend(): BackendName {
  const fromEnv = process.env['INITLAB_BACKEND'];
  return fromEnv === 'cpu' || fromEnv === 'wasm' ? fromEnv : 'wasm';
}
