/**
 * `npm run bench`: initlab against TF.js (cpu and wasm backends), numpy and PyTorch, side by side in one run.
 *
 * Methodology: for each case, every tool warms up with ten runs (fewer once they add up to a second), then the
 * tools take turns, in a rotated order each
 * round, for `--runs` rounds (default 5); the table shows the median. Python tools time themselves in a
 * long-lived child process (bench/peers.py) that receives one request per run, so their runs interleave with the
 * others too. Before each run the garbage collector runs, then a 20 ms pause lets its background threads finish,
 * outside the timing.
 *
 * Prints the table and the peak-memory table and writes bench/results.json (atomically).
 *
 * Options: --runs N, --quick (1M fills and small matrices only, 3 runs: a smoke run, not a measurement),
 * --only REGEX (operations to run), --no-python, --no-tfjs, --no-memory, --out FILE.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fillNormal, fillTruncatedNormal, fillUniform, heNormal, orthogonal } from '../src/index.ts';
import * as parallel from '../src/node/parallel.ts';
import { planNormal, planTruncatedNormal, planUniform } from '../src/random/samplers.ts';
import { setSimdEnabled, simdAvailable } from '../src/random/simd.ts';
import { writeFileAtomic } from '../src/node/index.ts';
import { PythonPeer, pythonCandidates } from './python.ts';
import { referenceFill } from '../test/support/reference.ts';
import {
  beyondFloor,
  FLOOR_TOOL,
  formatBeyondFloor,
  formatMemory,
  formatRows,
  type Measurement,
  type MemoryRow,
  type Note,
  type Results,
  resultsJson,
  summarize,
} from './stats.ts';
import { setupTfjs, type TfBackend, tfjsVersion, timeTfjs } from './tfjs.ts';

/** One contender in a case: times one run in milliseconds. */
interface Tool {
  readonly name: string;
  readonly run: () => number | Promise<number>;
}

interface Case {
  readonly operation: string;
  readonly size: string;
  readonly values: number;
  readonly mode: string;
  readonly tools: readonly Tool[];
}

interface Options {
  runs: number;
  quick: boolean;
  only: RegExp | undefined;
  python: boolean;
  tfjs: boolean;
  memory: boolean;
  out: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const SEED = 20261129;
const M = 1 << 20;

function parseArgs(argv: readonly string[]): Options {
  const options: Options = {
    runs: 5,
    quick: false,
    only: undefined,
    python: true,
    tfjs: true,
    memory: true,
    out: path.join(repo, 'bench', 'results.json'),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--runs') options.runs = Number(argv[++i]);
    else if (arg === '--quick') options.quick = true;
    else if (arg === '--only') options.only = new RegExp(argv[++i] ?? '');
    else if (arg === '--no-python') options.python = false;
    else if (arg === '--no-tfjs') options.tfjs = false;
    else if (arg === '--no-memory') options.memory = false;
    else if (arg === '--out') options.out = path.resolve(argv[++i] ?? '');
    else throw new Error(`unknown option ${arg} (see the comment at the top of bench/run.ts)`);
  }
  if (options.quick && !argv.includes('--runs')) options.runs = 3;
  if (!Number.isSafeInteger(options.runs) || options.runs < 1) throw new Error('--runs needs a positive integer');
  return options;
}

/** The garbage collector, exposed without a command-line flag. */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

function timed(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** Pause after the garbage collection that precedes each run. */
const SETTLE_MS = 20;

/**
 * Untimed runs of each tool before the timed rounds, stopping early once they add up to {@link WARMUP_MS}: V8 takes
 * about ten calls to optimize the JavaScript around a kernel (orthogonal 256×256: 17 ms for the first calls, 6 ms
 * from the tenth on).
 */
const WARMUP_RUNS = 10;
const WARMUP_MS = 1000;

/** Warm-up, then `runs` rounds in rotated order; returns one measurement per tool. */
async function measure(c: Case, runs: number, notes: Note[]): Promise<Measurement[]> {
  const times = new Map<string, number[]>(c.tools.map((t) => [t.name, []]));
  const failed = new Set<string>();
  const once = async (tool: Tool): Promise<number | undefined> => {
    if (failed.has(tool.name)) return undefined;
    collectGarbage();
    // Let V8's background GC threads (concurrent sweeping) finish, so they do not share the cores with the run.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    try {
      return await tool.run();
    } catch (error) {
      failed.add(tool.name);
      notes.push({ what: `${tool.name} ${c.operation} ${c.size} ${c.mode}`, why: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
  };
  // Warm-up (JIT tiers, wasm tier-up, caches): WARMUP_RUNS runs per tool, or fewer once they add up to WARMUP_MS.
  for (const tool of c.tools) {
    let total = 0;
    for (let k = 0; k < WARMUP_RUNS && total < WARMUP_MS; k++) {
      const ms = await once(tool);
      if (ms === undefined) break;
      total += ms;
    }
  }
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < c.tools.length; k++) {
      const tool = c.tools[(round + k) % c.tools.length]!;
      const ms = await once(tool);
      if (ms !== undefined) times.get(tool.name)!.push(ms);
    }
  }
  return c.tools
    .filter((t) => !failed.has(t.name))
    .map((t) => ({ operation: c.operation, size: c.size, values: c.values, mode: c.mode, tool: t.name, runs: times.get(t.name)! }));
}

type Python = { numpy?: PythonPeer; torch?: PythonPeer };

async function startPython(notes: Note[], machine: Record<string, unknown>): Promise<{ peers: PythonPeer[]; python: Python }> {
  const peers: PythonPeer[] = [];
  const python: Python = {};
  const reasons: string[] = [];
  for (const command of pythonCandidates()) {
    const peer = await PythonPeer.start(command);
    if (!(peer instanceof PythonPeer)) {
      reasons.push(`${command}: ${peer.error}`);
      continue;
    }
    const used = (!python.numpy && peer.info.numpy) || (!python.torch && peer.info.torch);
    if (!python.numpy && peer.info.numpy) python.numpy = peer;
    if (!python.torch && peer.info.torch) python.torch = peer;
    if (used) peers.push(peer);
    else peer.close();
    const why = Object.entries(peer.info.why).map(([tool, reason]) => `${tool}: ${reason}`);
    reasons.push(`${command} (Python ${peer.info.python}): ${why.length > 0 ? why.join('; ') : 'numpy and torch importable'}`);
  }
  if (python.numpy) machine['numpy'] = `${python.numpy.info.numpy} (${python.numpy.info.executable})`;
  else notes.push({ what: 'numpy column', why: `skipped: no python3 imports numpy (${reasons.join(' | ')})` });
  if (python.torch) machine['torch'] = `${python.torch.info.torch} (${python.torch.info.executable}, ${python.torch.info.threads} threads)`;
  else
    notes.push({
      what: 'PyTorch column',
      why: `skipped: no python3 imports torch (${reasons.join(' | ')}); on Debian: apt-get install python3-torch python3-numpy`,
    });
  return { peers, python };
}

function fillCases(options: Options, python: Python, tfBackends: readonly TfBackend[], threads: number): Case[] {
  const cases: Case[] = [];
  const sizes = options.quick ? [1] : [1, 16];
  const fills = {
    normal: { core: fillNormal, mt: parallel.fillNormal, plan: planNormal },
    uniform: { core: fillUniform, mt: parallel.fillUniform, plan: planUniform },
    truncated_normal: { core: fillTruncatedNormal, mt: parallel.fillTruncatedNormal, plan: planTruncatedNormal },
  } as const;
  for (const [operation, fill] of Object.entries(fills)) {
    for (const millions of sizes) {
      const n = millions * M;
      for (const mode of ['prealloc', 'fresh']) {
        const tools: Tool[] = [];
        if (mode === 'prealloc') {
          const shared = parallel.sharedFloat32Array(n);
          const plain = new Float32Array(n);
          tools.push({ name: 'initlab', run: () => timed(() => fill.mt(SEED, shared, { threads })) });
          if (threads > 1) tools.push({ name: 'initlab 1 thread', run: () => timed(() => fill.core(SEED, plain)) });
          if (millions === 16 || options.quick) {
            if (simdAvailable()) {
              const typescript = (): number => {
                setSimdEnabled(false);
                try {
                  return timed(() => fill.core(SEED, plain));
                } finally {
                  setSimdEnabled(true);
                }
              };
              tools.push({ name: 'initlab 1 thread, TypeScript', run: typescript });
            }
            const plan = fill.plan(SEED, true, n);
            tools.push({ name: 'initlab reference path', run: () => timed(() => referenceFill(plan, plain)) });
          }
        } else {
          tools.push({ name: 'initlab', run: () => timed(() => fill.mt(SEED, parallel.sharedFloat32Array(n), { threads })) });
          if (threads > 1) tools.push({ name: 'initlab 1 thread', run: () => timed(() => fill.core(SEED, new Float32Array(n))) });
          for (const backend of tfBackends) tools.push({ name: `tfjs-${backend}`, run: () => timeTfjs(backend, operation, n) });
          // The floor of every fresh row: allocating the output and touching each page once, no sampling.
          tools.push({ name: FLOOR_TOOL, run: () => timed(() => new Float32Array(n).fill(0)) });
        }
        if (python.numpy && operation !== 'truncated_normal') {
          const peer = python.numpy;
          tools.push({ name: 'numpy', run: () => peer.run('numpy', operation, n, mode) });
        }
        if (python.torch) {
          const peer = python.torch;
          tools.push({ name: 'torch', run: () => peer.run('torch', operation, n, mode) });
        }
        cases.push({ operation, size: `${millions}M`, values: n, mode, tools });
      }
    }
  }
  return cases;
}

function matrixCases(options: Options, python: Python, tfBackends: readonly TfBackend[], notes: Note[]): Case[] {
  const cases: Case[] = [];
  const pythonTools = (operation: string, n: number): Tool[] => {
    const tools: Tool[] = [];
    if (python.numpy) tools.push({ name: 'numpy', run: () => python.numpy!.run('numpy', operation, n, 'api') });
    if (python.torch) tools.push({ name: 'torch', run: () => python.torch!.run('torch', operation, n, 'api') });
    return tools;
  };
  const he = options.quick ? 1024 : 4096;
  const init = heNormal();
  notes.push({
    what: 'initlab he_normal',
    why: '"initlab" = initialize(heNormal(), shape, seed) from initlab/node on all cores (a fresh SharedArrayBuffer-backed array, same bits); "initlab 1 thread" = the public call heNormal()(shape, seed)',
  });
  cases.push({
    operation: 'he_normal',
    size: `${he}x${he}`,
    values: he * he,
    mode: 'api',
    tools: [
      { name: 'initlab', run: () => timed(() => parallel.initialize(init, [he, he], SEED)) },
      ...(availableParallelism() > 1 ? [{ name: 'initlab 1 thread', run: () => timed(() => init([he, he], SEED)) }] : []),
      ...tfBackends.map((backend) => ({ name: `tfjs-${backend}`, run: () => timeTfjs(backend, 'he_normal', he) })),
      ...pythonTools('he_normal', he),
    ],
  });
  const orth = orthogonal();
  notes.push({
    what: 'initlab orthogonal',
    why: '"initlab" = initialize(orthogonal(), [n, n], seed) from initlab/node on all cores (columns of Q split between threads, same bits); "initlab 1 thread" = the public call orthogonal()([n, n], seed); float32 output formed in float32',
  });
  for (const n of options.quick ? [256, 512] : [256, 512, 1024, 2048]) {
    const tools: Tool[] = [{ name: 'initlab', run: () => timed(() => parallel.initialize(orth, [n, n], SEED)) }];
    if (availableParallelism() > 1) tools.push({ name: 'initlab 1 thread', run: () => timed(() => orth([n, n], SEED)) });
    for (const backend of tfBackends) {
      const limit = backend === 'wasm' ? 512 : 256;
      if (n <= limit) tools.push({ name: `tfjs-${backend}`, run: () => timeTfjs(backend, 'orthogonal', n) });
      else if (n === limit * 2 || (backend === 'cpu' && n === 512)) {
        notes.push({
          what: `tfjs-${backend} orthogonal ${n}x${n} and larger`,
          why:
            backend === 'cpu'
              ? 'skipped: over a minute per run at 512x512 on the cpu backend'
              : 'skipped: seconds per run at 512x512 (about n^3), minutes beyond',
        });
      }
    }
    tools.push(...pythonTools('orthogonal', n));
    cases.push({ operation: 'orthogonal', size: `${n}x${n}`, values: n * n, mode: 'api', tools });
  }
  return cases;
}

/** Peak RSS of one fresh 16M normal fill per tool, each in its own process. */
function memoryRows(python: Python, tfBackends: readonly TfBackend[], notes: Note[], quick: boolean): MemoryRow[] {
  const n = quick ? 4 * M : 16 * M;
  const rows: MemoryRow[] = [];
  const add = (tool: string, measured: { baselineKiB: number; peakKiB: number }): void => {
    const peakExtraBytes = Math.max(0, measured.peakKiB - measured.baselineKiB) * 1024;
    rows.push({ tool, operation: 'normal', values: n, outputBytes: 4 * n, peakExtraBytes, ratio: peakExtraBytes / (4 * n) });
  };
  const script = path.join(here, 'memory.js');
  for (const tool of ['initlab', 'initlab-1', ...tfBackends.map((b) => `tfjs-${b}`)]) {
    const result = spawnSync(process.execPath, [script, tool, 'normal', String(n)], { encoding: 'utf8' });
    if (result.status === 0) add(tool === 'initlab-1' ? 'initlab 1 thread' : tool, JSON.parse(result.stdout) as { baselineKiB: number; peakKiB: number });
    else notes.push({ what: `${tool} memory`, why: result.stderr.trim().split('\n').pop() ?? `exit ${result.status}` });
  }
  for (const tool of ['numpy', 'torch'] as const) {
    const peer = python[tool];
    if (!peer) continue;
    try {
      add(tool, peer.memory(tool, 'normal', n));
    } catch (error) {
      notes.push({ what: `${tool} memory`, why: String(error) });
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const threads = availableParallelism();
  const notes: Note[] = [];
  const machine: Record<string, unknown> = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: threads,
    node: process.version,
    loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(2))),
  };
  machine['simd'] = simdAvailable();
  console.log(
    `initlab benchmark: ${machine['cpu']}, ${threads} cores, Node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (!simdAvailable()) notes.push({ what: 'initlab', why: 'no WebAssembly SIMD here: the TypeScript kernels were measured' });
  if (options.quick) console.log('--quick: a smoke run with small sizes, not a measurement');

  let tfBackends: TfBackend[] = [];
  if (options.tfjs) {
    const setup = await setupTfjs();
    tfBackends = setup.backends;
    machine['tfjs'] = `${tfjsVersion()} (${tfBackends.join(', ')})`;
    for (const why of setup.notes) notes.push({ what: 'tfjs-wasm column', why });
  } else {
    notes.push({ what: 'TF.js columns', why: 'skipped: --no-tfjs' });
  }
  const { peers, python } = options.python ? await startPython(notes, machine) : { peers: [], python: {} };
  if (!options.python) notes.push({ what: 'numpy and PyTorch columns', why: 'skipped: --no-python' });
  if (python.numpy) notes.push({ what: 'numpy truncated_normal', why: 'numpy has no truncated normal sampler' });
  notes.push({ what: 'TF.js prealloc rows', why: 'TF.js cannot fill an existing buffer: its rows are in fresh mode only' });
  notes.push({ what: 'TF.js he_normal', why: 'Keras semantics: heNormal draws a truncated normal (initlab and PyTorch: untruncated)' });

  const cases = [...fillCases(options, python, tfBackends, threads), ...matrixCases(options, python, tfBackends, notes)].filter(
    (c) => !options.only || options.only.test(c.operation),
  );
  const measurements: Measurement[] = [];
  try {
    for (const c of cases) {
      const started = performance.now();
      const measured = await measure(c, options.runs, notes);
      measurements.push(...measured);
      const summary = summarize(measured)
        .map((r) => `${r.tool} ${r.medianMs.toFixed(1)}`)
        .join(', ');
      console.log(`  ${c.operation} ${c.size} ${c.mode}: ${summary} ms (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
    const memory = options.memory ? memoryRows(python, tfBackends, notes, options.quick) : [];
    machine['loadAverageAtEnd'] = loadavg().map((l) => Number(l.toFixed(2)));
    const rows = summarize(measurements);
    const floorRows = beyondFloor(rows);
    const results: Results = {
      generated: new Date().toISOString(),
      machine,
      methodology: {
        warmupRuns: `${WARMUP_RUNS}, or fewer once they add up to ${WARMUP_MS} ms`,
        timedRuns: options.runs,
        statistic: 'median',
        order: 'tools interleaved, rotated each round',
        initlab: `"initlab" = initlab/node parallel fill on ${threads} threads into a SharedArrayBuffer-backed Float32Array (WebAssembly SIMD kernels); "initlab 1 thread" = the core fill (WebAssembly SIMD kernels); "initlab 1 thread, TypeScript" = the core fill on the pure TypeScript kernels; "initlab reference path" = one threefry2x32 call per element, as before the kernels`,
        ratio: 'tool median ms / initlab median ms for the same operation, size and mode (above 1: initlab is faster)',
        quick: options.quick,
      },
      rows,
      beyondFloor: floorRows,
      memory,
      notes,
    };
    console.log('');
    console.log(formatRows(rows));
    if (floorRows.length > 0) {
      console.log('');
      console.log('Fresh-only tools (TF.js) without the allocation floor: (fresh − floor) against initlab prealloc (a model: see bench/README.md):');
      console.log(formatBeyondFloor(floorRows));
    }
    if (memory.length > 0) {
      console.log('');
      console.log('Peak memory of one fresh float32 normal fill (each in a new process):');
      console.log(formatMemory(memory));
    }
    if (notes.length > 0) {
      console.log('');
      for (const note of notes) console.log(`note: ${note.what}: ${note.why}`);
    }
    console.log('');
    console.log(
      `load average at end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    writeFileAtomic(options.out, [Buffer.from(resultsJson(results))]);
    console.log(`wrote ${path.relative(process.cwd(), options.out) || options.out}`);
  } finally {
    for (const peer of peers) peer.close();
    await parallel.closeWorkers();
  }
}

await main();
