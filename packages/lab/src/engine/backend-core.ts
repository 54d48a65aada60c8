/**
 * TensorFlow.js backend selection, with no Node import (the lab in Node and the explorer page in a browser share
 * it): the WebAssembly backend when it loads from a given folder, the pure-JS cpu backend otherwise.
 * engine/backend.ts adds the Node defaults (the installed package's folder, `INITLAB_BACKEND`).
 */
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
 * Makes TF.js ready on the preferred backend and returns which backend is active.
 *
 * - `wasmFolder` holds `tfjs-backend-wasm*.wasm` and ends with a separator: a file-system path in Node, a URL in
 *   a browser (the binaries are served with the page, no network beyond it).
 * - The wasm backend is initialized at most once per process or worker; if that fails, the cpu backend is used and
 *   `notice` says why in one line. Emscripten's own console output during a failed attempt is captured into that
 *   line instead of being printed.
 * - Idempotent and safe to call concurrently: later calls reuse the first attempt and only switch
 *   `tf.setBackend` when another backend is active.
 * - Puts TF.js in production mode (`tf.enableProdMode()`), which silences its "install tfjs-node" banner and
 *   debug checks.
 *
 * @example
 * await setupBackendAt('wasm', new URL('wasm/', self.location.href).href); // in a Web Worker
 */
export async function setupBackendAt(preferred: BackendName, wasmFolder: string): Promise<BackendInfo> {
  if (!prodModeSet) {
    tf.enableProdMode();
    prodModeSet = true;
  }
  if (preferred === 'wasm') {
    wasmAttempt ??= initWasm(wasmFolder);
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

/** Switches to the cpu backend (always registered by `@tensorflow/tfjs`). */
async function useCpu(): Promise<void> {
  if (tf.getBackend() !== 'cpu' && !(await tf.setBackend('cpu'))) {
    throw new Error('neither the wasm nor the cpu TF.js backend could be initialized');
  }
  await tf.ready();
}

/** Points the wasm backend at the installed binaries and initializes it once, capturing its console noise. */
async function initWasm(wasmFolder: string): Promise<WasmAttempt> {
  const messages: string[] = [];
  const saved = { log: console.log, warn: console.warn, error: console.error };
  const capture = (...args: unknown[]): void => {
    messages.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  };
  console.log = capture;
  console.warn = capture;
  console.error = capture;
  try {
    setWasmPaths(wasmFolder);
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
