/**
 * The numpy and PyTorch peers: bench/peers.py as a timing server in a python3 child process, one JSON line per
 * request, so that their runs interleave with initlab's and TF.js's.
 *
 * Interpreters tried, in order: $INITLAB_BENCH_PYTHON, `python3` on the PATH, `/usr/bin/python3` (Debian's, where
 * `apt-get install python3-numpy python3-torch` puts PyTorch). numpy is taken from the first one that imports it,
 * PyTorch likewise, possibly from different interpreters.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';

/** The answer to `hello`. */
export interface PythonInfo {
  readonly python: string;
  readonly executable: string;
  readonly numpy: string | null;
  readonly torch: string | null;
  readonly threads: number | null;
  readonly why: Readonly<Record<string, string>>;
}

/** Path of bench/peers.py (run.ts is compiled to dist/bench/, the script stays in bench/). */
export function peersScript(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'peers.py'), path.join(here, '..', '..', 'bench', 'peers.py')];
  return candidates.find((p) => existsSync(p)) ?? candidates[1]!;
}

/** One running peers.py server. */
export class PythonPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: ((line: string) => void)[] = [];
  private exited = false;

  private constructor(
    readonly command: string,
    readonly info: PythonInfo,
    child: ChildProcessWithoutNullStreams,
    lines: Interface,
  ) {
    this.child = child;
    this.lines = lines;
  }

  /** Starts `command bench/peers.py serve` and asks it what it can import; `{error}` if it does not start. */
  static async start(command: string): Promise<PythonPeer | { readonly error: string }> {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(command, [peersScript(), 'serve'], { stdio: ['pipe', 'pipe', 'pipe'], env: pythonEnv() });
    } catch (error) {
      return { error: String(error) };
    }
    const stderr: string[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const lines = createInterface({ input: child.stdout });
    const first = new Promise<string | { error: string }>((resolve) => {
      lines.once('line', resolve);
      child.once('error', (error) => resolve({ error: error.message }));
      child.once('exit', (code) => resolve({ error: `exited with code ${code}: ${stderr.join('').trim().split('\n').pop() ?? ''}` }));
    });
    child.stdin.write('{"cmd": "hello"}\n');
    const answer = await first;
    if (typeof answer !== 'string') {
      child.kill();
      return answer;
    }
    const peer = new PythonPeer(command, JSON.parse(answer) as PythonInfo, child, lines);
    lines.on('line', (line) => peer.pending.shift()?.(line));
    child.once('exit', () => {
      peer.exited = true;
      for (const resolve of peer.pending.splice(0)) resolve('{"error": "the python peer exited"}');
    });
    return peer;
  }

  /** Times one run of `op` in `tool` (milliseconds measured in Python with perf_counter). */
  async run(tool: 'numpy' | 'torch', op: string, n: number, mode: string): Promise<number> {
    if (this.exited) throw new Error('the python peer exited');
    const line = await new Promise<string>((resolve) => {
      this.pending.push(resolve);
      this.child.stdin.write(`${JSON.stringify({ cmd: 'run', tool, op, n, mode })}\n`);
    });
    const answer = JSON.parse(line) as { ms?: number; error?: string };
    if (answer.error !== undefined || answer.ms === undefined) throw new Error(`${tool} ${op}: ${answer.error ?? 'no answer'}`);
    return answer.ms;
  }

  /** Peak memory of one fresh fill in a new process: {baselineKiB, peakKiB}. */
  memory(tool: 'numpy' | 'torch', op: string, n: number): { baselineKiB: number; peakKiB: number } {
    const result = spawnSync(this.command, [peersScript(), 'memory', tool, op, String(n)], { encoding: 'utf8', env: pythonEnv() });
    if (result.status !== 0) throw new Error(`${tool} memory: ${result.stderr.trim().split('\n').pop() ?? result.status}`);
    return JSON.parse(result.stdout) as { baselineKiB: number; peakKiB: number };
  }

  /** Ends the server. */
  close(): void {
    if (!this.exited) this.child.stdin.end('{"cmd": "quit"}\n');
    this.lines.close();
  }
}

/**
 * The peers' environment: OpenBLAS (numpy's QR) on $INITLAB_BENCH_BLAS_THREADS threads, default 1, the thread count
 * of initlab's orthogonal. (On this 2-core machine, loaded by other work, 2 OpenBLAS threads made a 512x512 QR about
 * 5x slower than 1.)
 */
export function pythonEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, OPENBLAS_NUM_THREADS: env['INITLAB_BENCH_BLAS_THREADS'] ?? '1' };
}

/** The interpreters to try, without duplicates. */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const list = [env['INITLAB_BENCH_PYTHON'], 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  return [...new Set(list)];
}
