/**
 * TensorFlow.js backend selection for the lab: the WebAssembly backend when it loads, the pure-JS cpu backend
 * otherwise.
 *
 * In Node the wasm backend reads its `.wasm` binary from disk with `fs` (Emscripten's Node path), so pointing
 * `setWasmPaths` at the package's own `dist/` folder (a file-system path ending in `/`) makes it work offline
 * with no fetch. Node has no wasm threads here, so the SIMD single-threaded binary
 * (`tfjs-backend-wasm-simd.wasm`) is the one that loads.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** The TF.js backends the lab knows how to set up. */
export type BackendName = 'wasm' | 'cpu';

/** What {@link setupBackend} settled on. */
export interface BackendInfo {
  /** The active TF.js backend (`tf.getBackend()`). */
  readonly name: string;
  /** A one-line message when the preferred backend could not be used (the caller decides whether to print it). */
  readonly notice?: string;
}

/** Outcome of the one attempt to initialize the wasm backend in this process. */
interface WasmAttempt {
  readonly ok: boolean;
  readonly reason?: string;
}

let wasmAttempt: Promise<WasmAttempt> | undefined;
let prodModeSet = false;

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
 * Makes TF.js ready on the preferred backend and returns which backend is active.
 *
 * - `preferred` defaults to the `INITLAB_BACKEND` environment variable (`wasm` or `cpu`), else `wasm`.
 * - The wasm backend is initialized at most once per process (its binary read from the installed package, no
 *   network); if that fails, the cpu backend is used and `notice` says why in one line. Emscripten's own
 *   console output during a failed attempt is captured into that line instead of being printed.
 * - Idempotent and safe to call concurrently: later calls reuse the first attempt and only switch
 *   `tf.setBackend` when another backend is active.
 * - Puts TF.js in production mode (`tf.enableProdMode()`), which silences its "install tfjs-node" banner and
 *   debug checks.
 */
export async function setupBackend(preferred?: BackendName): Promise<BackendInfo> {
  const wanted = preferred ?? defaultBackend();
  if (!prodModeSet) {
    tf.enableProdMode();
    prodModeSet = true;
  }
  if (wanted === 'wasm') {
    wasmAttempt ??= initWasm();
    const attempt = await wasmAttempt;
    if (attempt.ok) {
      if (tf.getBackend() !== 'wasm' && !(await tf.setBackend('wasm'))) {
        throw new Error('the wasm backend was initialized but tf.setBackend("wasm") failed');
      }
      await tf.ready();
      return { name: 'wasm' };
    }
    await useCpu();
    return { name: 'cpu', notice: `initlab: wasm backend unavailable (${attempt.reason}); using the cpu backend` };
  }
  await useCpu();
  return { name: 'cpu' };
}

/** `INITLAB_BACKEND` when it names a known backend, else `'wasm'`. */
function defaultBackend(): BackendName {
  const fromEnv = process.env['INITLAB_BACKEND'];
  return fromEnv === 'cpu' || fromEnv === 'wasm' ? fromEnv : 'wasm';
}

/** Switches to the cpu backend (always registered by `@tensorflow/tfjs`). */
async function useCpu(): Promise<void> {
  if (tf.getBackend() !== 'cpu' && !(await tf.setBackend('cpu'))) {
    throw new Error('neither the wasm nor the cpu TF.js backend could be initialized');
  }
  await tf.ready();
}

/** Points the wasm backend at the installed binaries and initializes it once, capturing its console noise. */
async function initWasm(): Promise<WasmAttempt> {
  const messages: string[] = [];
  const saved = { log: console.log, warn: console.warn, error: console.error };
  const capture = (...args: unknown[]): void => {
    messages.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  };
  console.log = capture;
  console.warn = capture;
  console.error = capture;
  try {
    setWasmPaths(wasmBinaryFolder());
    const ok = await tf.setBackend('wasm');
    if (ok) return { ok: true };
    return { ok: false, reason: summarize(messages) };
  } catch (error) {
    return { ok: false, reason: summarize([...messages, error instanceof Error ? error.message : String(error)]) };
  } finally {
    console.log = saved.log;
    console.warn = saved.warn;
    console.error = saved.error;
  }
}

/** The first informative captured line, shortened to fit a one-line notice. */
function summarize(messages: readonly string[]): string {
  const line = messages.map((m) => m.replace(/\s+/g, ' ').trim()).find((m) => m.length > 0) ?? 'initialization failed';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
