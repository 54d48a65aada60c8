/** Helpers for the command-line tests: run the built `initlab` (dist/cli/main.js) in a child process. */
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

/** dist/cli/main.js, resolved from this file's location (dist/test/cli/run.js). */
export const CLI = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
/** The package root (the directory holding package.json). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface Result {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node dist/cli/main.js ...args` and returns its exit code and output. */
export function initlab(args: readonly string[], options: { cwd?: string } = {}): Result {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    cwd: options.cwd,
    env: { ...process.env, INITLAB_DEBUG: '' },
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a command that must succeed (exit 0, nothing on stderr) and returns its stdout. */
export function ok(args: readonly string[], options: { cwd?: string } = {}): string {
  const result = initlab(args, options);
  assert.equal(result.stderr, '', `stderr of initlab ${args.join(' ')}`);
  assert.equal(result.status, 0, `exit code of initlab ${args.join(' ')}`);
  return result.stdout;
}

/**
 * Runs a command that must fail as a usage error: exit code 2, nothing on stdout, exactly one line on stderr
 * starting with `initlab: `, no stack trace. Returns that line (without the newline).
 */
export function usageError(args: readonly string[], options: { cwd?: string } = {}): string {
  const result = initlab(args, options);
  const what = `initlab ${args.join(' ')}`;
  assert.equal(result.status, 2, `exit code of ${what} (stderr: ${result.stderr})`);
  assert.equal(result.stdout, '', `stdout of ${what}`);
  assert.match(result.stderr, /^initlab: \S/, `stderr of ${what} must start with 'initlab: '`);
  assert.equal(result.stderr.indexOf('\n'), result.stderr.length - 1, `stderr of ${what} must be exactly one line: ${result.stderr}`);
  assert.doesNotMatch(result.stderr, /^\s*at /m, `stderr of ${what} must have no stack trace`);
  return result.stderr.slice(0, -1);
}

/** A parsed `.npy` file. */
export interface Npy {
  readonly major: number;
  readonly minor: number;
  /** Magic + version + HEADER_LEN + header: where the data starts. */
  readonly dataOffset: number;
  /** The header text, padding and final newline included. */
  readonly header: string;
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: number[];
  /** Float16 data (`<f2`) as its bits. */
  readonly data: Float32Array | Float64Array | Uint16Array;
}

/**
 * Parses a version 1.0 `.npy` file written for little-endian float16/float32/float64, independently of cli/npy.ts, and checks
 * the format's invariants (magic, alignment of the data to 64 bytes, header ending in a newline, data length).
 */
export function readNpy(bytes: Uint8Array): Npy {
  assert.deepEqual([...bytes.subarray(0, 6)], [0x93, ...Buffer.from('NUMPY', 'latin1')], 'magic string');
  const major = bytes[6]!;
  const minor = bytes[7]!;
  const headerLength = bytes[8]! | (bytes[9]! << 8);
  const dataOffset = 10 + headerLength;
  assert.equal(dataOffset % 64, 0, 'total header length must be a multiple of 64');
  const header = Buffer.from(bytes.subarray(10, dataOffset)).toString('latin1');
  assert.ok(header.endsWith('\n'), 'header must end with a newline');
  const match = /^\{'descr': '(<f[248])', 'fortran_order': (False|True), 'shape': \(((?:\d+(?:, \d+)*,?)?)\), \} *\n$/.exec(header);
  assert.ok(match, `header dict: ${JSON.stringify(header)}`);
  const [, descr, fortran, dims] = match;
  const shape = dims!
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '')
    .map(Number);
  const size = shape.reduce((a, b) => a * b, 1);
  const itemSize = descr === '<f8' ? 8 : descr === '<f2' ? 2 : 4;
  assert.equal(bytes.length - dataOffset, size * itemSize, 'data length must be size × item size');
  const copy = new Uint8Array(bytes.subarray(dataOffset)); // aligned copy (little-endian test host)
  const data = descr === '<f8' ? new Float64Array(copy.buffer) : descr === '<f2' ? new Uint16Array(copy.buffer) : new Float32Array(copy.buffer);
  return { major, minor, dataOffset, header, descr: descr!, fortranOrder: fortran === 'True', shape, data };
}
